"""Measures exec-to-first-answer of `fakepbx serve` over loopback. Used by scripts/bench/startup."""
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time

binary, runs = sys.argv[1], int(sys.argv[2])
request = (b"POST /app/xml_cdr/chkcon.php HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 37\r\n\r\n"
           b"username=admin&password=your-password")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(port, deadline):
    while time.perf_counter() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(request)
                data = s.recv(4096)
                if data.startswith(b"HTTP/1.1 200"):
                    return True
        except OSError:
            time.sleep(0.0002)
    return False


samples = []
for _ in range(runs):
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--log-level", "error"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = first_answer(port, start + 10)
    elapsed = (time.perf_counter() - start) * 1000
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=5)
    if not ok:
        sys.exit("fakepbx did not answer within 10 s")
    samples.append(elapsed)

samples.sort()
print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
print(f"startup to first answered request over {runs} runs: "
      f"median {statistics.median(samples):.2f} ms, min {samples[0]:.2f} ms, "
      f"p90 {samples[int(len(samples) * 0.9) - 1]:.2f} ms, max {samples[-1]:.2f} ms")
print(f"target: median < 10 ms -> {'met' if statistics.median(samples) < 10 else 'NOT met'}")
