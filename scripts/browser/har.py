"""Records a HAR in Chromium (Playwright's record_har_path) of the requests a browser-based admin tool
sends to a PBX: URLSearchParams, FormData, JSON and GET with a query, credentials in each.

    python3 scripts/browser/har.py http://127.0.0.1:PORT OUT.har
"""
import sys

from browserlib import HANG, check, chromium, sync_playwright

base, out = sys.argv[1], sys.argv[2]
SCRIPT = """
async (base) => {
  const statuses = [];
  const auth = {username: "admin", password: "your-password"};
  let r = await fetch(base + "/app/status/index.php", {method: "POST", body: new URLSearchParams(auth)});
  statuses.push(r.status);
  const form = new FormData();
  for (const [k, v] of Object.entries({...auth, action: "list", domain_name: "yourdomain.com"})) form.append(k, v);
  r = await fetch(base + "/app/extensions/manage_extension.php", {method: "POST", body: form});
  statuses.push(r.status);
  r = await fetch(base + "/app/registrations/check_registration.php", {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({...auth, extension: "1001", tenant_domain: "yourdomain.com"})});
  statuses.push(r.status);
  r = await fetch(base + "/app/status/index.php?" + new URLSearchParams(auth));
  statuses.push(r.status);
  return statuses;
}
"""

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium(), headless=True, args=["--no-sandbox"])
    context = browser.new_context(record_har_path=out, record_har_content="embed")
    page = context.new_page()
    page.set_default_timeout(HANG)
    # A page of the PBX's own origin, so the requests are same-origin (no CORS preflight).
    try:
        page.goto(base + "/__fakepbx/journal/count")
        statuses = page.evaluate(SCRIPT, base)
    finally:
        # Closed before any check exits: a browser left open with its HAR unwritten holds the exit.
        context.close()
        browser.close()
check("the four requests were answered", statuses == [200, 200, 200, 200], str(statuses))
check("the HAR was written", True, out)
