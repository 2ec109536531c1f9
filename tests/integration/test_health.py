#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`tetractl health` against the real tetra-bridged: each state produced
for real, its exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) and its
one line with perfdata, as a monitoring system runs it.

  * all well: a simulated radio online;
  * a radio offline (a tty radio whose device is missing) beside one
    online: WARNING; that one alone: CRITICAL;
  * the journal failing (the daemon runs with a file size limit, which
    fails its writes like a full disk: events wait in memory): CRITICAL,
    and OK again when the limit is lifted;
  * an outgoing message retrying (the terminal answers busy): WARNING;
  * a call-out nobody answers (`responder ... never`, no re-alerts,
    `timer callout X23 5`, its least): the escalation alarm, CRITICAL until it is
    acknowledged; one staffed but nobody on scene within its target
    (`on-scene 1`): overdue, WARNING;
  * no daemon: UNKNOWN within the timeout; a wrong command line: UNKNOWN.

Health data (the call-out's text, the responders' SSIs) is never in the
line. Run by ctest: test_health.py BUILD_DIR SOURCE_DIR. Every wait is
bounded and waits for an event or a log line, never a sleep.
"""

import os
import re
import resource
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

A_TSI = "02420001600001001"
TEXT = "Brystsmerter, Storgata 5"
LINE = re.compile(r"^TETRA-BRIDGE (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| [^\n]+)?\n$")
PERFDATA = ["radios_online", "radios_configured", "journal_backlog", "journal_lost", "messages_waiting",
            "messages_retrying", "messages_overdue", "callouts_open", "callouts_overdue", "callouts_escalated",
            "callouts_alarms"]


def ctl(*args, timeout=60):
    return subprocess.run([os.path.join(BUILD, "tools", "tetractl"), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=ENV)


class Bridge(tbtest.Daemon):
    """tetra-bridged whose files may not grow past a limit (None: no limit)."""

    def __init__(self, cfg_path, vty_port, fsize_limit=None):
        def preexec():
            if fsize_limit is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, resource.RLIM_INFINITY))
        super().__init__(BUILD, cfg_path, vty_port, preexec)

    def disk_back(self):
        resource.prlimit(self.proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


class HealthTest(unittest.TestCase):
    def setUp(self):
        # Cleanups run last first: the sockets close, then the daemon stops,
        # then the context ends and the folder goes.
        self.dir = tempfile.mkdtemp(prefix="tb-health.", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.ctx = zmq.Context()
        self.addCleanup(self.ctx.term)
        self.daemon = None
        self.addCleanup(self.stop)

    def stop(self):
        if self.daemon and self.daemon.proc.poll() is None:
            self.daemon.stop()

    def start(self, config, online, fsize_limit=None, scenario=None):
        if scenario is not None:
            with open(os.path.join(self.dir, "a.scn"), "w") as f:
                f.write(scenario)
        vty_port = tbtest.free_port()
        cfg = tbtest.write_config(self.dir, "health-test", vty_port, config, level="notice")
        self.daemon = Bridge(cfg, vty_port, fsize_limit)
        self.daemon.start(online=online)

    def sim_radio(self, scenario=False):
        return ["radio a", " transport sim", f" sim-identity {A_TSI}"] + \
            ([f" simulate {self.dir}/a.scn"] if scenario else [])

    def missing_tty_radio(self):
        return ["radio t", f" transport tty {self.dir}/no-such-tty"]

    def health(self, *extra, commands=None):
        """(exit status, the line) of `tetractl health`, checked for its form."""
        r = ctl("health", "--commands", commands or f"ipc://{self.dir}/commands", *extra)
        self.assertEqual(r.returncode in (0, 1, 2, 3), True, r.stdout + r.stderr)
        self.assertRegex(r.stdout, LINE)
        self.assertEqual(r.stdout.split(" ")[1], ["OK", "WARNING", "CRITICAL", "UNKNOWN"][r.returncode])
        self.assertNotIn(TEXT, r.stdout)
        if r.returncode != 3:
            perf = r.stdout.split(" | ")[1].split()
            self.assertEqual([p.split("=")[0] for p in perf], PERFDATA)
            for p in perf:
                self.assertRegex(p, r"^[a-z_]+=\d+c?(;[0-9:]*){0,4}$")
        return r.returncode, r.stdout

    def subscribe(self):
        sub = tbtest.Subscriber(pb, self.ctx, f"ipc://{self.dir}/events")
        self.addCleanup(sub.close)
        return sub

    # ---- radios -------------------------------------------------------------

    def test_all_well(self):
        self.start(self.sim_radio(), online=1)
        rc, line = self.health()
        self.assertEqual(rc, 0, line)
        self.assertRegex(line, r"^TETRA-BRIDGE OK - 1 of 1 radio online, journal writable \(last seq \d+\), "
                               r"0 outgoing messages waiting, 0 call-outs open \| radios_online=1;1:;1:;0;1 ")
        r = ctl("health", "--commands", f"ipc://{self.dir}/commands", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"status":"HEALTH_OK"', r.stdout)

    def test_radio_offline_warns(self):
        self.start(self.sim_radio() + self.missing_tty_radio(), online=1)
        rc, line = self.health()
        self.assertEqual(rc, 1, line)
        self.assertIn(f"WARNING - radio t is offline (cannot open {self.dir}/no-such-tty", line)
        self.assertIn("radios_online=1;2:;1:;0;2 radios_configured=2;", line)

    def test_no_radio_online_is_critical(self):
        self.start(self.missing_tty_radio(), online=0)
        rc, line = self.health()
        self.assertEqual(rc, 2, line)
        self.assertIn("CRITICAL - radio t is offline", line)
        self.assertIn("no radio is online", line)

    # ---- journal ------------------------------------------------------------

    def test_journal_failing_is_critical(self):
        # a status every 2 ms; the files may not grow past 600 KiB
        scenario = "+CTSDSR: 13,02420001600004001,1,02420001600001001,1,16\n8005\nwait 2\nloop\n"
        self.start(self.sim_radio(scenario=True), online=1, fsize_limit=600 * 1024, scenario=scenario)
        self.daemon.log.wait_for(lambda ls: any("events wait in memory" in l for l in ls), timeout=120)
        rc, line = self.health()
        self.assertEqual(rc, 2, line)
        self.assertRegex(line, r"CRITICAL - the journal cannot write: \d+ events wait in memory")
        self.assertIn(f"free space on the disk that holds {self.dir}/var", line)
        self.assertRegex(line, r"journal_backlog=[1-9]\d*;;0;0")

        self.daemon.disk_back()
        self.daemon.log.wait_for(lambda ls: any("writing again" in l for l in ls), timeout=60)
        rc, line = self.health()
        self.assertEqual(rc, 0, line)

    # ---- outgoing -----------------------------------------------------------

    def test_retrying_warns(self):
        self.start(self.sim_radio(scenario=True), online=1, scenario="busy 100000\n")
        sub = self.subscribe()
        # a subscriber that surely hears: it sees the radio's info after the send
        r = ctl("send-status", "a", "2002", "0x8001", "--commands", f"ipc://{self.dir}/commands",
                "--events", f"ipc://{self.dir}/events")
        self.assertEqual(r.returncode, 0, r.stderr)
        sub.wait_for(lambda t, e: e.WhichOneof("body") == "outgoing"
                     and e.outgoing.state == pb.Outgoing.RETRYING, timeout=60)
        rc, line = self.health()
        self.assertEqual(rc, 1, line)
        self.assertIn("WARNING - radio a: 1 outgoing message retrying", line)
        self.assertIn("messages_waiting=1;;;0 messages_retrying=1;0;;0", line)

    # ---- call-outs ----------------------------------------------------------

    def callout_bridge(self):
        scenario = "responder 2001 never\nresponder 2002 at 0.1 accept status 0x8001\n"
        # (the timer is the bridge node's: before the radio)
        self.start([" timer callout X23 5"] + self.sim_radio(scenario=True) +
                   ["roster", " status 0x8001 meaning accept name kommer",
                    "callout", " realerts 0", " severity 1 name red deadline 600",
                    " severity 2 name amber deadline 600 on-scene 1"],
                   online=1, scenario=scenario)

    def callout(self, *args):
        r = ctl("callout", *args, "--commands", f"ipc://{self.dir}/commands", "--events",
                f"ipc://{self.dir}/events")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def wait_change(self, sub, kind):
        return sub.wait_for(lambda t, e: e.WhichOneof("body") == "callout" and e.callout.kind == kind, timeout=60)

    def test_callout_alarm_is_critical_until_acknowledged(self):
        self.callout_bridge()
        sub = self.subscribe()
        out = self.callout("create", "a", "1", TEXT, "2001", "--json")
        cid = int(re.search(r'"id":"(\d+)"', out).group(1))
        self.wait_change(sub, pb.CalloutChange.ALARM)
        rc, line = self.health()
        self.assertEqual(rc, 2, line)
        self.assertIn(f"CRITICAL - call-out {cid} (red, via a, open 0 min): the escalation alarm is on and not "
                      "acknowledged", line)
        self.assertIn("callouts_open=1;;;0", line)
        self.assertIn("callouts_alarms=1;;0;0", line)
        self.assertNotIn("2001", line)

        self.callout("ack", cid, "--reason", "calling round by phone")
        rc, line = self.health()
        self.assertEqual(rc, 0, line)
        self.assertIn("callouts_alarms=0;;0;0", line)

    def test_callout_overdue_warns(self):
        self.callout_bridge()
        sub = self.subscribe()
        out = self.callout("create", "a", "2", TEXT, "2002", "--json")
        cid = int(re.search(r'"id":"(\d+)"', out).group(1))
        self.wait_change(sub, pb.CalloutChange.OVERDUE)
        rc, line = self.health()
        self.assertEqual(rc, 1, line)
        self.assertIn(f"WARNING - call-out {cid} (amber, via a, open 0 min) is overdue: nobody on scene within "
                      "its target", line)
        self.assertIn("callouts_overdue=1;0;;0", line)
        self.assertNotIn("2002", line)

    # ---- no answer ----------------------------------------------------------

    def test_no_daemon_is_unknown(self):
        rc, line = self.health("-T", "1", commands=f"ipc://{self.dir}/nobody")
        self.assertEqual(rc, 3, line)
        self.assertIn(f"UNKNOWN - no reply from the bridge at ipc://{self.dir}/nobody within 1 s", line)

    def test_wrong_command_line_is_unknown(self):
        r = ctl("health", "--no-such-option")
        self.assertEqual(r.returncode, 3)
        self.assertRegex(r.stdout, r"^TETRA-BRIDGE UNKNOWN - wrong command line")
        r = ctl("health", "extra")
        self.assertEqual(r.returncode, 3)


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pb = tbtest.load_pb2(BUILD)
    home = tempfile.mkdtemp(prefix="tb-health-home.", dir="/tmp")
    ENV = {k: v for k, v in os.environ.items() if not k.startswith("TETRA_BRIDGE_")}
    ENV.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
    try:
        unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]])
    finally:
        shutil.rmtree(home, ignore_errors=True)
