"""fakepbx in a Python test with Testcontainers: the image, started for the test, ready when its
banner line is printed and its health route answers. The billing calls go over HTTPS, trusting the
fake's CA, as a module calls a real FusionPBX, whose port 80 answers them with a 301.

    pip install testcontainers==4.15.0
    python3 -m pytest examples/testcontainers/test_fakepbx.py      # or: python3 test_fakepbx.py

With podman instead of Docker: `podman system service --time=0 unix:///tmp/podman.sock &`, then
DOCKER_HOST=unix:///tmp/podman.sock and TESTCONTAINERS_RYUK_DISABLED=true. Where the tests
themselves run in a container that reaches the fake through a port published on the host, also
TESTCONTAINERS_CONNECTION_MODE=docker_host and TC_HOST=127.0.0.1.
"""

import http.client
import json
import os
import ssl
import urllib.parse
import urllib.request

from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import CompositeWaitStrategy, HttpWaitStrategy, LogMessageWaitStrategy

IMAGE = os.environ.get("FAKEPBX_IMAGE", "fakepbx:0.1.0")


def fakepbx():
    ready = CompositeWaitStrategy(
        LogMessageWaitStrategy("listening on"),
        HttpWaitStrategy(8080, "/__fakepbx/health").for_status_code(200),
    )
    return DockerContainer(IMAGE).with_exposed_ports(8080, 8443).with_env("FAKEPBX_PBX_VERSION", "5.4.9").waiting_for(ready)


def post(base, path, fields, context=None):
    data = urllib.parse.urlencode({"username": "admin", "password": "your-password", **fields}).encode()
    with urllib.request.urlopen(base + path, data=data, timeout=30, context=context) as answer:
        return answer.status, json.loads(answer.read())


def test_the_billing_calls_work():
    with fakepbx() as pbx:
        host = pbx.get_container_host_ip()
        plain_url = f"http://{host}:{pbx.get_exposed_port(8080)}"
        with urllib.request.urlopen(plain_url + "/__fakepbx/tls/ca.pem", timeout=30) as answer:
            trust = ssl.create_default_context(cadata=answer.read().decode())
        base = f"https://{host}:{pbx.get_exposed_port(8443)}"
        status, body = post(base, "/app/status/index.php", {}, trust)
        assert status == 200 and "status" in body, body
        status, body = post(base, "/app/domains/manage_domain.php", {"action": "list"}, trust)
        assert status == 200 and body["count"] > 0, body
        # Plain HTTP is redirected, as stock FusionPBX's nginx does (as PHP's curl, not followed).
        plain = http.client.HTTPConnection(host, int(pbx.get_exposed_port(8080)), timeout=30)
        plain.request("POST", "/app/status/index.php", "username=admin&password=your-password",
                      {"Content-Type": "application/x-www-form-urlencoded"})
        answer = plain.getresponse()
        assert answer.status == 301 and answer.getheader("Location").startswith("https://"), answer.status
        plain.close()


if __name__ == "__main__":
    test_the_billing_calls_work()
    print("ok")
