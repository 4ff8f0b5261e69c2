"""Measures the recording proxy's added latency; see scripts/bench/record-proxy."""
import http.client, os, statistics, sys, tempfile, time
import benchlib

binary, requests = sys.argv[1], int(sys.argv[2])
tmp = tempfile.mkdtemp()

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

upstream, upstream_port = benchlib.start(binary, ["serve", "--log-level", "error"] + benchlib.RELAXED, "upstream")
cassette = os.path.join(tmp, "bench.json")
proxy, proxy_port = benchlib.start(binary, ["record", "--upstream", f"http://127.0.0.1:{upstream_port}", "--out", cassette], "proxy")
try:
    direct = latencies(upstream_port)
    proxied = latencies(proxy_port)
    direct_again = latencies(upstream_port)
finally:
    benchlib.stop(proxy)
    benchlib.stop(upstream)

direct_median = statistics.median(direct + direct_again) * 1000
proxied_median = statistics.median(proxied) * 1000
added = proxied_median - direct_median
size = os.path.getsize(cassette)
print(benchlib.machine())
print(f"{requests} requests each, keep-alive, after 200 warm-up requests; cassette {size / 1e6:.1f} MB at the end")
print(f"  direct:        median {direct_median:.3f} ms")
print(f"  through proxy: median {proxied_median:.3f} ms (p90 {statistics.quantiles(proxied, n=10)[-1] * 1000:.3f} ms)")
print(f"  added by the proxy: {added:.3f} ms median; target under 1 ms: {'met' if added < 1 else 'NOT met'}")
