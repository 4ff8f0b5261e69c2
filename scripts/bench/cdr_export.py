"""scripts/bench/cdr-export: 1M CDRs as JSON over HTTP, time and the server's peak memory."""
import datetime, http.client, json, os, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
import benchlib

binary, runs, wanted = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

# The embedded dataset, with enough calls per day that 31 days hold `wanted` a-legs
# (4 active tenants, about 22.6 weekday-equivalents a month).
dataset = json.loads(subprocess.run([binary, "data", "export"], check=True, stdout=subprocess.PIPE).stdout)
per_day = int(wanted / (4 * 22.6 * 0.93)) + 1
dataset["cdr_generation"] = {"seed": "bench", "calls_per_day": per_day, "days": 40}
path = os.path.join(tempfile.mkdtemp(), "dataset.json")
json.dump(dataset, open(path, "w"))

today = datetime.datetime.now(datetime.timezone.utc).date()
form = f"username=admin&password=your-password&date_start={today - datetime.timedelta(days=31)}&date_end={today - datetime.timedelta(days=1)}"
process, port = benchlib.start(binary, ["serve", "--data", path] + benchlib.RELAXED)


def peak_kb():
    for line in open(f"/proc/{process.pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def export():
    elapsed, response, size = benchlib.export(port, form, timeout=120)
    return elapsed, int(response.getheader("X-Total-Records") or 0), size


try:
    baseline = peak_kb()
    results = [export() for _ in range(runs)]
    peak = peak_kb()
finally:
    benchlib.stop(process)

times = [r[0] for r in results]
total, size = results[0][1], results[0][2]
median = statistics.median(times)
print(benchlib.machine())
print(f"records: {total:,} ({size / 1e6:,.0f} MB of JSON) over HTTP, {runs} runs")
print(f"time: median {median:.2f} s (min {min(times):.2f} s), {total / median:,.0f} records/s; per 1,000,000: {median * 1e6 / total:.2f} s (target < 2 s)")
print(f"server peak memory: {peak / 1024:.1f} MB (at start-up {baseline / 1024:.1f} MB; target < 64 MB)")
per_million = median * 1e6 / total
print(f"ratio to target: time {per_million / 2:.2f}, memory {peak / 1024 / 64:.2f} (each must be below 1): "
      f"{'met' if per_million < 2 and peak / 1024 < 64 else 'NOT met'}")
