"""Checks every answer in a HAR (the journal's: GET /__fakepbx/journal?format=har) against an
OpenAPI document with openapi-core, an independent validator, for OpenAPILiveTests.

    python3 scripts/openapi/validate.py docs/openapi.json journal.har

Prints one line per answer that breaks the document and a summary, and each operation of the document
that no answer exercised; exits 1 if any answer breaks it or an operation was not exercised.
"""
import json, sys
from urllib.parse import urlsplit

try:
    from openapi_core import OpenAPI
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request, Response
except ImportError:
    sys.exit("this test checks answers with openapi-core, which is not installed: python3 -m pip install openapi-core==0.23.1 (.ci/run does)")

spec_path, har_path = sys.argv[1], sys.argv[2]
spec = json.load(open(spec_path))
openapi = OpenAPI.from_dict(spec)
entries = json.load(open(har_path))["log"]["entries"]
server = urlsplit(spec["servers"][0]["url"])

failures, checked, exercised, other_methods = [], 0, set(), 0
for entry in entries:
    har_request, har_response = entry["request"], entry["response"]
    url = urlsplit(har_request["url"])
    if url.path.startswith("/__fakepbx/") or har_response["status"] == 0:
        continue
    headers = {h["name"]: h["value"] for h in har_request["headers"] if h["name"].lower() != "host"}
    post = har_request.get("postData") or {}
    if post.get("mimeType"):
        headers["Content-Type"] = post["mimeType"]
    # The document's server, so the paths match; the request as it was sent otherwise.
    environ = EnvironBuilder(method=har_request["method"], base_url=f"{server.scheme}://{server.netloc}", path=url.path,
                             query_string=url.query, headers=headers, data=post.get("text", "").encode()).get_environ()
    content = har_response["content"]
    body = content.get("text", "")
    response_headers = [(h["name"], h["value"]) for h in har_response["headers"]]
    response = Response(body.encode() if isinstance(body, str) else body, status=har_response["status"], headers=response_headers)
    name = f"{har_request['method']} {url.path} → {har_response['status']} {content.get('mimeType', '')}"
    listed = spec["paths"].get(url.path, {})
    if har_response["status"] == 405 and har_request["method"].lower() not in listed:
        # A method the document does not list for the path: its description says such a request gets 405.
        other_methods += 1
        continue
    try:
        openapi.validate_response(WerkzeugOpenAPIRequest(Request(environ)), WerkzeugOpenAPIResponse(response))
        checked += 1
        exercised.add((har_request["method"].lower(), url.path))
    except Exception as error:  # openapi-core's errors are many classes; each is a finding here
        cause = getattr(error, "__cause__", None)
        failures.append(f"{name}: {type(error).__name__}: {error}" + (f" ({cause})" if cause else ""))

for failure in failures:
    print("FAIL  " + failure[:600])
missing = [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item
           if method in ("get", "post", "head") and (method, path) not in exercised]
for operation in missing:
    print("MISS  no answer exercised " + operation)
print(f"openapi-core: {checked} answers hold, {len(failures)} break {spec_path}; {len(missing)} operations not exercised; "
      f"{other_methods} 405s to methods the document does not list")
sys.exit(1 if failures or missing else 0)
