"""Measures exec-to-first-answer of `fakepbx serve` over loopback. Used by scripts/bench/startup."""
import sys
import benchlib

binary, runs = sys.argv[1], int(sys.argv[2])
request = (b"POST /app/xml_cdr/chkcon.php HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 37\r\n\r\n"
           b"username=admin&password=your-password")

port = benchlib.free_port()
samples = benchlib.first_answer_ms([binary, "serve", "--port", str(port), "--log-level", "error"], port, request, runs)
median = benchlib.median(samples)
print(benchlib.machine())
print(f"startup to first answered request over {runs} runs: "
      f"median {median:.2f} ms, min {samples[0]:.2f} ms, "
      f"p90 {samples[int(len(samples) * 0.9) - 1]:.2f} ms, max {samples[-1]:.2f} ms")
print(f"target: median < 10 ms -> {'met' if median < 10 else 'NOT met'}")
