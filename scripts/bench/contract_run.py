"""Times `fakepbx contract run` against a local `fakepbx serve`; see scripts/bench/contract-run."""
import json, os, statistics, subprocess, sys, tempfile, time
import benchlib

binary, runs = sys.argv[1], int(sys.argv[2])
target_seconds = 1.0

# Many runs against one server: the policies are relaxed so the runs measure the contracts.
server, port = benchlib.start(binary, ["serve", "--log-level", "error"] + benchlib.RELAXED)
try:
    report = os.path.join(tempfile.mkdtemp(), "report.json")
    env = dict(os.environ, FAKEPBX_USERNAME="admin", FAKEPBX_PASSWORD="your-password")
    command = [binary, "contract", "run", "--target", f"http://127.0.0.1:{port}", "--json", report, "--quiet"]
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
    benchlib.stop(server)

median = statistics.median(wall)
print(benchlib.machine())
print(f"contract run: {checks} checks, {runs} runs")
print(f"  exec to exit: median {median * 1000:.0f} ms (min {min(wall) * 1000:.0f}, max {max(wall) * 1000:.0f})")
print(f"  cases only (report's durationSeconds): median {statistics.median(inner) * 1000:.0f} ms")
print(f"  target under {target_seconds * 1000:.0f} ms: {'met' if median < target_seconds else 'NOT met'} "
      f"(ratio {median / target_seconds:.2f} of the target)")
