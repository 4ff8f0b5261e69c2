#!/usr/bin/env python3
"""A raw HTTP/1.x client over one TCP connection, plain or TLS, for the connection tests.

It runs a script of steps given as JSON on the command line and prints one JSON object with the
result of each step, so a test sees exactly what crossed the wire:

  {"send": TEXT}                      write TEXT (latin-1 bytes) to the connection
  {"send_zeros": N}                   write N zero bytes (a large body), as far as the server reads
  {"response": true}                  read exactly one answer (Content-Length, chunked, or no body)
  {"eof": SECONDS}                    read until the server closes (or SECONDS pass): the bytes and
                                      whether the end came
  {"pause": SECONDS}                  wait, as a client between two requests does
  {"close_notify": true}              end TLS with close_notify before the connection closes (without
                                      it, a TLS connection ends with the process, unclean)

Usage: rawclient.py PORT [--tls CAFILE] [--source ADDRESS] STEPS_JSON
"""
import json
import socket
import ssl
import sys
import time


def read_head(conn, buffer):
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError(f"the connection ended before a whole head ({len(buffer)} bytes)")
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def read_exact(conn, buffer, count):
    while len(buffer) < count:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError(f"the connection ended after {len(buffer)} of {count} body bytes")
        buffer += chunk
    return buffer[:count], buffer[count:]


def read_line(conn, buffer):
    while b"\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError("the connection ended inside a chunk")
        buffer += chunk
    line, rest = buffer.split(b"\r\n", 1)
    return line, rest


def read_response(conn, buffer):
    head, buffer = read_head(conn, buffer)
    lines = head.split("\r\n")
    headers = [[name.strip(), value.strip()] for name, _, value in (line.partition(":") for line in lines[1:])]
    lookup = {name.lower(): value for name, value in headers}
    status = int(lines[0].split(" ")[1])
    body = b""
    if 100 <= status < 200 or status in (204, 304):
        pass
    elif "content-length" in lookup:
        body, buffer = read_exact(conn, buffer, int(lookup["content-length"]))
    elif lookup.get("transfer-encoding", "").lower() == "chunked":
        while True:
            line, buffer = read_line(conn, buffer)
            size = int(line.split(b";")[0], 16)
            chunk, buffer = read_exact(conn, buffer, size + 2)
            if size == 0:
                break
            body += chunk[:size]
    else:
        # Delimited by the end of the connection (HTTP/1.0 without a length).
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            buffer += chunk
        body, buffer = buffer, b""
    return {"status_line": lines[0], "status": status, "headers": headers, "body": body.decode("latin-1")}, buffer


def main():
    args = sys.argv[1:]
    port = int(args.pop(0))
    cafile = source = None
    while args[0].startswith("--"):
        option = args.pop(0)
        if option == "--tls":
            cafile = args.pop(0)
        elif option == "--source":
            source = args.pop(0)
    steps = json.loads(args[0])
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    conn.settimeout(60)
    if source:
        try:
            conn.bind((source, 0))
        except OSError as error:
            # Every address in 127.0.0.0/8 is local on Linux; elsewhere it needs an alias.
            sys.exit(f"bind to {source} failed ({error}): these tests need {source} to be local, as every "
                     f"127.0.0.0/8 address is on Linux (on macOS: sudo ifconfig lo0 alias {source} up)")
    conn.connect(("127.0.0.1", port))
    if cafile:
        context = ssl.create_default_context(cafile=cafile)
        conn = context.wrap_socket(conn, server_hostname="localhost")
    results = []
    buffer = b""
    try:
        for step in steps:
            if "send" in step:
                conn.sendall(step["send"].encode("latin-1"))
                results.append({"sent": len(step["send"])})
            elif "send_zeros" in step:
                sent, block = 0, b"\0" * 65536
                try:
                    while sent < step["send_zeros"]:
                        sent += conn.send(block[: step["send_zeros"] - sent])
                except OSError as error:
                    results.append({"sent": sent, "error": str(error)})
                    continue
                results.append({"sent": sent})
            elif "response" in step:
                response, buffer = read_response(conn, buffer)
                results.append(response)
            elif "eof" in step:
                conn.settimeout(step["eof"])
                started = time.monotonic()
                received, ended = buffer, False
                buffer = b""
                try:
                    while True:
                        chunk = conn.recv(65536)
                        if not chunk:
                            ended = True
                            break
                        received += chunk
                except (socket.timeout, ssl.SSLError, ConnectionResetError) as error:
                    ended = isinstance(error, ConnectionResetError)
                results.append({"eof": ended, "bytes": received.decode("latin-1"), "seconds": time.monotonic() - started})
            elif "pause" in step:
                time.sleep(step["pause"])
                results.append({"paused": step["pause"]})
            elif "close_notify" in step:
                conn = conn.unwrap()
                conn.close()
                results.append({"closed": True})
    except (EOFError, OSError) as error:
        results.append({"error": str(error)})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
