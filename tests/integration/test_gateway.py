#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Gateways, the roster and the counters against the real tetra-bridged
(CURVE, two simulated radios, examples/demo.cfg's roster and call-out
config):

  * a key marked `gateway` in the clients file creates a call-out on
    behalf of kari (a dispatcher): the call-out's created_by, its history's
    `by` and the log name kari@<key name>; it closes it for another person;
  * a key not marked gateway that sends on_behalf_of gets NOT_ALLOWED, and
    nothing is created;
  * the gateway (a dispatcher key) acting for an observer gets NOT_ALLOWED
    for CalloutCreate, and an observer gateway acting for a dispatcher
    too (the lower role counts): nothing is created;
  * a person's name or role that is not valid: INVALID_ARGUMENT;
  * RosterList returns demo.cfg's roster: names, the group and its
    members, statuses with names and meanings, severities, plans, radios;
  * StatsList returns the command socket's counters, and they move;
  * `tetractl roster` and `tetractl stats` print them.

Run by ctest: test_gateway.py BUILD_DIR SOURCE_DIR. No sleeps: every wait is
bounded and waits for a reply or a log line.
"""

import os
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

A_TSI, B_TSI = "02420001600001001", "02420001600002001"


def demo_nodes(*nodes):
    """The lines of these top-level nodes of examples/demo.cfg, and the
    roster's names in config order (identity and group lines)."""
    with open(os.path.join(SOURCE, "examples", "demo.cfg"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    out, node = [], None
    for line in lines:
        if not line.strip() or line.lstrip().startswith("!"):
            continue
        if not line.startswith(" "):
            node = line.split()[0]
        if node in nodes:
            out.append(line)
    return out


def roster_names(lines):
    """{identity as written: name} of the roster lines, and the groups'
    members {group: [member as written]}."""
    names, members, node = {}, {}, None
    for line in lines:
        if not line.startswith(" "):
            node = line.split()[0]
            continue
        words = line.split()
        if node != "roster" or words[0] not in ("identity", "group"):
            continue
        if words[2] == "name":
            names[words[1]] = line.split(" name ", 1)[1]
        elif words[2] == "member":
            members.setdefault(words[1], []).append(words[3])
    return names, members


def written(ident):
    """An Identity as the config writes it: 17 digits for a TSI, else the SSI."""
    if ident.type == pb.IDENTITY_TSI:
        return f"{ident.mcc:04d}{ident.mnc:05d}{ident.ssi:08d}"
    return str(ident.ssi)


class Gateway(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = d = tempfile.mkdtemp(prefix="tbgw-d.", dir="/tmp")
        cls.keys = {}
        for name in ["bridge", "web", "amk", "obsweb"]:
            cls.keys[name] = tbtest.write_keypair(os.path.join(d, name))
        with open(os.path.join(d, "clients"), "w") as f:
            f.write(f"dispatcher {cls.keys['web'][0]} tetra-web gateway   # the web console\n"
                    f"dispatcher {cls.keys['amk'][0]} amk-1\n"
                    f"observer {cls.keys['obsweb'][0]} lvs-web gateway\n")
        cls.events, cls.commands = f"ipc://{d}/events", f"ipc://{d}/commands"
        os.mkdir(os.path.join(d, "state"))
        vty_port = tbtest.free_port()
        cls.demo = demo_nodes("roster", "callout")
        cfg = ["log stderr", " logging level all info", " logging color 0",
               "line vty", f" bind 127.0.0.1 {vty_port}",
               "bridge", " id gw-test", f" events bind {cls.events}", f" commands bind {cls.commands}",
               f" state-dir {d}/state", f" curve server-key {d}/bridge.key", f" curve clients {d}/clients",
               "radio a", " transport sim", f" sim-identity {A_TSI}",
               "radio b", " transport sim", f" sim-identity {B_TSI}"] + cls.demo
        path = os.path.join(d, "bridge.cfg")
        with open(path, "w", encoding="utf-8") as f:
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

    def commander(self, who):
        c = tbtest.Commander(pb, self.ctx, self.commands, self.keys["bridge"][0], self.keys[who])
        self.addCleanup(c.close)
        return c

    def request(self, c, cmd, code=None):
        code = pb.Reply.OK if code is None else code
        r = c.request(cmd)
        self.assertIsNotNone(r, "no reply")
        self.assertEqual(r.code, code, r.error)
        if code != pb.Reply.OK:
            self.assertTrue(r.error)            # a sentence for people
            self.assertIsNone(r.WhichOneof("result"))
        return r

    @staticmethod
    def create_cmd(person=None, role=None):
        cmd = pb.Command()
        cmd.callout_create.radio = "a"
        cmd.callout_create.severity = 2
        cmd.callout_create.text = "Test, Storgata 5"
        cmd.callout_create.responders.add(ssi=2004)
        cmd.callout_create.override = True
        if person is not None:
            cmd.on_behalf_of.name = person
            cmd.on_behalf_of.role = pb.ROLE_DISPATCHER if role is None else role
        return cmd

    def board_ids(self):
        cmd = pb.Command()
        cmd.callout_board.after_id = 0
        r = self.request(self.commander("amk"), cmd)
        self.assertFalse(r.board.more)
        return [c.id for c in r.board.callouts]

    def test_gateway_acts_for_a_person(self):
        web = self.commander("web")
        r = self.request(web, self.create_cmd("kari"))
        co = r.callout
        self.assertEqual(co.created_by, "kari@tetra-web")
        self.assertEqual(co.created_role, "dispatcher")

        show = pb.Command()
        show.callout_show.id = co.id
        d = self.request(web, show).callout_detail
        self.assertEqual(d.callout.created_by, "kari@tetra-web")
        created = [h.change for h in d.history if h.change.kind == pb.CalloutChange.CREATED]
        self.assertEqual([c.by for c in created], ["dispatcher:kari@tetra-web"])
        self.daemon.log.wait_for(lambda ls: any(f"command callout_create #{r.request_id} from kari@tetra-web: ok"
                                                in line for line in ls))

        # an admin at the gateway acts as no more than the key (dispatcher)
        close = pb.Command()
        close.callout_close.id = co.id
        close.callout_close.outcome = pb.OUTCOME_NOT_NEEDED
        close.callout_close.reason = "test"
        close.on_behalf_of.name = "ola.n"
        close.on_behalf_of.role = pb.ROLE_ADMIN
        r = self.request(web, close)
        self.assertEqual(r.callout.closed_by, "dispatcher:ola.n@tetra-web")

        # the key itself, without a person: its own name
        r = self.request(web, self.create_cmd())
        self.assertEqual(r.callout.created_by, "tetra-web")
        cancel = pb.Command()
        cancel.callout_cancel.id = r.callout.id
        self.request(web, cancel)

    def test_key_not_marked_gateway_may_not(self):
        before = self.board_ids()
        amk = self.commander("amk")
        r = self.request(amk, self.create_cmd("kari"), pb.Reply.NOT_ALLOWED)
        self.assertIn("gateway", r.error)
        lr = pb.Command()
        lr.list_radios.SetInParent()
        lr.on_behalf_of.name = "kari"
        lr.on_behalf_of.role = pb.ROLE_OBSERVER
        self.request(amk, lr, pb.Reply.NOT_ALLOWED)
        self.assertEqual(self.board_ids(), before)

    def test_the_lower_role_counts(self):
        before = self.board_ids()
        # a dispatcher key for an observer
        r = self.request(self.commander("web"), self.create_cmd("per", pb.ROLE_OBSERVER), pb.Reply.NOT_ALLOWED)
        self.assertIn("per@tetra-web", r.error)
        # an observer key for a dispatcher
        obsweb = self.commander("obsweb")
        r = self.request(obsweb, self.create_cmd("kari", pb.ROLE_DISPATCHER), pb.Reply.NOT_ALLOWED)
        self.assertIn("kari@lvs-web", r.error)
        self.assertEqual(self.board_ids(), before)
        # what the observer may, the observer gateway may for a dispatcher
        lr = pb.Command()
        lr.list_radios.SetInParent()
        lr.on_behalf_of.name = "kari"
        lr.on_behalf_of.role = pb.ROLE_DISPATCHER
        r = self.request(obsweb, lr)
        self.assertEqual(sorted(x.name for x in r.radios.radios), ["a", "b"])

    def test_a_person_not_valid(self):
        web = self.commander("web")
        for name, role in [("", pb.ROLE_DISPATCHER), ("kari@x", pb.ROLE_DISPATCHER),
                           ("kåri", pb.ROLE_DISPATCHER), ("k" * 64, pb.ROLE_DISPATCHER),
                           ("kari", pb.ROLE_NONE)]:
            with self.subTest(name=name, role=role):
                self.request(web, self.create_cmd(name, role), pb.Reply.INVALID_ARGUMENT)

    def test_roster(self):
        names, members = roster_names(self.demo)
        for who in ["obsweb", "amk"]:
            cmd = pb.Command()
            cmd.roster.SetInParent()
            r = self.request(self.commander(who), cmd)
            self.assertEqual(r.error, "")
            ro = r.roster
            self.assertEqual({written(e.identity): e.identity.name for e in ro.identities}, names)
            self.assertEqual([written(e.identity) for e in ro.identities], list(names))   # config order
            groups = {written(e.identity): [written(m) for m in e.members] for e in ro.identities if e.group}
            self.assertEqual(groups, members)
            self.assertEqual(groups["9001"], ["1002", "02420001600002002", "02420001600002003", "2004"])
            st = {s.value: (s.name, s.meaning) for s in ro.statuses}
            self.assertEqual(st[0x8000], ("kommer", pb.MEANING_ACCEPT))
            self.assertEqual(st[0x8002], ("på vei", pb.MEANING_EN_ROUTE))
            self.assertEqual(st[0x8005], ("ring AMK", pb.MEANING_NONE))
            self.assertEqual(len(st), 7)
            sev = {s.severity: s.name for s in ro.severities}
            self.assertEqual(sorted(sev), list(range(1, 16)))
            self.assertEqual((sev[1], sev[2], sev[3], sev[4]), ("red", "yellow", "green", ""))
            self.assertEqual(list(ro.plans), ["bakvakt"])
            self.assertEqual(list(ro.radios), ["a", "b"])

    def stats(self, c):
        cmd = pb.Command()
        cmd.stats.SetInParent()
        r = self.request(c, cmd)
        self.assertEqual(r.error, "")
        return {(v.group, v.index, v.name): v for v in r.stats.values}

    def test_stats(self):
        c = self.commander("obsweb")
        first = self.stats(c)
        received = first[("commands", 0, "received")]
        self.assertFalse(received.gauge)
        self.assertEqual(received.description, "Commands received")
        self.assertGreaterEqual(received.value, 1)
        self.assertEqual(first[("zap", 0, "clients")].value, 3)       # the clients file's keys
        self.assertTrue(first[("zap", 0, "clients")].gauge)
        radios = {v.group_name for v in first.values() if v.group_name}
        self.assertTrue({"a", "b"} <= radios, radios)
        # the counters move: this StatsList and a refused command
        self.request(c, self.create_cmd("kari"), pb.Reply.NOT_ALLOWED)
        second = self.stats(c)
        self.assertGreaterEqual(second[("commands", 0, "received")].value, received.value + 2)
        self.assertGreaterEqual(second[("commands", 0, "replies:not_allowed")].value,
                                first[("commands", 0, "replies:not_allowed")].value + 1)

    def tetractl(self, *args):
        r = subprocess.run([os.path.join(BUILD, "tools", "tetractl"), *args, "--commands", self.commands,
                            "--key", os.path.join(self.dir, "obsweb.key"),
                            "--server-key", os.path.join(self.dir, "bridge.pub")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stderr, "")
        return r.stdout

    def test_tetractl(self):
        out = self.tetractl("roster")
        self.assertIn("\n  02420001600002002 (Sykepleier Nord)\n", out)
        self.assertIn("\n  9001 (LV-distrikt)  group: 1002, 02420001600002002, 02420001600002003, 2004\n", out)
        self.assertIn("\n  0x8002  på vei  (en-route)\n", out)
        self.assertIn("\n  0x8005  ring AMK\n", out)
        self.assertIn("\n  1   red\n", out)
        self.assertIn("\nplans: bakvakt\nradios: a b\n", out)
        lines = self.tetractl("stats").splitlines()
        values = dict(line.split("=", 1) for line in lines)
        self.assertGreaterEqual(int(values["commands.0.received"]), 1)
        self.assertEqual(values["zap.0.clients"], "3")
        self.assertIn("pei.a.at:timeouts", values)


if __name__ == "__main__":
    tbtest.main(globals())
