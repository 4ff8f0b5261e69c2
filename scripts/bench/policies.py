"""Runs the policy-overhead benchmark; see scripts/bench/policies."""
import os, platform, re, statistics, subprocess, sys, tempfile, time

binary, seconds, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
huge = "1000000000"
on = ["--rate-limit", f"standard={huge}/60", "--rate-limit", f"cdr={huge}/60", "--rate-limit", f"gateway={huge}/60",
      "--fail2ban-profile", "debian", "--jail", f"nginx-dos={huge}/60/86400", "--jail", f"fusionpbx={huge}/60/3600"]
off = ["--rate-limit", "standard=0/60", "--rate-limit", "cdr=0/60", "--rate-limit", "gateway=0/60", "--fail2ban-profile", "off"]

lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
lua.write('wrk.method = "POST"\nwrk.body = "username=admin&password=your-password"\n'
          'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
lua.close()

def start(flags):
    tmp = tempfile.mkdtemp()
    port_file = os.path.join(tmp, "port")
    server = subprocess.Popen([binary, "serve", "--port", "0", "--port-file", port_file, "--log-level", "error"] + flags,
                              stdout=subprocess.DEVNULL)
    deadline = time.time() + 20
    while not (os.path.exists(port_file) and open(port_file).read().strip()):
        if time.time() > deadline or server.poll() is not None:
            sys.exit("fakepbx serve did not start")
        time.sleep(0.01)
    return server, int(open(port_file).read())

def measure(flags):
    server, port = start(flags)
    try:
        url = f"http://127.0.0.1:{port}/app/status/index.php"
        subprocess.run(["wrk", "-t1", "-c16", "-d2s", "-s", lua.name, url], check=True, stdout=subprocess.DEVNULL)  # warm-up
        out = subprocess.run(["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", lua.name, url], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        if "Non-2xx" in out:
            sys.exit("some answers were not 200:\n" + out)
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    finally:
        server.terminate()
        server.wait()

results = {"on": [], "off": []}
for _ in range(rounds):
    results["off"].append(measure(off))
    results["on"].append(measure(on))
on_rps, off_rps = statistics.median(results["on"]), statistics.median(results["off"])
print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
print(f"status endpoint, wrk -t1 -c16, {seconds} s per run, {rounds} rounds (alternating)")
print(f"  policies off: median {off_rps:,.0f} req/s  runs {', '.join(f'{r:,.0f}' for r in results['off'])}")
print(f"  policies on:  median {on_rps:,.0f} req/s  runs {', '.join(f'{r:,.0f}' for r in results['on'])}")
ratio = on_rps / off_rps
print(f"  on/off ratio {ratio:.3f}; target within 10% (ratio >= 0.90): {'met' if ratio >= 0.9 else 'NOT met'}")
