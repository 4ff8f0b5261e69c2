"""Times `fakepbx contract run` against a local `fakepbx serve`; see scripts/bench/contract-run."""
import json, os, platform, statistics, subprocess, sys, tempfile, time

binary, runs = sys.argv[1], int(sys.argv[2])
target_seconds = 1.0

with tempfile.TemporaryDirectory() as tmp:
    port_file = os.path.join(tmp, "port")
    # Many runs against one server: relax the rate limits and jails so they measure the contracts.
    relaxed = ["--rate-limit", "standard=0/60", "--rate-limit", "cdr=0/60", "--rate-limit", "gateway=0/60", "--fail2ban-profile", "off"]
    server = subprocess.Popen([binary, "serve", "--port", "0", "--port-file", port_file, "--log-level", "error"] + relaxed,
                              stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or server.poll() is not None:
                sys.exit("fakepbx serve did not start")
            time.sleep(0.01)
        target = f"http://127.0.0.1:{open(port_file).read().strip()}"
        report = os.path.join(tmp, "report.json")
        env = dict(os.environ, FAKEPBX_USERNAME="admin", FAKEPBX_PASSWORD="your-password")
        command = [binary, "contract", "run", "--target", target, "--json", report, "--quiet"]
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # warm-up
        wall, inner = [], []
        for _ in range(runs):
            started = time.perf_counter()
            result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
            wall.append(time.perf_counter() - started)
            if result.returncode != 0:
                sys.exit(f"contract run failed ({result.returncode}): {result.stdout}")
            data = json.load(open(report))
            inner.append(data["durationSeconds"])
        checks = data["summary"]["total"]
    finally:
        server.terminate()
        server.wait()

median = statistics.median(wall)
print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
print(f"contract run: {checks} checks, {runs} runs")
print(f"  exec to exit: median {median * 1000:.0f} ms (min {min(wall) * 1000:.0f}, max {max(wall) * 1000:.0f})")
print(f"  cases only (report's durationSeconds): median {statistics.median(inner) * 1000:.0f} ms")
print(f"  target under {target_seconds * 1000:.0f} ms: {'met' if median < target_seconds else 'NOT met'} "
      f"(ratio {median / target_seconds:.2f} of the target)")
