"""What the benchmark scripts share: starting fakepbx on a free loopback port, nginx serving a
static copy of an answer, wrk, time to a first answer, the machine line."""
import os, platform, re, shutil, socket, statistics, subprocess, sys, tempfile, time

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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    sys.exit(f"nothing listens on {port}")


def nginx_serving(body, path):
    """nginx on a free loopback port serving `body` at `path` as a static file (JSON); returns
    (process, port, version)."""
    tmp = tempfile.mkdtemp()
    os.chmod(tmp, 0o755)  # nginx's workers may run as another user and must read the document root
    root = os.path.join(tmp, "www")
    file = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(file))
    open(file, "wb").write(body)
    folder = os.path.dirname(file)
    while len(folder) >= len(tmp):
        os.chmod(folder, 0o755)
        folder = os.path.dirname(folder)
    os.chmod(file, 0o644)
    return nginx_with(tmp, f"root {root};")


def nginx_proxying(upstream_port):
    """nginx on a free loopback port as a reverse proxy to 127.0.0.1:`upstream_port`, streaming
    answers as they come (proxy_buffering off); returns (process, port, version)."""
    return nginx_with(tempfile.mkdtemp(), f"location / {{ proxy_pass http://127.0.0.1:{upstream_port}; "
                                          "proxy_http_version 1.1; proxy_buffering off; }")


def nginx_with(tmp, server):
    """nginx with `server` as its one server block's directives, in `tmp`."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    open(conf, "w").write(f"""
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type application/json;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{ listen 127.0.0.1:{port}; {server} }}
}}
""")
    process = subprocess.Popen([nginx, "-c", conf, "-p", tmp, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    wait_port(port)
    version = subprocess.run([nginx, "-v"], stderr=subprocess.PIPE, text=True).stderr.strip()
    return process, port, version


def first_answer_ms(command, port, request, runs):
    """Milliseconds from exec of `command` (which listens on `port`) to the first complete 200 answer
    to `request`, one run at a time; returns the sorted samples."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        answered = False
        while not answered and time.perf_counter() < started + 10:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(request)
                    answered = s.recv(4096).startswith(b"HTTP/1.1 200")
            except OSError:
                time.sleep(0.0002)
        elapsed = (time.perf_counter() - started) * 1000
        process.terminate()
        process.wait(timeout=5)
        if not answered:
            sys.exit(f"{command[0]} did not answer within 10 s")
        samples.append(elapsed)
    return sorted(samples)


def median(values):
    return statistics.median(values)


def export(port, form, timeout=300):
    """POSTs `form` to export_cdr.php and reads the answer to its end: (seconds to the last byte,
    the answer, its size). Exits when the answer is not 200."""
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    connection.request("POST", "/app/xml_cdr/export_cdr.php", form, {"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    size = 0
    while True:
        chunk = response.read(1 << 20)
        if not chunk:
            break
        size += len(chunk)
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        sys.exit(f"export answered {response.status}")
    return elapsed, response, size
