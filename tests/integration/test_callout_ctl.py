#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tetractl callout against the real tetra-bridged with two simulated
radios, CURVE and the three roles: a whole call-out set by hand (create,
board, show, set, close, report), one answered by the radio, and what
each role may not do.

Run by ctest: test_callout_ctl.py BUILD_DIR SOURCE_DIR
(Debian's /usr/bin/python3 with python3-zmq and python3-protobuf).

Radio a alerts the terminal of radio b (SSI 2001). The config's roster
names 2001 and maps status 0x8001 to accept.

Every wait is bounded and waits for an event (a SUB socket subscribed
before the command); endpoints are ipc:// in a temp dir.
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402

BUILD = SOURCE = None
pb = None
ENV = None

A_TSI, B_TSI = "02420001600001001", "02420001600002001"
A_SSI, B_SSI = "1001", "2001"
TEXT = "Brystsmerter, Storgata 5"
# The roster and the call-out config (see the module's docstring).
CALLOUT_CONFIG = [
    "roster",
    f" identity {B_SSI} name Sykepleier Nord",
    " status 0x8001 meaning accept name kommer",
    "callout",
    " severity 1 name red deadline 120 on-scene 1200",
]


def ctl(*args, input=None, timeout=60):
    return subprocess.run([os.path.join(BUILD, "tools", "tetractl"), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, input=input, env=ENV)


def today():
    return datetime.date.today().isoformat()


class Callouts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = d = tempfile.mkdtemp(prefix="tbco-d.", dir="/tmp")
        cls.keys = {}
        for name in ["bridge", "disp", "obs", "adm"]:
            cls.keys[name] = tbtest.write_keypair(os.path.join(d, name))
        with open(os.path.join(d, "clients"), "w") as f:
            f.write(f"dispatcher {cls.keys['disp'][0]} amk-1\nobserver {cls.keys['obs'][0]} lvs-console\n"
                    f"admin {cls.keys['adm'][0]} fagansvarlig\n")
        cls.events, cls.commands = f"ipc://{d}/events", f"ipc://{d}/commands"
        os.mkdir(os.path.join(d, "state"))
        vty_port = tbtest.free_port()
        cfg = ["log stderr", " logging level all info", " logging color 0",
               "line vty", f" bind 127.0.0.1 {vty_port}",
               "bridge", " id co-test", f" events bind {cls.events}", f" commands bind {cls.commands}",
               f" state-dir {d}/state", f" curve server-key {d}/bridge.key", f" curve clients {d}/clients",
               "radio a", " transport sim", f" sim-identity {A_TSI}",
               "radio b", " transport sim", f" sim-identity {B_TSI}"] + CALLOUT_CONFIG
        path = os.path.join(d, "bridge.cfg")
        with open(path, "w") as f:
            f.write("\n".join(cfg) + "\n")
        cls.daemon = tbtest.Daemon(BUILD, path, vty_port)
        try:
            cls.daemon.start(online=2)
        except BaseException:
            shutil.rmtree(d)
            raise
        cls.ctx = zmq.Context()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.daemon.stop()
        finally:
            cls.ctx.term()
            shutil.rmtree(cls.dir)

    def as_(self, who):
        return ["--events", self.events, "--commands", self.commands, "--timeout", "30",
                "--key", os.path.join(self.dir, who + ".key"), "--server-key", os.path.join(self.dir, "bridge.pub")]

    def co(self, who, *args, input=None, ok=True):
        r = ctl("callout", *args, *self.as_(who), input=input)
        if ok:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def subscribe(self):
        """A subscriber that is surely connected: it has seen an event
        published after it connected (a status a -> b that means nothing)."""
        sub = tbtest.Subscriber(pb, self.ctx, self.events, self.keys["bridge"][0], self.keys["obs"])
        self.addCleanup(sub.close)
        for _ in range(50):
            r = ctl("send-status", "a", B_SSI, "0x8005", *self.as_("disp"))
            self.assertEqual(r.returncode, 0, r.stderr)
            if sub.recv(timeout=2) is not None:
                return sub
        self.fail("the subscriber never got an event")

    def wait_responder(self, sub, cid, state):
        return sub.wait_for(lambda t, e: e.WhichOneof("body") == "callout" and e.callout.callout_id == cid
                            and e.callout.kind == pb.CalloutChange.RESPONDER
                            and e.callout.new_responder_state == state, timeout=60)

    def create(self, *extra):
        r = self.co("disp", "create", "a", "1", TEXT, B_SSI, "--json", *extra)
        return json.loads(r.stdout)

    def test_a_whole_callout_set_by_hand(self):
        sub = self.subscribe()
        # an observer may look, not alert
        r = self.co("obs", "create", "a", "1", TEXT, B_SSI, ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^tetractl: NOT_ALLOWED: \S.*\n$")

        c = self.create()
        cid = int(c["id"])
        self.assertEqual(c["state"], "CALLOUT_OPEN")
        self.assertEqual(c["text"], TEXT)
        self.assertEqual(c["createdBy"], "amk-1")
        self.assertEqual([x["identity"]["ssi"] for x in c["responders"]], [int(B_SSI)])
        created = sub.wait_for(lambda t, e: e.WhichOneof("body") == "callout" and e.callout.callout_id == cid
                               and e.callout.kind == pb.CalloutChange.CREATED)
        self.assertTrue(created.radio == "a")

        # the board: this call-out, and a seq to follow the stream after
        b = json.loads(self.co("obs", "board", "--json").stdout)
        self.assertIn(str(cid), [x["id"] for x in b["callouts"]])
        self.assertGreaterEqual(int(b["seq"]), created.seq)
        self.assertIn(f"call-out {cid}: open, red (severity 1), via a", self.co("obs", "board").stdout)

        # the alert reaches radio b's terminal (a text asking for reports)
        self.wait_responder(sub, cid, pb.RESPONDER_DELIVERED)

        # by hand: confirmed by phone, on the way, there, closed
        r = self.co("disp", "set", cid, B_SSI, "accepted", "--reason", "confirmed by phone", "--json")
        j = json.loads(r.stdout)
        self.assertEqual(j["state"], "CALLOUT_STAFFED")
        self.assertEqual(j["responders"][0]["state"], "RESPONDER_ACCEPTED")
        self.assertEqual(j["responders"][0]["setBy"], "dispatcher:amk-1")
        self.co("disp", "set", cid, B_SSI, "en-route", "--reason", "on the phone")
        r = self.co("disp", "set", cid, B_SSI, "on-scene", "--reason", "on the phone")
        self.assertIn(f"call-out {cid}: on scene", r.stdout)
        r = self.co("disp", "set", cid, B_SSI, "queued", "--reason", "x", ok=False)
        self.assertEqual(r.returncode, 64)
        r = self.co("disp", "close", cid, "treated", "--json")
        self.assertEqual(json.loads(r.stdout)["state"], "CALLOUT_CLOSED")
        r = self.co("disp", "close", cid, "treated", ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^tetractl: (CONFLICT|UNKNOWN_CALLOUT): \S")

        # its history, oldest first, with who did what
        show = self.co("obs", "show", cid).stdout
        hist = show.split("oldest first):\n")[1]
        self.assertRegex(hist, rf"#\d+ callout {cid} created")
        self.assertRegex(hist, rf"callout {cid} {B_SSI} \(Sykepleier Nord\) \w[\w ]* -> accepted: .*confirmed by "
                               r"phone.*, by dispatcher:amk-1")
        seqs = [int(s) for s in re.findall(r"#(\d+) callout", hist)]
        self.assertEqual(seqs, sorted(seqs))
        j = json.loads(self.co("obs", "show", cid, "--json").stdout)
        self.assertEqual(j["callout"]["state"], "CALLOUT_CLOSED")

        # the report: manual (set by hand), a pseudonym, never the text
        rep = json.loads(self.co("obs", "report", "--since", today(), "--json").stdout)
        row = next(x for x in rep["rows"] if x["id"] == str(cid))
        self.assertTrue(row["manual"])
        self.assertEqual(row["severityName"], "red")
        self.assertEqual(row["answerDeadlineS"], 120)
        self.assertEqual(row["onSceneTargetS"], 1200)
        self.assertRegex(row["responders"][0]["who"], r"^R-[0-9a-f]{6}$")
        self.assertGreaterEqual(int(row["times"]["firstAcceptS"]), 0)
        self.assertGreaterEqual(rep["apart"]["manual"], 1)
        readable = self.co("obs", "report", "--since", today()).stdout
        for out in (json.dumps(rep, ensure_ascii=False), readable):
            self.assertNotIn(TEXT, out)
            self.assertNotIn("Sykepleier", out)
        self.assertIn("no: manual", readable)
        self.assertIn("The rule:", readable)
        # the pseudonym is the same in the next report; names only for an admin
        again = json.loads(self.co("obs", "report", "--since", today(), "--json").stdout)
        self.assertEqual(next(x for x in again["rows"] if x["id"] == str(cid))["responders"][0]["who"],
                         row["responders"][0]["who"])
        r = self.co("obs", "report", "--since", today(), "--names", ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("NOT_ALLOWED", r.stderr)
        named = json.loads(self.co("adm", "report", "--since", today(), "--names", "--json").stdout)
        self.assertEqual(next(x for x in named["rows"] if x["id"] == str(cid))["responders"][0]["who"],
                         f"Sykepleier Nord ({B_SSI})")
        key = os.path.join(self.dir, "state", "tetra-bridge.pseudonym-key")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)

        # health data never in the daemon's log at INFO
        self.assertNotIn(TEXT, self.daemon.log.text())

    def test_b_answered_by_the_radio(self):
        sub = self.subscribe()
        cid = int(self.create()["id"])
        self.wait_responder(sub, cid, pb.RESPONDER_DELIVERED)
        # the responder's terminal answers with status 0x8001 (accept in the roster)
        ctl("send-status", "b", A_SSI, "0x8001", *self.as_("disp"))
        ev = self.wait_responder(sub, cid, pb.RESPONDER_ACCEPTED)
        self.assertEqual(ev.callout.by, "radio")
        self.assertEqual(ev.callout.responder.name, "Sykepleier Nord")
        line = self.co("obs", "show", cid).stdout
        self.assertRegex(line, rf"callout {cid} {B_SSI} \(Sykepleier Nord\) \w[\w ]* -> accepted: .*, by radio")
        self.co("disp", "close", cid, "not-needed")
        rep = json.loads(self.co("obs", "report", "--since", today(), "--json").stdout)
        row = next(x for x in rep["rows"] if x["id"] == str(cid))
        self.assertFalse(row["manual"])
        self.assertFalse(row["cancelledEarly"])
        self.assertGreaterEqual(int(row["times"]["sentS"]), 0)
        self.assertGreaterEqual(int(row["times"]["deliveredS"]), 0)
        self.assertGreaterEqual(int(row["times"]["firstAcceptS"]), int(row["times"]["deliveredS"]))

    def test_c_cancelled_before_an_accept_counts_apart(self):
        cid = int(self.create("--test")["id"])
        other = int(self.create("--override")["id"])
        self.co("disp", "cancel", other, "--reason", "feilalarm")
        self.co("disp", "cancel", cid)
        rep = json.loads(self.co("obs", "report", "--since", today(), "--json").stdout)
        rows = {x["id"]: x for x in rep["rows"]}
        self.assertTrue(rows[str(cid)]["test"])
        self.assertTrue(rows[str(other)]["cancelledEarly"])
        csv = self.co("obs", "report", "--since", today(), "--csv").stdout.splitlines()
        by_id = {l.split(",")[0]: l.split(",")[7] for l in csv[1:]}
        self.assertEqual(by_id[str(cid)], "test")
        self.assertEqual(by_id[str(other)], "cancelled early")

    def test_d_unknown_callout(self):
        r = self.co("obs", "show", "999999", ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^tetractl: UNKNOWN_CALLOUT: there is no call-out 999999")


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pb = tbtest.load_pb2(BUILD)
    home = tempfile.mkdtemp(prefix="tbco-home.", dir="/tmp")
    ENV = {k: v for k, v in os.environ.items() if not k.startswith("TETRA_BRIDGE_")}
    ENV.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
    try:
        unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]])
    finally:
        shutil.rmtree(home, ignore_errors=True)
