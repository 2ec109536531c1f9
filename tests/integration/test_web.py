#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tetra-web's server against a real tetra-bridged with a simulated radio.

The bridge runs with CURVE; its clients file lists tetra-web's key as a
dispatcher `gateway` (it may act for people). tetra-web serves HTTPS on
127.0.0.1 with a certificate this test makes (openssl req -x509), and a
users file made with `tetractl web-user add` (one user per role).

Checked: /healthz without a session; the security headers (CSP ...) on
every response; sign-in with a wrong password (401) and a right one (200,
the cookie's flags); an action without a session (401), without or with a
wrong CSRF token (403), by an observer (403), none of which reaches the
bridge (its reply counter for the command does not move); a dispatcher's
action reaches the bridge and its reply comes back; /metrics refused
without an admin session or the token, served with the token, with the
bridge's counters; the WebSocket refused without a session or with a
foreign Origin, and a snapshot first when both are right; `--check`
refuses plain HTTP on an address that is not loopback, naming the line.

Run by ctest: test_web.py BUILD_DIR SOURCE_DIR. Every wait is bounded and
waits for something (a log line, an answer).
"""

import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import unittest

import websocket  # python3-websocket (websocket-client)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402
import tbweb  # noqa: E402

BUILD = SOURCE = None
pb = None

A_TSI = "02420001600001001"
PASSWORDS = {"kari": ("dispatcher", "kari-sitt-passord"), "ola": ("observer", "olas-passord-123"),
             "sjef": ("admin", "sjefens-passord-9")}
TOKEN = "metrics-token-0123456789abcdef"


def web_binary():
    return tbweb.web_binary(BUILD)


def add_user(users, name, role, password):
    tbweb.add_user(BUILD, users, name, role, password)


class WebServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = d = tempfile.mkdtemp(prefix="tb-web-")
        # The bridge: CURVE, tetra-web's key a dispatcher gateway.
        tbtest.write_keypair(f"{d}/bridge")
        web_pub, _ = tbtest.write_keypair(f"{d}/web")
        with open(f"{d}/clients", "w") as f:
            f.write(f"dispatcher {web_pub} tetra-web gateway\n")
        cls.vty_port = tbtest.free_port()
        cfg = tbtest.write_config(d, "lvs-1", cls.vty_port,
                                  ["radio a", " transport sim", f" sim-identity {A_TSI}"])
        with open(cfg, "a") as f:
            f.write(f"bridge\n curve server-key {d}/bridge.key\n curve clients {d}/clients\n")
        cls.bridge = tbtest.Daemon(BUILD, cfg, cls.vty_port)
        cls.bridge.start(online=1)

        cls.tls = tbweb.make_certificate(d)
        for name, (role, password) in PASSWORDS.items():
            add_user(f"{d}/users", name, role, password)
        with open(f"{d}/token", "w") as f:
            f.write(TOKEN + "\n")
        os.makedirs(f"{d}/static")
        with open(f"{d}/static/index.html", "w") as f:
            f.write("<!doctype html><title>tetra-web</title>\n")
        cls.cfg = f"{d}/web.cfg"
        with open(cls.cfg, "w") as f:
            f.write("web\n listen 127.0.0.1 0\n certificate web.pem\n private-key web.pem.key\n users users\n"
                    " static static\n metrics-token-file token\n curve-key web.key\n"
                    "bridge lvs-1\n"
                    f" events ipc://{d}/events\n commands ipc://{d}/commands\n server-key {d}/bridge.pub\n")
        cls.web = tbweb.Web(BUILD, cls.cfg)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.web.stop()
        finally:
            cls.bridge.stop()
            shutil.rmtree(cls.dir, ignore_errors=True)

    # ---- helpers ------------------------------------------------------

    def request(self, method, path, body=None, headers=None):
        """(status, headers dict lower-cased, body bytes)."""
        return tbweb.request(self.web.port, self.tls, method, path, body, headers)

    def login(self, name):
        status, headers, body = self.request("POST", "/api/login",
                                             {"user": name, "password": PASSWORDS[name][1]})
        self.assertEqual(status, 200, body)
        cookie = re.match(r"(tw_session=[^;]+)", headers["set-cookie"]).group(1)
        return cookie, json.loads(body)["csrf"]

    def replies(self, code):
        """The bridge's count of replies with this code (`show stats`)."""
        out = self.bridge.vty("show stats")
        m = re.search(r"Replies with code %s:\s+(\d+)" % code, out)
        self.assertIsNotNone(m, out)
        return int(m.group(1))

    def wait_connected(self):
        """Until tetra-web logs that its link to the bridge is up (bounded)."""
        self.web.log.wait_for(lambda ls: any("bridge lvs-1: connected" in l for l in ls))

    # ---- the tests ------------------------------------------------------

    def test_healthz_without_login(self):
        self.wait_connected()
        status, headers, body = self.request("GET", "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))
        self.assertTrue(headers["content-type"].startswith("text/plain"))

    def test_security_headers_on_every_response(self):
        for path in ("/", "/index.html", "/api/session", "/no-such-file", "/healthz"):
            status, headers, _ = self.request("GET", path)
            csp = headers.get("content-security-policy", "")
            self.assertIn("default-src 'none'", csp, path)
            self.assertIn("script-src 'self'", csp, path)
            self.assertIn("frame-ancestors 'none'", csp, path)
            self.assertEqual(headers.get("x-content-type-options"), "nosniff", path)
            self.assertEqual(headers.get("referrer-policy"), "no-referrer", path)
        self.assertEqual(self.request("GET", "/api/session")[1].get("cache-control"), "no-store")
        # The page's files: GET only, nothing outside the folder.
        self.assertEqual(self.request("POST", "/index.html", b"x")[0], 405)
        self.assertEqual(self.request("GET", "/../web.pem.key")[0], 404)

    def test_login(self):
        status, _, body = self.request("POST", "/api/login", {"user": "kari", "password": "feil"})
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body), {"error": "wrong user name or password"})
        self.assertEqual(self.request("POST", "/api/login", {"user": "nobody", "password": "x"})[0], 401)
        # A name nobody has may be a password typed into the wrong field:
        # it is never logged; a listed user's failure is.
        self.assertEqual(self.request("POST", "/api/login", {"user": "olas-passord-123", "password": "x"})[0], 401)
        self.web.log.wait_for(lambda ls: sum("sign-in of (a name not in the users file) from 127.0.0.1 failed" in l
                                             for l in ls) >= 2)
        self.web.log.wait_for(lambda ls: any("sign-in of kari from 127.0.0.1 failed" in l for l in ls))
        self.assertNotIn("olas-passord-123", self.web.log.text())
        self.assertNotIn("nobody", self.web.log.text())

        status, headers, body = self.request("POST", "/api/login",
                                             {"user": "kari", "password": PASSWORDS["kari"][1]})
        self.assertEqual(status, 200, body)
        flags = [f.strip() for f in headers["set-cookie"].split(";")]
        self.assertTrue(flags[0].startswith("tw_session="))
        self.assertEqual(set(flags[1:]), {"Path=/", "HttpOnly", "Secure", "SameSite=Strict"})
        j = json.loads(body)
        self.assertEqual((j["user"], j["role"], j["idleTimeout"]), ("kari", "dispatcher", 900))
        self.assertEqual(len(j["csrf"]), 43)
        cookie = flags[0]
        status, _, body = self.request("GET", "/api/session", headers={"Cookie": cookie})
        self.assertEqual((status, json.loads(body)["csrf"]), (200, j["csrf"]))
        status, _, body = self.request("GET", "/api/config", headers={"Cookie": cookie})
        self.assertEqual(json.loads(body), {"tileServer": "", "bridges": ["lvs-1"], "lang": "nb"})
        # Signed out: the session is gone.
        self.assertEqual(self.request("POST", "/api/logout", b"",
                                      {"Cookie": cookie, "X-CSRF-Token": j["csrf"]})[0], 204)
        self.assertEqual(self.request("GET", "/api/session", headers={"Cookie": cookie})[0], 401)

    def test_actions_refused_reach_nothing(self):
        self.wait_connected()
        action = {"bridge": "lvs-1", "command": {"sendStatus": {"radio": "no-such-radio",
                                                                "to": {"type": "IDENTITY_SSI", "ssi": 1001},
                                                                "value": 32768}}}
        before = self.replies("UNKNOWN_RADIO")
        kari, kari_csrf = self.login("kari")
        ola, ola_csrf = self.login("ola")
        refused = [
            ({}, 401),
            ({"Cookie": kari}, 403),
            ({"Cookie": kari, "X-CSRF-Token": "A" * 43}, 403),
            ({"Cookie": kari, "X-CSRF-Token": ola_csrf}, 403),
            ({"Cookie": ola, "X-CSRF-Token": ola_csrf}, 403),
        ]
        for headers, want in refused:
            status, _, body = self.request("POST", "/api/action", action, headers)
            self.assertEqual(status, want, (headers.keys(), body))
        self.assertEqual(self.replies("UNKNOWN_RADIO"), before, "a refused action reached the bridge")
        # Not one of the page's actions, or not JSON: refused as well.
        status, _, _ = self.request("POST", "/api/action", {"bridge": "lvs-1", "command": {"backup": {}}},
                                    {"Cookie": kari, "X-CSRF-Token": kari_csrf})
        self.assertEqual(status, 400)
        status, _, _ = self.request("POST", "/api/action", b"{not json",
                                    {"Cookie": kari, "X-CSRF-Token": kari_csrf})
        self.assertEqual(status, 400)

        # The same action by the dispatcher reaches the bridge, which answers it.
        status, headers, body = self.request("POST", "/api/action", action,
                                             {"Cookie": kari, "X-CSRF-Token": kari_csrf})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("cache-control"), "no-store")
        j = json.loads(body)
        self.assertEqual(j["code"], "UNKNOWN_RADIO", j)
        self.assertTrue(j["error"])
        self.assertEqual(self.replies("UNKNOWN_RADIO"), before + 1)
        self.web.log.wait_for(lambda ls: any("action send_status by kari from 127.0.0.1 on lvs-1: request" in l
                                             and "UNKNOWN_RADIO" in l for l in ls))

        # A status to a radio that is online: queued.
        action["command"]["sendStatus"]["radio"] = "a"
        status, _, body = self.request("POST", "/api/action", action, {"Cookie": kari, "X-CSRF-Token": kari_csrf})
        j = json.loads(body)
        self.assertEqual((status, j["code"]), (200, "OK"), j)
        self.assertIn("queued", j["result"])

    def test_metrics(self):
        self.wait_connected()
        status, headers, _ = self.request("GET", "/metrics")
        self.assertEqual(status, 401)
        self.assertEqual(headers.get("www-authenticate"), "Bearer")
        self.assertEqual(self.request("GET", "/metrics", headers={"Authorization": "Bearer wrong"})[0], 401)
        kari, _ = self.login("kari")
        self.assertEqual(self.request("GET", "/metrics", headers={"Cookie": kari})[0], 403)
        sjef, _ = self.login("sjef")
        self.assertEqual(self.request("GET", "/metrics", headers={"Cookie": sjef})[0], 200)

        status, headers, body = self.request("GET", "/metrics", headers={"Authorization": "Bearer " + TOKEN})
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
        text = body.decode()
        self.assertRegex(text, r'(?m)^tetra_web_logins_total\{result="ok"\} [1-9]\d*$')
        self.assertRegex(text, r'(?m)^tetra_web_bridge_connected\{bridge="lvs-1"\} 1$')
        self.assertRegex(text, r'(?m)^tetra_bridge_commands_received\{bridge="lvs-1",index="0"\} [1-9]\d*$')
        for line in text.splitlines():
            if not line.startswith("#"):
                self.assertRegex(line, r'^[a-zA-Z_][a-zA-Z0-9_]*(\{[^}]*\})? -?\d+$')

    def test_websocket(self):
        url = f"wss://127.0.0.1:{self.web.port}/ws"
        origin = f"https://127.0.0.1:{self.web.port}"
        sslopt = {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": f"{self.dir}/web.pem"}
        kari, csrf = self.login("kari")
        for header, org in (([], origin), ([f"Cookie: {kari}"], "https://evil.example")):
            with self.assertRaises(websocket.WebSocketException):
                ws = websocket.create_connection(url, header=header, origin=org, sslopt=sslopt,
                                                 subprotocols=["tetra-web.v1"], timeout=20)
                ws.close()
        ws = websocket.create_connection(url, header=[f"Cookie: {kari}"], origin=origin, sslopt=sslopt,
                                         subprotocols=["tetra-web.v1"], timeout=20)
        try:
            first = json.loads(ws.recv())
            self.assertEqual(first["type"], "snapshot")
            self.assertIn("bridges", first)
            # An action's events come to the page.
            action = {"bridge": "lvs-1", "command": {"sendStatus": {
                "radio": "a", "to": {"type": "IDENTITY_SSI", "ssi": 1002}, "value": 32769}}}
            status, _, body = self.request("POST", "/api/action", action, {"Cookie": kari, "X-CSRF-Token": csrf})
            self.assertEqual(status, 200, body)
            while True:  # bounded: recv() times out after 20 s
                msg = json.loads(ws.recv())
                if msg["type"] == "event":
                    break
            self.assertEqual(msg["bridge"], "lvs-1")
            self.assertIn("seq", msg["event"])
        finally:
            ws.close()


class LoginLimit(unittest.TestCase):
    """Failed sign-ins per name and per address (`login-limit 3 300`): the
    fourth attempt is refused with 429 whatever the password, and the
    password is not even checked then. A tetra-web of its own, so that the
    limit on 127.0.0.1 does not lock the other tests out; its bridge need
    not exist for sign-in."""

    def test_too_many_failures(self):
        with tempfile.TemporaryDirectory(prefix="tb-web-limit-") as d:
            tls = tbweb.make_certificate(d)
            add_user(f"{d}/users", "kari", "dispatcher", PASSWORDS["kari"][1])
            add_user(f"{d}/users", "ola", "observer", PASSWORDS["ola"][1])
            os.makedirs(f"{d}/static")
            with open(f"{d}/web.cfg", "w") as f:
                f.write("web\n listen 127.0.0.1 0\n certificate web.pem\n private-key web.pem.key\n"
                        " users users\n static static\n login-limit 3 300\n"
                        f"bridge lvs-1\n events ipc://{d}/no-events\n commands ipc://{d}/no-commands\n")
            web = tbweb.Web(BUILD, f"{d}/web.cfg")
            try:
                def login(name, password):
                    status, headers, body = tbweb.request(web.port, tls, "POST", "/api/login",
                                                          {"user": name, "password": password})
                    return status, headers, json.loads(body)

                for _ in range(3):
                    self.assertEqual(login("kari", "feil-passord")[0], 401)
                status, headers, body = login("kari", PASSWORDS["kari"][1])
                self.assertEqual(status, 429, body)
                self.assertGreater(body["retryAfter"], 0)
                self.assertEqual(headers.get("retry-after"), str(body["retryAfter"]))
                # The address has had its three failures too: another name
                # from it waits as well.
                self.assertEqual(login("ola", PASSWORDS["ola"][1])[0], 429)
                web.log.wait_for(lambda ls: any("sign-in of kari from 127.0.0.1 refused: too many failures" in l
                                                for l in ls))
            finally:
                web.stop()


class Check(unittest.TestCase):
    def test_plain_http_only_on_loopback(self):
        with tempfile.TemporaryDirectory(prefix="tb-web-check-") as d:
            open(f"{d}/users", "w").close()
            os.makedirs(f"{d}/static")
            cfg = f"{d}/web.cfg"
            lines = ["web", " listen 0.0.0.0 8443", " insecure", " users users", " static static",
                     "bridge lvs-1", " events ipc:///nonexistent/e", " commands ipc:///nonexistent/c"]
            with open(cfg, "w") as f:
                f.write("\n".join(lines) + "\n")
            r = subprocess.run([web_binary(), "--check", "-c", cfg], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn("line 3", r.stderr)
            self.assertIn("loopback", r.stderr)
            # On loopback the same file is fine.
            lines[1] = " listen 127.0.0.1 8443"
            with open(cfg, "w") as f:
                f.write("\n".join(lines) + "\n")
            r = subprocess.run([web_binary(), "--check", "-c", cfg], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    tbtest.main(globals())
