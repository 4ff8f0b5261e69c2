"""The image's size and its time from `podman run` to the first answer; see scripts/bench/image."""
import glob, http.client, os, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import free_port, machine  # noqa: E402

runs = int(sys.argv[1])
archives = sorted(glob.glob("dist/fakepbx-*-image.tar"))
if not archives or not os.path.exists("dist/fakepbx"):
    sys.exit("no dist/fakepbx or image archive: run scripts/release and scripts/image")
loaded = subprocess.run(["podman", "load", "--quiet", "--input", archives[-1]], check=True, capture_output=True, text=True)
image = loaded.stdout.strip().split()[-1]
size = int(subprocess.run(["podman", "image", "inspect", "--format", "{{.Size}}", image], check=True,
                          capture_output=True, text=True).stdout)


def first_answer():
    port = free_port()
    start = time.perf_counter()
    container = subprocess.run(["podman", "run", "--rm", "--detach", "--publish", f"127.0.0.1:{port}:8080", image],
                               check=True, capture_output=True, text=True).stdout.strip()
    try:
        while time.perf_counter() - start < 30:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/__fakepbx/health")
                if connection.getresponse().status == 200:
                    return time.perf_counter() - start
            except (OSError, http.client.HTTPException):
                time.sleep(0.005)
        sys.exit("no answer within 30 s")
    finally:
        subprocess.run(["podman", "rm", "--force", "--time", "0", container], check=True, capture_output=True)


times = [first_answer() for _ in range(runs)]
print(machine())
print(f"binary dist/fakepbx: {os.path.getsize('dist/fakepbx') / 1e6:.1f} MB (stripped); limit 35 MB")
print(f"image {image}: {size / 1e6:.1f} MB uncompressed, archive {os.path.getsize(archives[-1]) / 1e6:.1f} MB; limit 60 MB")
print(f"podman run to first answer: median {statistics.median(times) * 1000:.0f} ms "
      f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {runs} runs); limit 1000 ms")
