"""Fuzz soak for fakepbx; see scripts/bench/fuzz."""
import http.client, random, socket, sys, time
import benchlib

binary, seconds, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The control API also on a port of its own, where bans (which the fuzz may set on itself) do not apply.
admin = free_port()
server, port = benchlib.start(binary, ["serve", "--log-level", "critical", "--admin-port", str(admin)] + benchlib.RELAXED)

VALUES = ["1e300", "-1e300", "1e400", "-1", "0", "0.5", "NaN", '"nan"', '"inf"', "null", "true", "[]", "{}", '""',
          '"127.0.0.1"', '"::/0"', '"expired"', '"' + "A" * 20000 + '"', "[1,[2,[3,[4]]]]", '"%00"', '"../../etc/passwd"',
          '"\\u0000"', "99999999999999999999999", '{"after": 1e300}', '"2026-13-45T99:99:99Z"', "{", '"\\ud800"']
KEYS = ["seconds", "epoch", "time", "address", "jail", "entry", "entries", "mode", "limit", "endpoint", "count", "min",
        "max", "never", "type", "status", "when", "match", "id", "x"]
ROUTES = [("POST", "clock/advance"), ("POST", "clock/set"), ("POST", "bans"), ("POST", "whitelist"), ("POST", "faults"),
          ("POST", "verify"), ("PUT", "state"), ("GET", "journal"), ("GET", "journal/count"), ("POST", "scenario")]
SCRIPTS = ["/app/status/index.php", "/app/xml_cdr/chkcon.php", "/app/extensions/manage_extension.php",
           "/app/gateways/provision.php", "/app/registrations/check_registration.php", "/nope.php"]
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for n, p in zip("bcdefgh", "abcdefg"))


def rss_kb():
    for line in open(f"/proc/{server.pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def send(method, path, body=b"", content_type="application/json", to=None):
    connection = http.client.HTTPConnection("127.0.0.1", to or port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": content_type, "Connection": "close"})
        return connection.getresponse().status
    except (ConnectionError, http.client.HTTPException, socket.timeout):
        return 0
    finally:
        connection.close()


def one():
    kind = rng.random()
    if kind < 0.45:
        method, route = rng.choice(ROUTES)
        if route == "scenario":
            value = rng.choice(VALUES)
            yaml = BOMB if rng.random() < 0.05 else f"{rng.choice(['name', 'tls', 'policies', 'faults', 'x'])}: {value}\ntimeline:\n  - at: {value}\n    advance_clock: {value}\n"
            return send("POST", "/__fakepbx/scenario", yaml.encode(), "application/yaml")
        if method == "GET":
            return send("GET", f"/__fakepbx/{route}?{rng.choice(KEYS)}={rng.choice(['1e300', 'abc', '-1', '5', ''])}")
        return send(method, f"/__fakepbx/{route}", f'{{"{rng.choice(KEYS)}": {rng.choice(VALUES)}}}'.encode())
    fields = {"username": "admin", "password": "your-password", rng.choice(KEYS + ["action", "extension", "a[]", "a[x][y]", "d.e"]): rng.choice(VALUES)}
    if rng.random() < 0.5:
        boundary = "fuzz" + str(rng.randrange(10**6))
        parts = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items())
        body = (parts + (f"--{boundary}--\r\n" if rng.random() < 0.8 else "")).encode()
        return send("POST", rng.choice(SCRIPTS), body, f"multipart/form-data; boundary={boundary}")
    body = "&".join(f"{k}={v}" for k, v in fields.items()).encode("utf-8", "surrogatepass")
    charset = rng.choice(["", "; charset=iso-8859-1", "; charset=koi8-r", "; charset=utf-8"])
    return send("POST", rng.choice(SCRIPTS), body, "application/x-www-form-urlencoded" + charset)


start = time.time()
samples, statuses, requests, crashed = [], {}, 0, None
try:
    while time.time() - start < seconds:
        for _ in range(200):
            status = one()
            statuses[status] = statuses.get(status, 0) + 1
            requests += 1
        if server.poll() is not None:
            crashed = f"the server exited with {server.returncode}"
            break
        if send("GET", "/__fakepbx/health", to=admin) != 200:
            crashed = "the server stopped answering /__fakepbx/health on its admin port"
            break
        send("POST", "/__fakepbx/reset", to=admin)
        samples.append((time.time() - start, rss_kb()))
finally:
    alive = server.poll() is None
    benchlib.stop(server) if alive else None

print(benchlib.machine())
print(f"fuzz soak, seed {seed} (status 0: refused or cut, as a ban the fuzz set on itself does): {requests:,} requests in {time.time() - start:.0f} s; statuses {dict(sorted(statuses.items()))}")
fives = sum(n for s, n in statuses.items() if s >= 500)
if samples:
    first = [kb for t, kb in samples if t < min(60, seconds / 5)] or [samples[0][1]]
    last = [kb for t, kb in samples if t > samples[-1][0] - min(60, seconds / 5)]
    print(f"  resident memory: {max(first) / 1024:.1f} MB peak in the first minute, {max(last) / 1024:.1f} MB peak in the last, "
          f"{max(kb for _, kb in samples) / 1024:.1f} MB overall")
    growth = max(last) / max(first)
    print(f"  growth {growth:.2f}x; target no growth (under 1.25x): {'met' if growth < 1.25 else 'NOT met'}")
print(f"  crash: {crashed or 'none'}; answers of 500 or more: {fives}; target none: {'met' if not crashed and fives == 0 else 'NOT met'}")
sys.exit(1 if crashed or fives else 0)
