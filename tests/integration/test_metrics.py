#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Metrics against the real daemon: the Osmocom rate counters and stat
items, as libosmocore's stats reporter sends them to statsd and as the VTY
shows them.

The daemon runs with `stats reporter statsd` pointed at a UDP socket of
this test (an ephemeral port) and `stats interval 1`, CURVE on, and two
simulated radios. A scripted stream goes through it:

  * radio amb plays a scenario: 3 statuses, 2 texts and 3 lines that are
    no result code a decoder takes (2 nobody knows, 1 that does not
    decode);
  * a client sends 4 commands: two ListRadios and a SendStatus to radio
    peer (OK) and one that is not a Command (MALFORMED); the status ends
    SENT and peer hears it;
  * one subscriber with a listed key is admitted, one with a key the
    clients file does not list is refused by ZAP.

Then every counter the stream moved has the value the stream gives it in
statsd (the deltas added up), under the name the README lists; the
gauges' last values are right; statsd shows exactly the names the README
lists; `show stats` prints the same numbers, and `show radios` / `show
bridge` read the same counters.

Run by ctest: test_metrics.py BUILD_DIR SOURCE_DIR. No sleeps: every wait
is bounded and waits for a datagram, a reply or a log line.
"""

import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402

BUILD = SOURCE = None
pb = None

AMB_TSI, PEER_TSI = "02420001600003001", "02420001600005001"
PEER_SSI = 5001
AMK = "02420001600004001"

# 3 statuses, 2 texts; between them 2 lines no decoder knows and one
# +CTICN whose fields do not decode. It plays once (no loop): the last
# status is the last line, so when it is counted, everything is.
SCENARIO = f"""wait 100
+CTSDSR: 13,{AMK},1,{AMB_TSI},1,16
8005
hello world
+CTSDSR: 12,{AMK},1,{AMB_TSI},1,232
020152696E67204C56532D6C6567652070E5206B616E616C204C562D31
+CTSDSR: 13,{AMK},1,{AMB_TSI},1,16
8006
+CTICN: 1,x,0
NO CARRIER
+CTSDSR: 12,{AMK},1,{AMB_TSI},1,312
820231014DF8742076616B74686176656E6465206C65676520766564206C65676576616B74656E
+CTSDSR: 13,{AMK},1,{AMB_TSI},1,16
8007
"""

# A statsd line as libosmocore writes it: <prefix>.<group>.<index or
# name>.<counter>:<value>|c (a counter's increase since the last report)
# or |g (a stat item's value).
STATSD_LINE = re.compile(r"^(tetra\.[a-z_]+\.[A-Za-z0-9_-]+\.[a-z_.]+):(-?\d+)\|([cg])$")


class Statsd(threading.Thread):
    """A statsd server as far as the test needs one: every datagram on a UDP
    socket, counters added up, the last value of each gauge."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.counters = {}
        self.gauges = {}
        self.bad = []
        self.datagrams = 0
        self.cond = threading.Condition()
        self.stopping = False

    def run(self):
        self.sock.settimeout(0.5)
        while not self.stopping:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            with self.cond:
                self.datagrams += 1
                for line in data.decode(errors="replace").splitlines():
                    m = STATSD_LINE.match(line)
                    if not m:
                        self.bad.append(line)
                    elif m.group(3) == "c":
                        self.counters[m.group(1)] = self.counters.get(m.group(1), 0) + int(m.group(2))
                    else:
                        self.gauges[m.group(1)] = int(m.group(2))
                self.cond.notify_all()

    def counter(self, name):
        with self.cond:
            return self.counters.get(name, 0)

    def wait_for(self, predicate, what, timeout=30):
        """Until predicate(counters, gauges) holds (reports come every second)."""
        with self.cond:
            ok = self.cond.wait_for(lambda: predicate(self.counters, self.gauges), timeout)
            assert ok, f"statsd never showed {what}; counters {sorted(self.counters.items())}, " \
                       f"gauges {sorted(self.gauges.items())}"

    def wait_counter(self, name, value, timeout=30):
        self.wait_for(lambda c, g: c.get(name, 0) >= value, f"{name} = {value}", timeout)
        assert self.counter(name) == value, f"{name} is {self.counter(name)}, not {value}"

    def stop(self):
        self.stopping = True
        self.join(timeout=5)
        self.sock.close()


def write_config(d, vty_port, statsd_port):
    cfg = ["log stderr", " logging level all info", " logging color 0",
           "line vty", f" bind 127.0.0.1 {vty_port}",
           "stats interval 1",
           "stats reporter statsd",
           " remote-ip 127.0.0.1", f" remote-port {statsd_port}",
           " prefix tetra", " level global", " enable",
           "bridge", " id metrics-test",
           f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands",
           f" state-dir {d}/var",
           f" curve server-key {d}/server.key", f" curve clients {d}/clients.keys",
           # no keep-alive "AT" while the test runs: the PEI counters stand still
           " timer radio X1 3600",
           "radio amb", " transport sim", f" sim-identity {AMB_TSI}", f" simulate {d}/amb.scn",
           "radio peer", " transport sim", f" sim-identity {PEER_TSI}"]
    path = os.path.join(d, "bridge.cfg")
    with open(path, "w") as f:
        f.write("\n".join(cfg) + "\n")
    return path


def show_stats_groups(text):
    """`show stats` as {(group description, name or None): {description: value}}."""
    groups, cur = {}, None
    for line in text.replace("\r", "").splitlines():
        m = re.match(r"^(\S.*?) \((\d+)\)(?:\('([^']*)'\))?:$", line)
        if m:
            cur = groups.setdefault((m.group(1), m.group(3)), {})
            continue
        m = re.match(r"^ (.+?):\s+(-?\d+)( |$)", line)
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2))
    return groups


class Metrics(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tbmetrics.", dir="/tmp")
        cls.statsd = Statsd()
        cls.statsd.start()
        cls.server = tbtest.write_keypair(os.path.join(cls.dir, "server"))
        cls.admin = tbtest.write_keypair(os.path.join(cls.dir, "admin"))
        cls.stranger = tbtest.write_keypair(os.path.join(cls.dir, "stranger"))
        with open(os.path.join(cls.dir, "clients.keys"), "w") as f:
            f.write(f"admin {cls.admin[0]} test-admin\n")
        with open(os.path.join(cls.dir, "amb.scn"), "w") as f:
            f.write(SCENARIO)
        cls.vty_port = tbtest.free_port()
        cfg = write_config(cls.dir, cls.vty_port, cls.statsd.port)
        cls.daemon = tbtest.Daemon(BUILD, cfg, cls.vty_port)
        cls.daemon.start(online=2)
        cls.ctx = zmq.Context()
        try:
            cls.run_stream()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def run_stream(cls):
        st = cls.statsd
        # The scenario: its last line is the third status.
        st.wait_counter("tetra.events.amb.status", 3)

        # Commands: 3 OK, 1 malformed.
        cmd = tbtest.Commander(pb, cls.ctx, f"ipc://{cls.dir}/commands", cls.server[0], cls.admin)
        for _ in range(2):
            r = cmd.request(pb.Command(list_radios=pb.ListRadios()))
            assert r is not None and r.code == pb.Reply.OK, r
        c = pb.Command()
        c.send_status.radio = "amb"
        c.send_status.to.type = pb.IDENTITY_SSI
        c.send_status.to.ssi = PEER_SSI
        c.send_status.value = 0x8123
        r = cmd.request(c)
        assert r is not None and r.code == pb.Reply.OK, r
        r = cmd.request(raw=b"\xff\xff\xff")
        assert r is not None and r.code == pb.Reply.MALFORMED, r
        cmd.close()
        # The status ends SENT; peer hears it.
        st.wait_counter("tetra.outgoing.amb.final.sent", 1)
        st.wait_counter("tetra.events.peer.status", 1)

        # A subscriber the clients file lists, one it does not (which must
        # not try again: one refusal).
        sub = tbtest.Subscriber(pb, cls.ctx, f"ipc://{cls.dir}/events", cls.server[0], cls.admin)
        stranger = cls.ctx.socket(zmq.SUB)
        stranger.linger = 0
        stranger.setsockopt(zmq.RECONNECT_IVL, -1)
        stranger.curve_serverkey = cls.server[0].encode()
        stranger.curve_publickey = cls.stranger[0].encode()
        stranger.curve_secretkey = cls.stranger[1].encode()
        stranger.connect(f"ipc://{cls.dir}/events")
        st.wait_counter("tetra.zap.0.admitted", 2)    # the command client and sub
        st.wait_counter("tetra.zap.0.refused", 1)
        stranger.close()
        sub.close()

    @classmethod
    def tearDownClass(cls):
        cls.ctx.destroy(linger=0)
        cls.daemon.stop()
        cls.statsd.stop()
        shutil.rmtree(cls.dir)

    def vty_number(self, command, pattern):
        m = re.search(pattern, self.daemon.vty(command))
        self.assertIsNotNone(m, f"{pattern} not in `{command}`")
        return int(m.group(1))

    def test_statsd_counters(self):
        st = self.statsd
        want = {
            # events by kind, per radio
            "tetra.events.amb.radio": 1,            # online
            "tetra.events.amb.status": 3,
            "tetra.events.amb.text": 2,
            "tetra.events.peer.radio": 1,
            "tetra.events.peer.status": 1,          # the status amb sent
            # the garbage lines, per radio
            "tetra.link.amb.unknown_urcs": 2,
            "tetra.link.amb.decode_errors": 1,
            "tetra.link.amb.opens": 1,
            "tetra.link.amb.link_losses": 0,
            "tetra.pei.amb.at.timeouts": 0,
            # commands and replies by code
            "tetra.commands.0.received": 4,
            "tetra.commands.0.replies": 4,
            "tetra.commands.0.replies.ok": 3,
            "tetra.commands.0.replies.malformed": 1,
            "tetra.commands.0.replies.dropped": 0,
            # the outgoing queue: messages by final state
            "tetra.outgoing.amb.queued": 1,
            "tetra.outgoing.amb.final.sent": 1,
            "tetra.outgoing.amb.final.failed": 0,
            # ZAP
            "tetra.zap.0.admitted": 2,
            "tetra.zap.0.refused": 1,
            "tetra.zap.0.refused.unknown_key": 1,
            # the journal
            "tetra.journal.0.write_errors": 0,
        }
        for name, value in want.items():
            st.wait_counter(name, value)
        self.assertEqual(st.bad, [], "lines that are not statsd")
        # Every event has a seq, is written and published: as many as the
        # bridge has handed out.
        seqs = self.vty_number("show bridge", r"next seq (\d+)") - 1
        self.assertGreaterEqual(seqs, 3 + 2 + 1 + 1 + 1)
        st.wait_counter("tetra.journal.0.writes", seqs)
        st.wait_counter("tetra.pub.0.published", seqs)
        # What the PEI carried, as `show radios` prints it.
        for pattern, name in [(r"lines in (\d+)", "tetra.pei.amb.lines"),
                              (r"bytes in (\d+)", "tetra.pei.amb.bytes.in"),
                              (r" out (\d+),", "tetra.pei.amb.bytes.out"),
                              (r"commands (\d+)", "tetra.pei.amb.at.commands")]:
            value = self.vty_number("show radios amb", pattern)
            self.assertGreater(value, 0, name)
            st.wait_counter(name, value)

    def test_statsd_gauges(self):
        st = self.statsd
        st.wait_for(lambda c, g: g.get("tetra.outgoing.amb.waiting") == 0, "outgoing.amb.waiting = 0")
        st.wait_for(lambda c, g: g.get("tetra.zap.0.clients") == 1, "zap.0.clients = 1")
        st.wait_for(lambda c, g: g.get("tetra.journal.0.backlog") == 0, "journal.0.backlog = 0")
        st.wait_for(lambda c, g: g.get("tetra.journal.0.size.kib", 0) > 0, "journal.0.size.kib > 0")
        st.wait_for(lambda c, g: g.get("tetra.callout.0.open") == 0, "callout.0.open = 0")

    def test_show_stats(self):
        # After the counters above arrived (they only grow, and the stream
        # is over): the VTY prints the same values.
        self.statsd.wait_counter("tetra.zap.0.refused", 1)
        groups = show_stats_groups(self.daemon.vty("show stats"))
        events = groups[("Events published for a radio, by kind", "amb")]
        self.assertEqual(events["Status messages"], 3)
        self.assertEqual(events["Text messages"], 2)
        link = groups[("Radio link (opens, losses, result codes)", "amb")]
        self.assertEqual(link["Result codes no decoder knows"], 2)
        self.assertEqual(link["Result codes that did not decode"], 1)
        commands = groups[("Command socket (ZeroMQ ROUTER)", None)]
        self.assertEqual(commands["Commands received"], 4)
        self.assertEqual(commands["Replies with code OK"], 3)
        self.assertEqual(commands["Replies with code MALFORMED"], 1)
        outgoing = groups[("Outgoing queue of a radio", "amb")]
        self.assertEqual(outgoing["Messages done: sent (statuses, location requests, texts without a report)"],
                         1)
        self.assertEqual(outgoing["Messages queued, in flight or waiting for their reports"], 0)
        zap = groups[("CURVE clients checked by ZAP (both sockets)", None)]
        self.assertEqual(zap["Connections refused (any reason)"], 1)
        self.assertEqual(zap["Client keys in the clients file"], 1)
        self.assertIn("Event journal (SQLite)", {g for g, _ in groups})
        # show bridge reads the same counters.
        out = self.daemon.vty("show bridge")
        self.assertIn("4 received, 4 replies, 1 malformed, 0 refused by role, 0 replies dropped", out)
        self.assertIn("2 connections admitted, 1 refused", out)
        self.assertIn(" outgoing: 0 messages waiting", out)
        # and show radios: errors of amb, events of peer
        self.assertIn("errors: decode 1, unknown 2,", self.daemon.vty("show radios amb"))
        self.assertRegex(self.daemon.vty("show radios peer"), r"events 2\b")

    def test_readme_lists_every_name(self):
        """The README's table has exactly the names statsd shows (the
        reporter's first report carries every counter and stat item)."""
        with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
            rows = re.findall(r"^\| `(tetra\.[^`]+)` \| (counter|gauge) \|", f.read(), re.M)
        self.assertGreater(len(rows), 50)
        listed = {}
        for name, kind in rows:
            for radio in ("amb", "peer"):
                listed[name.replace("<radio>", radio)] = kind
        self.statsd.wait_counter("tetra.zap.0.refused", 1)
        with self.statsd.cond:
            shown = {n: "counter" for n in self.statsd.counters}
            shown.update({n: "gauge" for n in self.statsd.gauges})
        self.assertEqual(sorted(set(shown) - set(listed)), [], "in statsd, not in the README")
        self.assertEqual(sorted(set(listed) - set(shown)), [], "in the README, not in statsd")
        self.assertEqual(shown, listed)

    def test_write_terminal_keeps_the_reporter(self):
        out = self.daemon.vty("write terminal")
        for line in ["stats interval 1", "stats reporter statsd", " remote-ip 127.0.0.1",
                     f" remote-port {self.statsd.port}", " prefix tetra", " level global", " enable"]:
            self.assertIn(line + "\r\n", out)


if __name__ == "__main__":
    tbtest.main(globals())
