"""fakepbx against nginx on the same JSON; see scripts/bench/throughput."""
import os, socket, statistics, subprocess, sys, tempfile, time, urllib.request
import benchlib

binary, seconds, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tmp = tempfile.mkdtemp()

# fakepbx: policies on, the standard limit high enough for the load; HTTPS beside HTTP.
https_port_file = os.path.join(tmp, "https-port")
ca_file = os.path.join(tmp, "ca.pem")
fake, fake_port = benchlib.start(binary, ["serve", "--log-level", "error", "--rate-limit", "standard=1000000000/60",
                                          "--jail", "nginx-dos=1000000000/60/86400", "--https-port", "0",
                                          "--https-port-file", https_port_file, "--tls-ca-out", ca_file])
https_port = int(open(https_port_file).read())
request = urllib.request.Request(f"http://127.0.0.1:{fake_port}/app/status/index.php",
                                 data=b"username=admin&password=your-password", method="POST")
body = urllib.request.urlopen(request).read()

# nginx: the same bytes as a static file.
server, nginx_port, version = benchlib.nginx_serving(body, "/app/status/index.json")

lua = benchlib.post_script()

def run(url, script=None):
    return benchlib.wrk(url, seconds, 32, script)

def new_connection_ms(count=300):
    """Median milliseconds for a new HTTPS connection: TCP, TLS handshake (the CA trusted, names
    checked), one status request and its whole answer, one connection at a time."""
    import ssl
    context = ssl.create_default_context(cafile=ca_file)
    payload = b"username=admin&password=your-password"
    head = (f"POST /app/status/index.php HTTP/1.1\r\nHost: localhost:{https_port}\r\nConnection: close\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(payload)}\r\n\r\n").encode()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", https_port)) as raw:
            # As libcurl (PHP's curl) does by default; without it the request waits ~40 ms for the
            # server's delayed ACK of the client's Finished (Nagle), whatever the server does.
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with context.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(head + payload)
                answer = b""
                while chunk := tls.recv(65536):
                    answer += chunk
        times.append((time.perf_counter() - started) * 1000)
        if not answer.startswith(b"HTTP/1.1 200"):
            sys.exit("an HTTPS answer was not 200: " + answer[:200].decode(errors="replace"))
    return statistics.median(times)

results = {"fakepbx": [], "nginx": [], "https": []}
try:
    run(f"http://127.0.0.1:{fake_port}/app/status/index.php", lua)  # warm-up
    run(f"https://127.0.0.1:{https_port}/app/status/index.php", lua)
    for _ in range(rounds):
        results["nginx"].append(run(f"http://127.0.0.1:{nginx_port}/app/status/index.json"))
        results["fakepbx"].append(run(f"http://127.0.0.1:{fake_port}/app/status/index.php", lua))
        results["https"].append(run(f"https://127.0.0.1:{https_port}/app/status/index.php", lua))
    connect_ms = new_connection_ms()
finally:
    benchlib.stop(fake)
    benchlib.stop(server)

f, n, h = statistics.median(results["fakepbx"]), statistics.median(results["nginx"]), statistics.median(results["https"])
print(f"{benchlib.machine()}; {version}")
print(f"wrk -t1 -c32, {seconds} s per run, {rounds} rounds; same {len(body)}-byte JSON body")
print(f"  nginx (static file):              median {n:,.0f} req/s  runs {', '.join(f'{r:,.0f}' for r in results['nginx'])}")
print(f"  fakepbx (POST, checks, policies): median {f:,.0f} req/s  runs {', '.join(f'{r:,.0f}' for r in results['fakepbx'])}")
print(f"  fakepbx over HTTPS (keep-alive):  median {h:,.0f} req/s  runs {', '.join(f'{r:,.0f}' for r in results['https'])}")
print(f"  ratio {f / n:.2f}; target at least 0.70: {'met' if f / n >= 0.7 else 'NOT met'}")
print(f"  HTTPS / HTTP {h / f:.2f}; target at least 0.60: {'met' if h / f >= 0.6 else 'NOT met'}")
print(f"  new HTTPS connection (handshake + one request), median of 300: {connect_ms:.2f} ms; target under 5 ms: "
      f"{'met' if connect_ms < 5 else 'NOT met'}")
