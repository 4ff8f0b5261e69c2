"""Measures the recording proxy's added latency; see scripts/bench/record-proxy."""
import http.client, os, platform, statistics, subprocess, sys, tempfile, time

binary, requests = sys.argv[1], int(sys.argv[2])
tmp = tempfile.mkdtemp()

def start(arguments, name):
    port_file = os.path.join(tmp, name)
    process = subprocess.Popen([binary] + arguments + ["--port", "0", "--port-file", port_file],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while not (os.path.exists(port_file) and open(port_file).read().strip()):
        if time.time() > deadline or process.poll() is not None:
            sys.exit(f"{name} did not start")
        time.sleep(0.01)
    return process, int(open(port_file).read())

def latencies(port):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    body = "username=admin&password=your-password"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    samples = []
    for index in range(requests + 200):
        started = time.perf_counter()
        connection.request("POST", "/app/status/index.php", body, headers)
        answer = connection.getresponse()
        answer.read()
        elapsed = time.perf_counter() - started
        if answer.status != 200:
            sys.exit(f"status {answer.status}")
        if index >= 200:  # warm-up
            samples.append(elapsed)
    connection.close()
    return samples

relaxed = ["--rate-limit", "standard=0/60", "--fail2ban-profile", "off", "--log-level", "error"]
upstream, upstream_port = start(["serve"] + relaxed, "upstream")
cassette = os.path.join(tmp, "bench.json")
proxy, proxy_port = start(["record", "--upstream", f"http://127.0.0.1:{upstream_port}", "--out", cassette], "proxy")
try:
    direct = latencies(upstream_port)
    proxied = latencies(proxy_port)
    direct_again = latencies(upstream_port)
finally:
    proxy.terminate(); proxy.wait()
    upstream.terminate(); upstream.wait()

direct_median = statistics.median(direct + direct_again) * 1000
proxied_median = statistics.median(proxied) * 1000
added = proxied_median - direct_median
size = os.path.getsize(cassette)
print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
print(f"{requests} requests each, keep-alive, after 200 warm-up requests; cassette {size / 1e6:.1f} MB at the end")
print(f"  direct:        median {direct_median:.3f} ms")
print(f"  through proxy: median {proxied_median:.3f} ms (p90 {statistics.quantiles(proxied, n=10)[-1] * 1000:.3f} ms)")
print(f"  added by the proxy: {added:.3f} ms median; target under 1 ms: {'met' if added < 1 else 'NOT met'}")
