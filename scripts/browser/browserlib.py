"""What the browser tests share: the system Chromium driven by Playwright, console errors collected,
and one printed line per check."""
import shutil, sys

try:
    from playwright.sync_api import expect, sync_playwright  # noqa: F401 (re-exported)
except ImportError:
    sys.exit("this test drives Chromium with Playwright, which is not installed: python3 -m pip install playwright (.ci/run does)")

# One bound against a hang for every wait (ms): the page acts in well under a second on an idle
# machine, and a loaded one (the suite on 2 cores under stress-ng) took over 5 s.
HANG = 60_000
expect.set_options(timeout=HANG)


def chromium():
    """The system Chromium (Debian's `chromium`); Playwright downloads no browser."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        sys.exit("this test needs Chromium, which is not installed: apt-get install chromium (.ci/run does)")
    return path


def open_page(playwright, width, height):
    """A headless page, and the list its console errors and uncaught exceptions go to."""
    browser = playwright.chromium.launch(executable_path=chromium(), headless=True, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(HANG)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return browser, page, errors


def check(name, ok, detail=""):
    """Prints the check's line; exits 1 when it failed."""
    print(("ok    " if ok else "FAIL  ") + name + (": " + detail if detail else ""), flush=True)
    if not ok:
        sys.exit(1)
