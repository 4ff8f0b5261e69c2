"""Drives the dashboard (GET /__fakepbx/) in a real, headless Chromium, for DashboardBrowserTests.

    python3 scripts/browser/dashboard.py BASE_URL [--token TOKEN] [--screenshot FILE] [--https-port PORT]

BASE_URL is a running fakepbx (http://127.0.0.1:PORT). Checks, in order: the page loads and goes
live with no console error; a request made with curl shows in the timeline (and how long it took), and
opening it shows the answer sent; the clock buttons move the clock; a fault added from the form
changes the next answer and is removed from the page; a ban shows with its time left and leaves when the clock passes it. With
--https-port, only the TLS panel instead: the mode in force, switched from the page, and the CA it
offers trusted by curl over HTTPS. Prints one line
per check and exits 1 at the first that fails. Uses the system Chromium (Debian's `chromium`)
through Playwright (`pip install playwright`; no browser download).
"""
import argparse, json, shutil, subprocess, sys, tempfile, time, urllib.parse, urllib.request

from browserlib import HANG, check, expect, open_page, sync_playwright

parser = argparse.ArgumentParser()
parser.add_argument("base")
parser.add_argument("--token")
parser.add_argument("--screenshot")
parser.add_argument("--https-port", type=int, help="check only the TLS panel, against this HTTPS port")
args = parser.parse_args()

curl = shutil.which("curl") or sys.exit("this test uses curl, which is not installed: apt-get install curl")


def control(method, path, body=None):
    request = urllib.request.Request(args.base + "/__fakepbx/" + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if args.token:
        request.add_header("Authorization", "Bearer " + args.token)
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def tls_panel(page):
    """The TLS panel: the mode in force, switched from the page; the CA it offers trusts the HTTPS port."""
    select = page.locator("#tls select")
    expect(select).to_have_value(control("GET", "tls")["mode"], timeout=HANG)
    check("the TLS panel shows the certificate mode in force", True, select.input_value())
    select.select_option("expired")
    expect(page.locator("#timeline tr.entry", has_text="tls-mode").first).to_be_visible(timeout=HANG)
    check("choosing 'expired' switches the server's mode, and the change shows in the timeline", control("GET", "tls")["mode"] == "expired")
    page.locator("#tls select").select_option("valid")
    expect(page.locator("#timeline tr.entry", has_text="tls-mode")).to_have_count(2, timeout=HANG)
    pem = page.request.get(urllib.parse.urljoin(page.url, page.locator("#tls a").get_attribute("href")))
    text = pem.text()
    check("the CA link downloads a PEM certificate", pem.ok and text.startswith("-----BEGIN CERTIFICATE-----"), text[:40])
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as ca:
        ca.write(text)
        ca.flush()
        out = subprocess.run([curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", ca.name, "-d", "username=admin&password=your-password",
                              f"https://127.0.0.1:{args.https_port}/app/status/index.php"], capture_output=True, text=True)
    check("curl trusting that CA gets 200 over HTTPS (mode valid again)", out.stdout == "200", out.stdout + out.stderr)


def status_request():
    """POST the status script with curl; its HTTP status."""
    out = subprocess.run([curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-d", "username=admin&password=your-password",
                          args.base + "/app/status/index.php"], capture_output=True, text=True, check=True).stdout
    return int(out)



with sync_playwright() as playwright:
    browser, page, errors = open_page(playwright, 1400, 900)
    page.goto(args.base + "/__fakepbx/" + ("?token=" + args.token if args.token else ""))
    # Locator assertions run outside the page's scripts, so its Content-Security-Policy (no eval) holds.
    expect(page.locator("#connection")).to_have_text("live", timeout=HANG)
    expect(page.locator("#clock-now")).not_to_have_text("…", timeout=HANG)
    check("the page loads and goes live with no console error", not errors, "; ".join(errors))
    if args.https_port:
        tls_panel(page)
        check("still no console error", not errors, "; ".join(errors))
        browser.close()
        sys.exit(0)

    started = time.monotonic()
    check("curl's request is answered", status_request() == 200)
    # The page does not poll the journal: only the live feed can bring the row. How fast is measured,
    # not asserted (speed belongs to benchmarks; a loaded CI machine may take longer than a second).
    expect(page.locator("#timeline tr.entry", has_text="/app/status/index.php").first).to_be_visible(timeout=HANG)
    check("the request shows in the timeline, from the live feed", True, f"after {(time.monotonic() - started) * 1000:.0f} ms")

    # Opening the row (with the keyboard) shows the request's fields and the answer as it was sent.
    row = page.locator("#timeline tr.entry", has_text="/app/status/index.php").first
    row.focus()
    page.keyboard.press("Enter")
    answer = page.locator("#timeline tr.detail pre.answer").first
    expect(answer).to_contain_text('"status": "success"', timeout=HANG)
    shown = answer.text_content()
    check("Enter on a row shows the answer sent: status, headers and body", shown.startswith("200") and "content-type: application/json" in shown, shown[:120])
    page.keyboard.press("Enter")
    expect(page.locator("#timeline tr.detail")).to_have_count(0, timeout=HANG)

    # The page's clock also ticks on its own, so wait for the hour the server moved to, not for any change.
    before = page.text_content("#clock-now")
    server_before = control("GET", "clock")["epoch"]
    page.click("text=+1 h")
    expected = time.strftime("%Y-%m-%d %H:%M", time.gmtime(server_before + 3600))
    expect(page.locator("#clock-now")).to_contain_text(expected, timeout=HANG)
    moved = control("GET", "clock")["now"].replace("T", " ")
    check("+1 h moves the clock", moved.startswith(expected), f"{before} -> {page.text_content('#clock-now')} (server: {moved})")

    page.select_option("#fault-type", "status")
    page.fill("#fault-parameters [name=status]", "503")
    page.fill("#fault-path", "status")
    page.click("#fault-form button[type=submit]")
    page.wait_for_selector("#faults button", timeout=HANG)
    check("a fault added from the form changes the next answer", status_request() == 503)
    page.click("#faults button")
    expect(page.locator("#faults button")).to_have_count(0, timeout=HANG)
    check("removing it from the page restores the answer", status_request() == 200)

    # Each kind asks for its own parameters; the server's refusal shows on the page.
    page.select_option("#fault-type", "latency")
    check("the form asks a latency for ms and jitter", page.locator("#fault-parameters input").evaluate_all("l => l.map(i => i.name)") == ["ms", "jitter"])
    page.fill("#fault-path", "status")
    page.click("#fault-form button[type=submit]")
    expect(page.locator("#fault-error")).to_contain_text("ms", timeout=HANG)
    check("a refused fault shows the server's reason", "ms" in page.text_content("#fault-error"), page.text_content("#fault-error"))
    # Chromium logs the refused request itself as a console error: that one was asked for.
    errors[:] = [error for error in errors if "status of 400" not in error]
    page.fill("#fault-parameters [name=ms]", "5")
    page.click("#fault-form button[type=submit]")
    expect(page.locator("#faults")).to_contain_text("latency", timeout=HANG)
    expect(page.locator("#fault-error")).to_have_text("", timeout=HANG)
    page.select_option("#fault-type", "truncate")
    page.fill("#fault-parameters [name=bytes]", "10")
    page.fill("#fault-path", "status")
    page.click("#fault-form button[type=submit]")
    expect(page.locator("#faults")).to_contain_text("truncate", timeout=HANG)
    cut = subprocess.run([curl, "-s", "-o", "/dev/null", "-d", "username=admin&password=your-password", args.base + "/app/status/index.php"])
    check("a latency and a truncate fault added from the form cut the next answer (curl exit 18)", cut.returncode == 18, str(cut.returncode))
    control("DELETE", "faults")
    expect(page.locator("#faults button")).to_have_count(0, timeout=HANG)

    # Rate limits and jails are read and set from the page, as --rate-limit and --jail write them.
    expect(page.locator("#ratelimit-rules")).to_contain_text("10/60 s", timeout=HANG)
    page.select_option("#ratelimit-class", "cdr")
    page.fill("#ratelimit-rule", "3/60")
    page.click("#ratelimit-form button[type=submit]")
    expect(page.locator("#ratelimit-rules")).to_contain_text("3/60 s", timeout=HANG)
    check("a rate limit set from the page is in force", control("GET", "ratelimits")["rules"]["cdr"] == {"limit": 3, "window": 60})
    page.select_option("#jail-name", "nginx-404")
    page.fill("#jail-rule", "off")
    page.click("#jail-form button[type=submit]")
    expect(page.locator("#jails")).not_to_contain_text("nginx-404", timeout=HANG)
    check("a jail turned off from the page is off", all(j["name"] != "nginx-404" for j in control("GET", "jails")["jails"]))
    page.fill("#jail-rule", "twenty")
    page.click("#jail-form button[type=submit]")
    expect(page.locator("#policy-error")).to_contain_text("MAXRETRY/FINDTIME/BANTIME", timeout=HANG)
    errors[:] = [error for error in errors if "status of 400" not in error]
    check("a rule the server refuses shows its reason", True, page.text_content("#policy-error"))

    control("POST", "bans", {"address": "203.0.113.7", "jail": "fusionpbx", "seconds": 1800})
    expect(page.locator("#bans")).to_contain_text("203.0.113.7", timeout=HANG)
    shown = page.text_content("#bans")
    check("a ban shows with its time left", "min" in shown and "left" in shown, shown)
    if args.screenshot:
        page.screenshot(path=args.screenshot, full_page=False)
    page.click("text=+1 h")
    expect(page.locator("#bans")).not_to_contain_text("203.0.113.7", timeout=HANG)
    check("the ban leaves when the clock passes it", True)
    check("still no console error", not errors, "; ".join(errors))
    browser.close()
