"""Opens an HTML contract report (`fakepbx contract run|check|diff --html FILE`) in a real, headless
Chromium and checks it against the JUnit report of the same run, for ContractCommandTests.

    python3 scripts/browser/report.py REPORT.html JUNIT.xml [--pointer /json/pointer] [--screenshot FILE]

Checks: the page opens with no console error; its counts (checks, failed, errors, skipped) are the
JUnit report's (tests, failures, errors, skipped); with --pointer, that violation's pointer is
visible on the page. Prints one line per check and exits 1 at the first that fails.
"""
import argparse, pathlib, shutil, sys
import xml.etree.ElementTree as ElementTree

parser = argparse.ArgumentParser()
parser.add_argument("report")
parser.add_argument("junit")
parser.add_argument("--pointer", action="append", default=[])
parser.add_argument("--screenshot")
args = parser.parse_args()
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:
    sys.exit("this test drives Chromium with Playwright, which is not installed: python3 -m pip install playwright (.ci/run does)")
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    sys.exit("this test needs Chromium, which is not installed: apt-get install chromium (.ci/run does)")


def check(name, ok, detail=""):
    print(("ok    " if ok else "FAIL  ") + name + (": " + detail if detail else ""), flush=True)
    if not ok:
        sys.exit(1)


root = ElementTree.parse(args.junit).getroot()
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
junit = {key: sum(int(suite.get(key, "0")) for suite in suites) for key in ("tests", "failures", "errors", "skipped")}

errors = []
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(pathlib.Path(args.report).resolve().as_uri())
    expect(page.locator("#summary")).to_be_visible()
    check("the report opens with no console error", not errors, "; ".join(errors))
    shown = {key: int(page.text_content(selector)) for key, selector in
             (("tests", "#total"), ("failures", "#failed"), ("errors", "#errors"), ("skipped", "#skipped"))}
    check("its counts are the JUnit report's", shown == junit, f"page {shown}, JUnit {junit}")
    for pointer in args.pointer:
        expect(page.locator("code.pointer", has_text=pointer).first).to_be_visible()
        check(f"the violation at {pointer} is visible", True)
    if args.screenshot:
        page.screenshot(path=args.screenshot, full_page=False)
    browser.close()
