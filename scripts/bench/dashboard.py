"""Runs the dashboard-overhead benchmark; see scripts/bench/dashboard."""
import shutil, statistics, subprocess, sys, time, urllib.request
import benchlib

binary, seconds, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
baseline = sys.argv[4] if len(sys.argv) > 4 else None
script = benchlib.post_script()
curl = shutil.which("curl") or sys.exit("this benchmark follows the event stream with curl: apt-get install curl")


def measure(url, follow):
    """req/s of wrk on the status endpoint, with `follow` streams of /__fakepbx/events open."""
    streams = [subprocess.Popen([curl, "-sN", "-o", "/dev/null", url.replace("/app/status/index.php", "/__fakepbx/events")])
               for _ in range(follow)]
    time.sleep(0.3)
    try:
        benchlib.wrk(url, 1, 32, script)  # warm-up
        return benchlib.wrk(url, seconds, 32, script)
    finally:
        for stream in streams:
            stream.kill()
            stream.wait()


def latency_ms(base):
    """Milliseconds from a request sent to its event read from an open stream, median of 50."""
    stream = urllib.request.urlopen(base + "/__fakepbx/events?endpoint=status")
    stream.readline()  # "retry: 1000"
    samples = []
    for _ in range(50):
        started = time.perf_counter()
        urllib.request.urlopen(urllib.request.Request(base + "/app/status/index.php", data=b"username=admin&password=your-password")).read()
        while not stream.readline().startswith(b"event: request"):
            pass
        samples.append((time.perf_counter() - started) * 1000)
    stream.close()
    return statistics.median(samples)


server, port = benchlib.start(binary, ["serve", "--log-level", "error"] + benchlib.RELAXED)
before = benchlib.start(baseline, ["serve", "--log-level", "error"] + benchlib.RELAXED, name="the baseline") if baseline else None
try:
    url = f"http://127.0.0.1:{port}/app/status/index.php"
    results = {"no stream": [], "one stream open": []}
    if before:
        results["baseline"] = []
    for _ in range(rounds):
        if before:
            results["baseline"].append(measure(f"http://127.0.0.1:{before[1]}/app/status/index.php", 0))
        results["no stream"].append(measure(url, 0))
        results["one stream open"].append(measure(url, 1))
    latency = latency_ms(f"http://127.0.0.1:{port}")
finally:
    benchlib.stop(server)
    if before:
        benchlib.stop(before[0])

closed, opened = statistics.median(results["no stream"]), statistics.median(results["one stream open"])
print(benchlib.machine())
print(f"status endpoint, wrk -t1 -c32, {seconds} s per run, {rounds} rounds (alternating); the stream followed by curl -N")
if baseline:
    print(f"  baseline: {baseline} (a build without the dashboard), no stream")
for name, values in results.items():
    print(f"  {name + ':':17} median {statistics.median(values):,.0f} req/s  runs {', '.join(f'{r:,.0f}' for r in values)}")
if before:
    print(f"  no stream / baseline: {closed / statistics.median(results['baseline']):.3f} (the dashboard's cost while no page is open)")
ratio = opened / closed
print(f"  with a stream open / without: {ratio:.3f}; target at most 5% less (>= 0.95): {'met' if ratio >= 0.95 else 'NOT met'}")
print(f"  request to its event on the stream, median of 50: {latency:.2f} ms; target under 200 ms: {'met' if latency < 200 else 'NOT met'}")
