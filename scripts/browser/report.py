"""Opens an HTML contract report (`fakepbx contract run|check|diff --html FILE`) in a real, headless
Chromium and checks it against the JUnit report of the same run, for ContractCommandTests.

    python3 scripts/browser/report.py REPORT.html JUNIT.xml [--pointer /json/pointer] [--screenshot FILE]

Checks: the page opens with no console error; its counts (checks, failed, errors, skipped) are the
JUnit report's (tests, failures, errors, skipped); with --pointer, that violation's pointer is
visible on the page. Prints one line per check and exits 1 at the first that fails.
"""
import argparse, pathlib, sys
import xml.etree.ElementTree as ElementTree

from browserlib import check, expect, open_page, sync_playwright

parser = argparse.ArgumentParser()
parser.add_argument("report")
parser.add_argument("junit")
parser.add_argument("--pointer", action="append", default=[])
parser.add_argument("--screenshot")
args = parser.parse_args()

root = ElementTree.parse(args.junit).getroot()
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
junit = {key: sum(int(suite.get(key, "0")) for suite in suites) for key in ("tests", "failures", "errors", "skipped")}

with sync_playwright() as playwright:
    browser, page, errors = open_page(playwright, 1200, 800)
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
