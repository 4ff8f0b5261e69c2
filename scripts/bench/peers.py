"""nginx, the Pact stub server and fakepbx on the same JSON, in one run; see scripts/bench/peers."""
import json, os, shutil, subprocess, sys, tempfile, urllib.request
import benchlib

binary, seconds, rounds, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
# Start-up is measured on the deployment build the README recommends (static runtime, non-PIE).
startup_binary = sys.argv[5] if len(sys.argv) > 5 else binary
pact = shutil.which("pact") or sys.exit("pact (pip install pact-python-cli) is missing")
path = "/app/status/index.php"
form = b"username=admin&password=your-password"

# fakepbx with every policy on: rate limits and both access-log jails counting every request, with
# limits set high enough not to refuse the load.
policies = ["--rate-limit", "standard=1000000000/60", "--jail", "nginx-dos=1000000000/60/86400"]
fake, fake_port = benchlib.start(binary, ["serve", "--log-level", "error"] + policies)
body = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{fake_port}{path}", data=form, method="POST")).read()

# The Pact stub: one interaction, POST to the same path, answered with the same bytes.
folder = tempfile.mkdtemp()
pact_file = os.path.join(folder, "fakepbx-status.json")
json.dump({
    "consumer": {"name": "billing"}, "provider": {"name": "fusionpbx"},
    "interactions": [{
        "description": "status", "request": {"method": "POST", "path": path},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": json.loads(body)},
    }],
    "metadata": {"pactSpecification": {"version": "2.0.0"}},
}, open(pact_file, "w"))
pact_port = benchlib.free_port()
stub = subprocess.Popen([pact, "stub", "-f", pact_file, "-p", str(pact_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
benchlib.wait_port(pact_port)

nginx, nginx_port, nginx_version = benchlib.nginx_serving(body, "/app/status/index.json")
lua = benchlib.post_script()
urls = {
    "nginx (static file)": (f"http://127.0.0.1:{nginx_port}/app/status/index.json", None),
    "Pact stub server 0.7.1": (f"http://127.0.0.1:{pact_port}{path}", lua),
    "fakepbx (POST, checks, policies)": (f"http://127.0.0.1:{fake_port}{path}", lua),
}
results = {name: [] for name in urls}
try:
    for url, script in urls.values():
        benchlib.wrk(url, 2, 32, script)  # warm-up
    for _ in range(rounds):
        for name, (url, script) in urls.items():
            results[name].append(benchlib.wrk(url, seconds, 32, script))
finally:
    benchlib.stop(fake)
    benchlib.stop(stub)
    benchlib.stop(nginx)

request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n\r\n").encode() + form
port = benchlib.free_port()
fake_start = benchlib.first_answer_ms([startup_binary, "serve", "--port", str(port), "--log-level", "error"] + policies, port, request, runs)
stub_start = benchlib.first_answer_ms([pact, "stub", "-f", pact_file, "-p", str(port)], port, request, runs)

medians = {name: benchlib.median(values) for name, values in results.items()}
nginx_rate, pact_rate, fake_rate = medians.values()
print(f"{benchlib.machine()}; {nginx_version}")
print(f"wrk -t1 -c32, {seconds} s per run, {rounds} rounds, alternately; the same {len(body)}-byte JSON body")
print(f"| server | req/s (median) | runs | vs nginx | vs Pact stub |")
print(f"|---|---|---|---|---|")
for name, values in results.items():
    rate = medians[name]
    print(f"| {name} | {rate:,.0f} | {', '.join(f'{r:,.0f}' for r in values)} | {rate / nginx_rate:.2f} | {rate / pact_rate:.2f} |")
print(f"fakepbx / Pact stub {fake_rate / pact_rate:.2f}; target at least 1.00: {'met' if fake_rate >= pact_rate else 'NOT met'}")
print(f"fakepbx / nginx {fake_rate / nginx_rate:.2f}; stretch at least 0.70: {'met' if fake_rate >= 0.7 * nginx_rate else 'not met'}")
fm, sm = benchlib.median(fake_start), benchlib.median(stub_start)
print(f"start-up to first answer, median of {runs}: fakepbx {fm:.1f} ms (min {fake_start[0]:.1f}), "
      f"Pact stub {sm:.1f} ms (min {stub_start[0]:.1f}); target fakepbx <= Pact stub: {'met' if fm <= sm else 'NOT met'}")
