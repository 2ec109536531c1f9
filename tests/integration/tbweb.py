# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared pieces of the tests that run tetra-web: its users (through
`tetractl web-user add`), a test-made certificate, the program itself with
its log, and HTTPS requests to it.

Every wait is bounded and waits for something (a log line, an answer).
"""

import http.client
import json
import os
import re
import ssl
import subprocess

import tbtest


def web_binary(build):
    return os.path.join(build, "web", "tetra-web")


def add_user(build, users, name, role, password):
    """One line in the users file, as an administrator adds it."""
    r = subprocess.run([os.path.join(build, "tools", "tetractl"), "web-user", "add", name, role,
                        "--users", users, "--password-stdin"], input=password + "\n", text=True,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, f"tetractl web-user add {name}: {r.stderr}"


def make_certificate(d):
    """d/web.pem and d/web.pem.key: self-signed for 127.0.0.1."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", f"{d}/web.pem.key", "-out", f"{d}/web.pem", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return ssl.create_default_context(cafile=f"{d}/web.pem")


class Web:
    """tetra-web on a config file, its log collected; the port it bound
    (the config's `listen 127.0.0.1 0`)."""

    def __init__(self, build, cfg):
        self.proc = subprocess.Popen([web_binary(build), "-c", cfg], stderr=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, text=True, errors="replace")
        self.log = tbtest.LogReader(self.proc.stderr)
        self.log.start()
        self.log.wait_for(lambda ls: "<EOF>\n" in ls or any(" listening on " in l for l in ls))
        assert self.proc.poll() is None, "tetra-web did not start:\n" + self.log.text()
        m = re.search(r"listening on https?://127\.0\.0\.1:(\d+)/", self.log.text())
        self.port = int(m.group(1))

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(timeout=30)
        self.log.join(timeout=10)
        self.proc.stderr.close()
        assert rc == 0, f"tetra-web exited with {rc} on SIGTERM:\n" + self.log.text()[-4000:]


def request(port, tls, method, path, body=None, headers=None):
    """(status, headers dict lower-cased, body bytes) of one HTTPS request."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=30)
    try:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        conn.request(method, path, body=data, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()
