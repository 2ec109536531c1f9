#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The roster against the real daemon: names and meanings in the events.

  * a status from a listed ISSI arrives with the sender's and the
    receiver's names, the status's name and its meaning; the outgoing
    steps of the sender name the destination;
  * a text answer gets the meaning of a fixed text or a pattern;
  * the journal has the names too (Replay), and `tetractl replay` prints
    them beside the raw values, --json carries them;
  * the VTY: show roster, show callout config, and a change typed on the
    telnet VTY (a rename is taken; a line that cannot be meant is refused
    with a sentence and changes nothing);
  * a config file with a roster or callout line that cannot be meant stops
    the daemon with the line and a sentence.

Run by ctest: test_roster.py BUILD_DIR SOURCE_DIR. No sleeps: every wait is
bounded and waits for an event, a reply or a log line.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402

BUILD = SOURCE = None
pb = None

A_TSI, B_TSI = "02420001600001001", "02420001600002001"
B_SSI = 2001

ROSTER = ["roster",
          " identity 1001 name Sykepleier Nord",          # radio a, by its SSI: any network
          f" identity {B_TSI} name Sykeheim Nord",        # radio b, by its TSI
          " group 9001 name LV-distrikt",
          " group 9001 member 1001",
          " status 0x8000 meaning accept name kommer",
          " status 0x8002 meaning en-route name på vei",
          " status 0x8005 name ring AMK",
          " answer meaning accept text ja",
          " answer meaning decline text kan ikke",
          " answer meaning accept pattern ^kommer",
          "callout",
          " plan lege level 1 deadline 120 responder 9001",
          " severity 1 name red deadline 90 plan lege",
          " severity 2 name yellow"]


def tetractl(*args):
    return subprocess.run([os.path.join(BUILD, "tools", "tetractl"), *args], capture_output=True, text=True,
                          timeout=60)


def vty_session(port, commands):
    """Log in to the telnet VTY, enable, run the commands one after the
    other; returns each one's output."""
    def until_prompt(sock):
        out = b""
        while not re.search(rb"tetra-bridged(\([a-z-]+\))?[>#] $", out):
            chunk = sock.recv(65536)
            if not chunk:
                break
            out += chunk
        return out.decode(errors="replace")

    outs = []
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        until_prompt(s)
        s.sendall(b"enable\r\n")
        until_prompt(s)
        for c in commands:
            s.sendall(c.encode() + b"\r\n")
            outs.append(until_prompt(s).replace("\r", ""))
    return outs


class Roster(unittest.TestCase):
    """One bridge: radios a and b (simulated, hearing each other) and a roster."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tbroster.", dir="/tmp")
        cls.vty_port = tbtest.free_port()
        radios = ["radio a", " transport sim", f" sim-identity {A_TSI}",
                  "radio b", " transport sim", f" sim-identity {B_TSI}"] + ROSTER
        cls.cfg = tbtest.write_config(cls.dir, "roster-test", cls.vty_port, radios)
        cls.daemon = tbtest.Daemon(BUILD, cls.cfg, cls.vty_port)
        cls.daemon.start(online=2)
        cls.ctx = zmq.Context()
        cls.ep_cmd = f"ipc://{cls.dir}/commands"
        cls.ep_ev = f"ipc://{cls.dir}/events"

    @classmethod
    def tearDownClass(cls):
        cls.ctx.destroy(linger=0)
        cls.daemon.stop()
        shutil.rmtree(cls.dir)

    def clients(self):
        cmd = tbtest.Commander(pb, self.ctx, self.ep_cmd)
        sub = tbtest.Subscriber(pb, self.ctx, self.ep_ev)
        self.addCleanup(cmd.close)
        self.addCleanup(sub.close)
        # the subscription is in place once an event of ours comes through
        probe = pb.Command()
        probe.send_status.radio = "a"
        probe.send_status.to.type = pb.IDENTITY_SSI
        probe.send_status.to.ssi = 7777777
        probe.send_status.value = 0x8005
        while True:
            reply = cmd.request(probe)
            self.assertEqual(reply.code, pb.Reply.OK, reply.error)
            got = sub.recv(timeout=2)
            if got and got[1].WhichOneof("body") == "outgoing":
                return cmd, sub

    def send_status(self, cmd, value):
        c = pb.Command()
        c.send_status.radio = "a"
        c.send_status.to.type = pb.IDENTITY_SSI
        c.send_status.to.ssi = B_SSI
        c.send_status.value = value
        reply = cmd.request(c)
        self.assertEqual(reply.code, pb.Reply.OK, reply.error)
        return reply.queued.message_id

    def send_text(self, cmd, text):
        c = pb.Command()
        c.send_text.radio = "a"
        c.send_text.to.type = pb.IDENTITY_SSI
        c.send_text.to.ssi = B_SSI
        c.send_text.text = text
        reply = cmd.request(c)
        self.assertEqual(reply.code, pb.Reply.OK, reply.error)

    def test_status_from_a_listed_issi_is_named(self):
        cmd, sub = self.clients()
        msg = self.send_status(cmd, 0x8002)
        ev = sub.wait_for(lambda t, e: t == "status.b" and e.status.value == 0x8002)
        st = ev.status
        self.assertEqual(st.calling.ssi, 1001)
        self.assertEqual(st.calling.name, "Sykepleier Nord")
        self.assertEqual(st.called.name, "Sykeheim Nord")
        self.assertEqual(st.name, "på vei")
        self.assertEqual(st.meaning, pb.MEANING_EN_ROUTE)
        # the sender's own steps name the destination
        out = sub.wait_for(lambda t, e: t == "outgoing.a" and e.outgoing.message_id == msg)
        self.assertEqual(out.outgoing.to.name, "Sykeheim Nord")
        # a value with a name and no meaning; an unlisted one
        self.send_status(cmd, 0x8005)
        ev = sub.wait_for(lambda t, e: t == "status.b" and e.status.value == 0x8005)
        self.assertEqual((ev.status.name, ev.status.meaning), ("ring AMK", pb.MEANING_NONE))
        self.send_status(cmd, 0x8007)
        ev = sub.wait_for(lambda t, e: t == "status.b" and e.status.value == 0x8007)
        self.assertEqual((ev.status.name, ev.status.meaning), ("", pb.MEANING_NONE))
        self.assertEqual(ev.status.calling.name, "Sykepleier Nord")

        # the journal holds the names: Replay gives them back
        c = pb.Command()
        c.replay.from_seq = ev.seq
        c.replay.max_events = 1
        reply = cmd.request(c)
        self.assertEqual(reply.code, pb.Reply.OK, reply.error)
        self.assertEqual(reply.replay.events[0].status.calling.name, "Sykepleier Nord")

        # tetractl prints them beside the raw values; --json carries them
        ep = ["--events", self.ep_ev, "--commands", self.ep_cmd]
        r = tetractl("replay", "--from", "1", *ep)
        self.assertEqual(r.returncode, 0, r.stderr)
        line = next(l for l in r.stdout.splitlines() if " status " in l and "0x8002" in l)
        self.assertRegex(line, r" b status #\d+ 0x8002 på vei 02420001600001001 \(Sykepleier Nord\)->"
                               r"\S+ \(Sykeheim Nord\)$")
        self.assertRegex(r.stdout, r" a outgoing #\d+ message \d+ status to 2001 \(Sykeheim Nord\) ")
        self.assertRegex(r.stdout, r" b status #\d+ 0x8007 02420001600001001 \(Sykepleier Nord\)->")
        r = tetractl("replay", "--from", str(ev.seq), "--count", "1", "--json", *ep)
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertEqual(j["status"]["calling"]["name"], "Sykepleier Nord")

    def test_text_answer_meanings(self):
        cmd, sub = self.clients()
        for text, meaning in [("  JA ", pb.MEANING_ACCEPT), ("Kan ikke", pb.MEANING_DECLINE),
                              ("Kommer om 10 min", pb.MEANING_ACCEPT), ("hei", pb.MEANING_NONE)]:
            with self.subTest(text=text):
                self.send_text(cmd, text)
                ev = sub.wait_for(lambda t, e: t == "text.b" and e.text.text == text)
                self.assertEqual(ev.text.meaning, meaning)
                self.assertEqual(ev.text.calling.name, "Sykepleier Nord")

    def test_vty_show(self):
        out = self.daemon.vty("show roster")
        self.assertIn("roster: 3 identities (at most 10000): 2 terminals, 1 group with 1 member in all", out)
        self.assertIn("status values: 3 (at most 1000), 2 with a meaning", out)
        self.assertIn("answers: 3 (at most 200): 2 fixed texts, 1 pattern", out)
        out = self.daemon.vty(f"show roster {B_SSI}")
        self.assertIn(f"identity {B_TSI}: Sykeheim Nord on line", out)
        out = self.daemon.vty("show roster 1001")
        self.assertIn("member of group 9001: LV-distrikt", out)
        self.assertIn("is not in the roster", self.daemon.vty("show roster 4242"))
        out = self.daemon.vty("show callout config")
        self.assertIn("call-outs: alert method text, 1 must accept, 2 re-alerts 40 s apart (X23)", out)
        self.assertIn(" severity 1 red: answer deadline 90 s, on scene within 1200 s (X21), plan lege", out)
        self.assertIn(" severity 2 yellow: answer deadline 120 s (X20)", out)
        self.assertIn("  level 1, deadline 120 s: 9001 (LV-distrikt, group)", out)
        out = self.daemon.vty("show timer callout")
        self.assertIn("X20 = 120 s", out)

    def test_zz_vty_changes(self):
        # last: it adds to the roster the other tests count
        outs = vty_session(self.vty_port, [
            "configure terminal", "roster",
            "identity 4444 name Lege Vest",
            "identity 4444 name Lege Vest 2",            # on the VTY: a rename
            "identity 123456789 name X",
            "status 0x7D00 name x",
            "exit", "callout",
            "plan natt level 2 deadline 60 responder 4444",
            "plan natt level 1 deadline 60 responder 5555",
            "plan natt level 1 deadline 60 responder 4444",
            "severity 4 name blue plan nowhere",
            "severity 4 name blue plan natt",
            "end", "show roster 4444", "show callout config"])
        self.assertIn("'123456789' is not an identity: an ISSI or GSSI is 1-8 digits", outs[4])
        self.assertIn("status 0x7D00: the values 0x7C00-0x7FFF are SDS-TL short reports", outs[5])
        self.assertIn("plan natt has no level 1 yet: levels are alerted one after the other", outs[8])
        self.assertIn("plan natt level 1: responder 5555 is not in the roster; list it there first", outs[9])
        self.assertNotIn("%", outs[10])
        self.assertIn("severity: plan nowhere is not configured", outs[11])
        self.assertNotIn("%", outs[12])
        self.assertIn("identity 4444: Lege Vest 2 (typed on the VTY)", outs[14])
        self.assertIn(" severity 4 blue: answer deadline 120 s (X20)", outs[15])
        self.assertIn("  level 1, deadline 60 s: 4444 (Lege Vest 2)", outs[15])
        out = self.daemon.vty("write terminal")
        self.assertIn(" identity 4444 name Lege Vest 2\r\n", out)
        self.assertIn(" plan natt level 1 deadline 60 responder 4444\r\n", out)
        self.assertNotIn("123456789", out)


class ConfigErrors(unittest.TestCase):
    """A config file the daemon cannot mean: it stops with the line and why."""

    CASES = [
        ("roster\n identity 1001 name A\n identity 1001 name B\n", 3,
         "identity 1001 is listed on line 8 already; give each identity once"),   # 8: after the 6 above
        ("roster\n status 0x8002 meaning underveis name på vei\n", 2, "'underveis' is not a meaning: say accept"),
        ("roster\n answer meaning accept pattern [ja\n", 2, "the pattern does not compile"),
        ("callout\n severity 1 name red plan nowhere\n", 2, "severity 1 (red) names plan nowhere"),
        ("roster\n identity 1 name A\ncallout\n plan p level 1 deadline 60 responder 1 responder 2\n", 4,
         "plan p level 1 names a responder the roster does not list (responder 2 of the level)"),
    ]

    def test_refused_with_line_and_sentence(self):
        with tempfile.TemporaryDirectory(prefix="tbroster.", dir="/tmp") as d:
            for text, line, reason in self.CASES:
                with self.subTest(text=text):
                    cfg = os.path.join(d, "bad.cfg")
                    with open(cfg, "w") as f:
                        f.write(f"bridge\n state-dir {d}/var\n events bind ipc://{d}/ev\n"
                                f" commands bind ipc://{d}/cmd\nline vty\n bind 127.0.0.1 0\n" + text)
                    r = subprocess.run([os.path.join(BUILD, "bridge", "tetra-bridged"), "-c", cfg],
                                       capture_output=True, text=True, timeout=60)
                    out = r.stdout + r.stderr
                    self.assertEqual(r.returncode, 1, out)
                    self.assertIn(f"bad.cfg line {line + 6} is wrong", out)
                    self.assertIn(reason, out)
                    self.assertNotIn("running", out)


if __name__ == "__main__":
    tbtest.main(globals())
