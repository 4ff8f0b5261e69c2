"""Measures what recording adds to a large export; see scripts/bench/record-export."""
import datetime, json, os, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
import benchlib

binary, runs, wanted = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

# The embedded dataset with enough generated calls that one month holds about `wanted` records.
dataset = json.loads(subprocess.run([binary, "data", "export"], check=True, stdout=subprocess.PIPE).stdout)
dataset["cdr_generation"] = {"seed": "bench", "calls_per_day": int(wanted / (4 * 22.6 * 0.93)) + 1, "days": 40}
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "dataset.json")
json.dump(dataset, open(path, "w"))
today = datetime.datetime.now(datetime.timezone.utc).date()
dates = f"date_start={today - datetime.timedelta(days=31)}&date_end={today - datetime.timedelta(days=1)}"


def export(port, form):
    """Seconds to the last byte, and the size."""
    elapsed, _, size = benchlib.export(port, form)
    return elapsed, size


def recorded(log, count):
    """Seconds until the recorder's stderr says it has written `count` exchanges (60 s at most)."""
    started = time.perf_counter()
    wanted = f"recorded {count} exchanges"
    while wanted not in open(log).read():
        if time.perf_counter() - started > 60:
            sys.exit(f"the recorder did not write exchange {count}")
        time.sleep(0.002)
    return time.perf_counter() - started


upstream, upstream_port = benchlib.start(binary, ["serve", "--data", path, "--log-level", "error"] + benchlib.RELAXED, "upstream")
cassette = os.path.join(tmp, "export.json")
log = os.path.join(tmp, "recorder.log")
port_file = os.path.join(tmp, "recorder.port")
proxy = subprocess.Popen([binary, "record", "--upstream", f"http://127.0.0.1:{upstream_port}", "--out", cassette, "--port", "0",
                          "--port-file", port_file], stdout=subprocess.DEVNULL, stderr=open(log, "w"))
while not (os.path.exists(port_file) and open(port_file).read().strip()):
    if proxy.poll() is not None:
        sys.exit("the recorder did not start")
    time.sleep(0.01)
proxy_port = int(open(port_file).read())
nginx, nginx_port, nginx_version = benchlib.nginx_proxying(upstream_port)
results = {}
count = 0
try:
    for name in ["JSON", "XML", "CSV"]:
        form = f"username=admin&password=your-password&{dates}&format={name}"
        export(upstream_port, form)  # warm-up: the first export of a format builds its rows
        export(proxy_port, form)
        export(nginx_port, form)
        count += 1
        recorded(log, count)
        direct, proxied, after, plain = [], [], [], []
        for _ in range(runs):  # alternating, so a noisy moment hits all three
            direct.append(export(upstream_port, form))
            proxied.append(export(proxy_port, form))
            count += 1
            after.append(recorded(log, count))  # and nothing else runs while it records
            plain.append(export(nginx_port, form))
        results[name] = (direct, proxied, after, plain)
finally:
    benchlib.stop(nginx)
    benchlib.stop(proxy)
    benchlib.stop(upstream)

cassette_size = os.path.getsize(cassette)
print(benchlib.machine())
print(f"{runs} runs of each, alternating, after one warm-up each; cassette {cassette_size / 1e6:.0f} MB at the end")
print(f"time to the answer's last byte: direct, through `fakepbx record`, and through {nginx_version} as a plain reverse proxy")
print("(proxy_buffering off, the peer's streaming setting) for the cost of one more hop; then how long after the last byte the")
print("exchange was on disk")
worst = 0
for name, (direct, proxied, after, plain) in results.items():
    size = direct[0][1]
    d = statistics.median(t for t, _ in direct)
    p = statistics.median(t for t, _ in proxied)
    n = statistics.median(t for t, _ in plain)
    added = (p - d) / d * 100
    worst = max(worst, added)
    print(f"  {name:4} {size / 1e6:5.1f} MB: direct {d * 1000:6.1f} ms; record {p * 1000:6.1f} ms (adds {added:5.1f} %); "
          f"nginx {n * 1000:6.1f} ms (adds {(n - d) / d * 100:5.1f} %); recorded {statistics.median(after) * 1000:6.1f} ms after the last byte")
print(f"largest addition by record to the export's time: {worst:.1f} %; target under 10 %: {'met' if worst < 10 else 'NOT met'}")
