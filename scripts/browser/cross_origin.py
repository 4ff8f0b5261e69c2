"""A page of another origin, opened in Chromium, tries to drive fakepbx's control API, for
DashboardBrowserTests: fetches with text/plain and form bodies (no preflight needed), a JSON fetch
(which needs a preflight), an auto-submitted form, and a frame of the dashboard. Then checks, with
the control API itself, that nothing changed, and that the dashboard was not framed.

    python3 scripts/browser/cross_origin.py http://127.0.0.1:PORT

The page is served from 127.0.0.2 (any address in 127.0.0.0/8 is local on Linux): another origin.
"""
import http.server, json, sys, threading, urllib.request

from browserlib import HANG, check, open_page, sync_playwright

base = sys.argv[1].rstrip("/")

PAGE = """<!doctype html><html><body>
<form id="f" method="post" action="BASE/__fakepbx/clock/advance" enctype="text/plain" target="sink">
  <input name='{"seconds": 86400, "x": "' value='"}'></form>
<iframe name="sink"></iframe>
<iframe id="framed" src="BASE/__fakepbx/"></iframe>
<script>
window.results = (async () => {
  const out = [];
  const attempt = async (path, init) => {
    try { const r = await fetch("BASE/__fakepbx/" + path, init); out.push(path + " " + r.status); }
    catch (e) { out.push(path + " blocked"); }
  };
  await attempt("whitelist", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: '{"entry":"0.0.0.0/0"}'});
  await attempt("faults", {method: "POST", mode: "no-cors", body: new URLSearchParams({type: "reset"})});
  await attempt("reset", {method: "POST", mode: "no-cors"});
  await attempt("faults", {method: "POST", headers: {"Content-Type": "application/json"}, body: '{"type": "reset"}'});
  await attempt("state", {});
  document.getElementById("f").submit();
  return out;
})();
</script></body></html>""".replace("BASE", base)


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def control(path, method="GET", body=None):
    request = urllib.request.Request(base + "/__fakepbx/" + path, method=method, data=body)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


before = {path: control(path) for path in ["whitelist", "faults", "clock"]}
control("journal", "DELETE")
server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Page)
threading.Thread(target=server.serve_forever, daemon=True).start()
origin = f"http://127.0.0.2:{server.server_address[1]}/"

with sync_playwright() as playwright:
    browser, page, errors = open_page(playwright, 800, 600)
    try:
        page.goto(origin)
        results = page.evaluate("window.results")
        page.wait_for_load_state("load", timeout=HANG)
        # The form's navigation of the sink frame ends with fakepbx's answer (or its refusal).
        page.wait_for_function("() => { try { return !!frames['sink'].location.href && frames['sink'].location.href !== 'about:blank'; } catch (e) { return true; } }", timeout=HANG)
        # Loaded either way: the dashboard, or Chromium's page for a refused frame.
        page.frame_locator("#framed").locator("body").wait_for(state="attached", timeout=HANG)
        framed = page.frame_locator("#framed").locator("#clock-now").count()
    finally:
        browser.close()
        server.shutdown()

print("the page's attempts: " + ", ".join(results), flush=True)
check("the forged writes were refused", all(not r.endswith(" 200") for r in results), str(results))
after = {path: control(path) for path in ["whitelist", "faults"]}
check("the whitelist is unchanged", after["whitelist"] == before["whitelist"], json.dumps(after["whitelist"]))
check("no fault was added", after["faults"] == before["faults"], json.dumps(after["faults"]))
clock = control("clock")
check("the clock did not move a day", abs(clock["epoch"] - before["clock"]["epoch"]) < 3600, json.dumps(clock))
check("the dashboard did not render in another site's frame", framed == 0, f"{framed} dashboards rendered in the frame")
