"""What the benchmark scripts share: starting fakepbx on a free loopback port, wrk, the machine line."""
import os, platform, re, subprocess, sys, tempfile, time

# Policies relaxed, for benchmarks that send more than a real server's limits allow.
RELAXED = ["--rate-limit", "standard=0/60", "--rate-limit", "cdr=0/60", "--rate-limit", "gateway=0/60",
           "--fail2ban-profile", "off"]


def machine():
    return f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"


def start(binary, arguments, name="fakepbx"):
    """Starts `binary ARGUMENTS --port 0 --port-file …` (serve or record); returns (process, port)."""
    port_file = os.path.join(tempfile.mkdtemp(), "port")
    process = subprocess.Popen([binary] + arguments + ["--port", "0", "--port-file", port_file],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while not (os.path.exists(port_file) and open(port_file).read().strip()):
        if time.time() > deadline or process.poll() is not None:
            sys.exit(f"{name} did not start")
        time.sleep(0.01)
    return process, int(open(port_file).read())


def stop(process):
    process.terminate()
    process.wait()


def post_script():
    """A wrk script that POSTs the documentation's credentials as a form."""
    path = os.path.join(tempfile.mkdtemp(), "post.lua")
    open(path, "w").write('wrk.method = "POST"\nwrk.body = "username=admin&password=your-password"\n'
                          'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
    return path


def wrk(url, seconds, connections, script=None):
    """Requests per second; exits when any answer was not 2xx."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s"] + (["-s", script] if script else []) + [url]
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    if "Non-2xx" in out:
        sys.exit("some answers were not 200:\n" + out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
