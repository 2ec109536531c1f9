#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""One tetra-web, two bridges: a region's board (issue 13: "several
bridges, one per legevakt station, on one board, each event and call-out
labelled with its bridge").

Two real tetra-bridged, each with CURVE, a simulated radio and tetra-web's
key as a dispatcher gateway in its clients file. Checked:

  a) /api/config and the WebSocket's snapshot name both bridges, each with
     its own radio online;
  b) an action names its bridge: a call-out created on lvs-2 for kari
     reaches lvs-2 only (lvs-1's call-out counter does not move), comes
     back to the page labelled lvs-2, and the bridge records
     kari@tetra-web as its creator;
  c) one bridge stopped: /healthz says degraded, the page hears that bridge
     disconnected while the other stays; started again on its journal,
     the bridge is connected again and the page's events from it go on
     without a gap in seq.

Run by ctest: test_web_region.py BUILD_DIR SOURCE_DIR.
"""

import json
import os
import re
import shutil
import ssl
import sys
import tempfile
import time
import unittest

import websocket  # python3-websocket (websocket-client)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402
import tbweb  # noqa: E402

BUILD = SOURCE = None
pb = None

BRIDGES = {"lvs-1": ("a", "02420001600001001"), "lvs-2": ("b", "02420001600002001")}
PASSWORD = "karis-passord-42"


class Region(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = d = tempfile.mkdtemp(prefix="tb-region-")
        web_pub, _ = tbtest.write_keypair(f"{d}/web")
        cls.bridges = {}
        web_cfg = ["web", " listen 127.0.0.1 0", " certificate web.pem", " private-key web.pem.key",
                   " users users", f" static {SOURCE}/web/static", " curve-key web.key"]
        for name, (radio, tsi) in BRIDGES.items():
            bd = f"{d}/{name}"
            os.makedirs(bd)
            tbtest.write_keypair(f"{bd}/bridge")
            with open(f"{bd}/clients", "w") as f:
                f.write(f"dispatcher {web_pub} tetra-web gateway\n")
            vty = tbtest.free_port()
            cfg = tbtest.write_config(bd, name, vty, [f"radio {radio}", " transport sim", f" sim-identity {tsi}"])
            with open(cfg, "a") as f:
                f.write(f"bridge\n curve server-key {bd}/bridge.key\n curve clients {bd}/clients\n")
            daemon = tbtest.Daemon(BUILD, cfg, vty)
            daemon.start(online=1)
            cls.bridges[name] = daemon
            web_cfg += [f"bridge {name}", f" events ipc://{bd}/events", f" commands ipc://{bd}/commands",
                        f" server-key {bd}/bridge.pub"]
        cls.tls = tbweb.make_certificate(d)
        tbweb.add_user(BUILD, f"{d}/users", "kari", "dispatcher", PASSWORD)
        with open(f"{d}/web.cfg", "w") as f:
            f.write("\n".join(web_cfg) + "\n")
        cls.web = tbweb.Web(BUILD, f"{d}/web.cfg")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.web.stop()
        finally:
            for daemon in cls.bridges.values():
                if daemon.proc.poll() is None:
                    daemon.stop()
            shutil.rmtree(cls.dir, ignore_errors=True)

    def request(self, method, path, body=None, headers=None):
        return tbweb.request(self.web.port, self.tls, method, path, body, headers)

    def login(self):
        status, headers, body = self.request("POST", "/api/login", {"user": "kari", "password": PASSWORD})
        self.assertEqual(status, 200, body)
        return re.match(r"(tw_session=[^;]+)", headers["set-cookie"]).group(1), json.loads(body)["csrf"]

    def socket(self, cookie):
        return websocket.create_connection(
            f"wss://127.0.0.1:{self.web.port}/ws", header=[f"Cookie: {cookie}"],
            origin=f"https://127.0.0.1:{self.web.port}", subprotocols=["tetra-web.v1"], timeout=30,
            sslopt={"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": f"{self.dir}/web.pem"})

    def until(self, ws, predicate, what):
        """The page's messages until one satisfies predicate (each recv is
        bounded by the socket's timeout); returns it and those before it."""
        seen = []
        while True:
            try:
                msg = json.loads(ws.recv())
            except websocket.WebSocketTimeoutException:
                self.fail(f"no {what} on the page's WebSocket; last messages: {seen[-5:]}")
            seen.append(msg)
            if predicate(msg):
                return msg, seen

    def snapshot_with_both(self, cookie):
        """A socket whose snapshot has both bridges connected with their
        radio online (a fresh one until it has: tetra-web links in the
        background)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ws = self.socket(cookie)
            snap = json.loads(ws.recv())
            self.assertEqual(snap["type"], "snapshot")
            ok = [b for b in snap["bridges"] if b["connected"]
                  and [r for r in b["radios"] if r["state"] == "STATE_ONLINE"]]
            if len(ok) == 2:
                return ws, snap
            # Not yet: the next bridge message says when it changes.
            self.until(ws, lambda m: m["type"] == "bridge", "bridge update")
            ws.close()
        self.fail("the board never had both bridges connected")

    def callouts_created(self, name):
        out = self.bridges[name].vty("show stats")
        m = re.search(r"Replies with code OK:\s+(\d+)", out)
        self.assertIsNotNone(m, out)
        return int(m.group(1))

    def test_a_board_of_two_bridges(self):
        cookie, _ = self.login()
        status, _, body = self.request("GET", "/api/config", headers={"Cookie": cookie})
        self.assertEqual(json.loads(body)["bridges"], ["lvs-1", "lvs-2"])
        ws, snap = self.snapshot_with_both(cookie)
        ws.close()
        self.assertEqual([b["name"] for b in snap["bridges"]], ["lvs-1", "lvs-2"])
        self.assertEqual({b["name"]: [r["name"] for r in b["radios"]] for b in snap["bridges"]},
                         {"lvs-1": ["a"], "lvs-2": ["b"]})
        for e in snap["events"]:
            self.assertEqual(e["event"]["bridge"], e["bridge"], "an event labelled with another bridge")

    def test_b_action_goes_to_its_bridge(self):
        cookie, csrf = self.login()
        ws, _ = self.snapshot_with_both(cookie)
        try:
            ok_before = self.callouts_created("lvs-1")
            action = {"bridge": "lvs-2", "command": {"calloutCreate": {
                "radio": "b", "severity": 2, "text": "Fall, Sjøgata 3",
                "responders": [{"type": "IDENTITY_SSI", "ssi": 2002}]}}}
            status, _, body = self.request("POST", "/api/action", action, {"Cookie": cookie, "X-CSRF-Token": csrf})
            j = json.loads(body)
            self.assertEqual((status, j["code"]), (200, "OK"), j)
            cid = j["result"]["callout"]["id"]
            self.assertEqual(j["result"]["callout"]["createdBy"], "kari@tetra-web")
            msg, _ = self.until(ws, lambda m: m["type"] == "event" and "callout" in m["event"]
                                and m["event"]["callout"]["calloutId"] == cid, "call-out event")
            self.assertEqual(msg["bridge"], "lvs-2")
            self.assertEqual(msg["event"]["callout"]["callout"]["createdBy"], "kari@tetra-web")
            self.assertEqual(self.callouts_created("lvs-1"), ok_before, "the action reached lvs-1 too")
        finally:
            ws.close()

    def test_c_one_bridge_restarted(self):
        cookie, _ = self.login()
        ws, snap = self.snapshot_with_both(cookie)
        try:
            last = max([int(e["event"]["seq"]) for e in snap["events"] if e["bridge"] == "lvs-2"] or [0])
            self.bridges["lvs-2"].stop()
            _, before = self.until(ws, lambda m: m["type"] == "bridge" and m["bridge"]["name"] == "lvs-2"
                                   and not m["bridge"]["connected"], "lvs-2 disconnected")
            self.assertEqual(self.request("GET", "/healthz")[:3:2], (503, b"degraded\n"))
            self.bridges["lvs-2"].start(online=1)
            _, seen = self.until(ws, lambda m: m["type"] == "bridge" and m["bridge"]["name"] == "lvs-2"
                                 and m["bridge"]["connected"], "lvs-2 connected again")
            # Its events from the snapshot on (the radio offline as the
            # bridge stops, online after the restart) follow each other
            # without a gap.
            msg, more = self.until(ws, lambda m: m["type"] == "event" and m["bridge"] == "lvs-2"
                                   and "radioState" in m["event"]
                                   and m["event"]["radioState"]["state"] == "STATE_ONLINE", "lvs-2 radio online")
            seqs = [int(m["event"]["seq"]) for m in before + seen + more
                    if m["type"] == "event" and m["bridge"] == "lvs-2"]
            seqs = [s for s in seqs if s > last]
            self.assertTrue(seqs, "no events from lvs-2 after its restart")
            self.assertEqual(seqs, list(range(last + 1, last + 1 + len(seqs))), "a gap in lvs-2's seqs")
            self.assertEqual(self.request("GET", "/healthz")[0], 200)
        finally:
            ws.close()


if __name__ == "__main__":
    tbtest.main(globals())
