"""Runs the policy-overhead benchmark; see scripts/bench/policies."""
import statistics, subprocess, sys
import benchlib

binary, seconds, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
huge = "1000000000"
on = ["--rate-limit", f"standard={huge}/60", "--rate-limit", f"cdr={huge}/60", "--rate-limit", f"gateway={huge}/60",
      "--fail2ban-profile", "debian", "--jail", f"nginx-dos={huge}/60/86400", "--jail", f"fusionpbx={huge}/60/3600"]
script = benchlib.post_script()

def measure(flags):
    server, port = benchlib.start(binary, ["serve", "--log-level", "error"] + flags)
    try:
        url = f"http://127.0.0.1:{port}/app/status/index.php"
        benchlib.wrk(url, 2, 16, script)  # warm-up
        return benchlib.wrk(url, seconds, 16, script)
    finally:
        benchlib.stop(server)

results = {"on": [], "off": []}
for _ in range(rounds):
    results["off"].append(measure(benchlib.RELAXED))
    results["on"].append(measure(on))
on_rps, off_rps = statistics.median(results["on"]), statistics.median(results["off"])
print(benchlib.machine())
print(f"status endpoint, wrk -t1 -c16, {seconds} s per run, {rounds} rounds (alternating)")
print(f"  policies off: median {off_rps:,.0f} req/s  runs {', '.join(f'{r:,.0f}' for r in results['off'])}")
print(f"  policies on:  median {on_rps:,.0f} req/s  runs {', '.join(f'{r:,.0f}' for r in results['on'])}")
ratio = on_rps / off_rps
print(f"  on/off ratio {ratio:.3f}; target within 10% (ratio >= 0.90): {'met' if ratio >= 0.9 else 'NOT met'}")
