"""Times `fakepbx upgrade check` between two emulated releases; see scripts/bench/upgrade-check."""
import json, os, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
import benchlib

binary, runs, source, target = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
limit = 5.0
report = os.path.join(tempfile.mkdtemp(), "upgrade.json")
command = [binary, "upgrade", "check", "--from", source, "--to", target, "--json", report]
subprocess.run(command, stdout=subprocess.DEVNULL)  # warm-up (exit 1 when something breaks)
wall = []
for _ in range(runs):
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    wall.append(time.perf_counter() - started)
    if result.returncode not in (0, 1):
        sys.exit(f"upgrade check could not run ({result.returncode}): {result.stdout}")
data = json.load(open(report))
median = statistics.median(wall)
print(benchlib.machine())
print(f"upgrade check {source} -> {target}: {data['summary']['total']} checks (findings and the summary), {runs} runs, exit {result.returncode}")
print(f"  exec to exit: median {median:.2f} s (min {min(wall):.2f}, max {max(wall):.2f})")
print(f"  target under {limit:.0f} s: {'met' if median < limit else 'NOT met'} (ratio {median / limit:.2f} of the target)")
