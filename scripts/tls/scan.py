"""Scans an HTTPS listener with sslyze and prints, as one JSON object, the cipher suites it accepts
for each protocol version (OpenSSL's names; IANA's for TLS 1.3), for TLSScanTests.

    python3 scripts/tls/scan.py 127.0.0.1:PORT
"""
import json, sys

try:
    from sslyze import Scanner, ServerNetworkLocation, ServerScanRequest, ScanCommand
except ImportError:
    sys.exit("this test scans the HTTPS listener with sslyze, which is not installed: python3 -m pip install sslyze==6.3.1 (.ci/run does)")

host, port = sys.argv[1].rsplit(":", 1)
commands = {
    "SSLv2": ScanCommand.SSL_2_0_CIPHER_SUITES, "SSLv3": ScanCommand.SSL_3_0_CIPHER_SUITES,
    "TLSv1.0": ScanCommand.TLS_1_0_CIPHER_SUITES, "TLSv1.1": ScanCommand.TLS_1_1_CIPHER_SUITES,
    "TLSv1.2": ScanCommand.TLS_1_2_CIPHER_SUITES, "TLSv1.3": ScanCommand.TLS_1_3_CIPHER_SUITES,
}
scanner = Scanner()
scanner.queue_scans([ServerScanRequest(server_location=ServerNetworkLocation(hostname=host, port=int(port)), scan_commands=set(commands.values()))])
accepted = {}
for result in scanner.get_results():
    if result.scan_result is None:
        sys.exit(f"sslyze could not connect to {sys.argv[1]}: {result.connectivity_error_trace}")
    for name, command in commands.items():
        attempt = getattr(result.scan_result, command.value)
        if attempt.result is None:
            sys.exit(f"sslyze's {name} scan failed: {attempt.error_reason} {attempt.error_trace}")
        accepted[name] = sorted(suite.cipher_suite.openssl_name for suite in attempt.result.accepted_cipher_suites)
print(json.dumps(accepted))
