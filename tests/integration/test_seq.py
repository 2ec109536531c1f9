#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A seq, once published, is never given to another event: the real
daemon with a full disk.

The disk fills up for the daemon alone: it runs with a file size limit
(RLIMIT_FSIZE, raised again with prlimit when the test wants the disk back;
the daemon ignores SIGXFSZ, so a write past it fails with EFBIG like a full
disk). A simulated radio prints a status every 2 ms, a subscriber keeps
every event it receives (seq -> bytes).

  * stopped while the disk is full (SIGTERM, and kill -9): the events
    published from memory are gone; the next start continues after the
    highest seq ever published, says so with one `lost` event naming the
    range, and Replay answers that range with ReplayBatch.lost; every event
    the journal does give back is byte for byte what was published;
  * the disk comes back while the daemon runs: everything published from
    memory is stored, replay gives every event, nothing is lost.

Run by ctest: test_seq.py BUILD_DIR SOURCE_DIR. No sleeps: every wait is
bounded and waits for a log line, an event or a reply.
"""

import json
import os
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

SCENARIO = """# a status every 2 ms
+CTSDSR: 13,02420001600004001,1,02420001600003001,1,16
8005
wait 2
loop
"""
# Small enough to fill within a second of events; larger than what the
# daemon writes at start-up (the database, its WAL and shm, the seq mark).
FULL_AT = 600 * 1024


class Bridge(tbtest.Daemon):
    """tetra-bridged whose files may not grow past a limit."""

    def __init__(self, build, cfg_path, vty_port, fsize_limit=None):
        def preexec():
            if fsize_limit is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, resource.RLIM_INFINITY))
        super().__init__(build, cfg_path, vty_port, preexec)

    def disk_back(self):
        resource.prlimit(self.proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


class SeqTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tb-seq-")
        self.vty_port = tbtest.free_port()
        with open(os.path.join(self.dir, "fast.scn"), "w") as f:
            f.write(SCENARIO)
        self.cfg = tbtest.write_config(self.dir, "seq-test", self.vty_port,
                                       ["radio amb-1", " transport sim", " sim-identity 02420001600003001",
                                        f" simulate {self.dir}/fast.scn"], level="notice")
        self.ctx = zmq.Context()
        self.daemon = None

    def tearDown(self):
        if self.daemon and self.daemon.proc.poll() is None:
            self.daemon.kill9()
        self.ctx.term()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, limit=None):
        self.daemon = Bridge(BUILD, self.cfg, self.vty_port, limit)
        self.daemon.start(online=1)
        sub = tbtest.Subscriber(pb, self.ctx, f"ipc://{self.dir}/events")
        cmd = tbtest.Commander(pb, self.ctx, f"ipc://{self.dir}/commands")
        return sub, cmd

    def collect_until(self, sub, seen, predicate, timeout=60):
        """Receive events into seen (seq -> raw) until predicate() holds."""
        while not predicate():
            got = sub.recv(timeout)
            self.assertIsNotNone(got, "no event within the wait")
            _, ev, raw = got
            self.assertNotIn(ev.seq, seen, f"seq {ev.seq} published twice")
            seen[ev.seq] = raw

    def failing_seq(self):
        """The seq the journal first failed to write, from its log."""
        for line in self.daemon.log.lines:
            if "cannot write event seq" in line:
                return int(line.split("cannot write event seq ")[1].split(":")[0])
        return None

    def replay_all(self, cmd):
        """Every event and lost range the journal gives from seq 1."""
        events, lost, nxt = {}, [], 1
        while True:
            c = pb.Command()
            c.replay.from_seq = nxt
            c.replay.max_events = 1000
            r = cmd.request(c)
            self.assertIsNotNone(r)
            self.assertEqual(r.code, pb.Reply.OK, r.error)
            for ev in r.replay.events:
                events[ev.seq] = ev.SerializeToString()
            lost += [(x.first_seq, x.last_seq, x.reason) for x in r.replay.lost]
            self.assertGreaterEqual(r.replay.next_seq, nxt)
            if not r.replay.more:
                return events, lost
            nxt = r.replay.next_seq

    def run_full_disk_then_stop(self, stop):
        sub, cmd = self.start(limit=FULL_AT)
        seen = {}
        # Until the disk is full and 50 events were published from memory.
        self.collect_until(sub, seen, lambda: self.failing_seq() is not None and
                           max(seen, default=0) >= self.failing_seq() + 50)
        first_unstored = self.failing_seq()
        self.assertIn("events wait in memory", self.daemon.log.text())
        sub.close()
        cmd.close()
        stop()
        published_max = max(seen)

        sub, cmd = self.start()   # the disk is back
        # Published at start-up, before any subscriber could connect: the
        # journal has it (and the live stream goes on after it).
        nxt = sub.wait_for(lambda t, ev: True)
        self.assertGreater(nxt.seq, published_max, "a seq was given again")
        events, lost = self.replay_all(cmd)
        lost_evs = [pb.Event.FromString(r) for r in events.values()]
        lost_evs = [ev for ev in lost_evs if ev.WhichOneof("body") == "lost"]
        self.assertEqual(len(lost_evs), 1)
        lost_ev = lost_evs[0]
        self.assertGreater(lost_ev.seq, published_max, "a seq was given again")
        self.assertEqual(lost_ev.lost.first_seq, first_unstored)
        self.assertGreaterEqual(lost_ev.lost.last_seq, published_max)
        self.assertEqual(lost_ev.lost.last_seq, lost_ev.seq - 1)
        self.assertIn("could not store them", lost_ev.lost.reason)
        self.assertEqual(lost_ev.radio, "")

        self.assertEqual(lost, [(lost_ev.lost.first_seq, lost_ev.lost.last_seq, lost_ev.lost.reason)])
        for seq, raw in seen.items():
            if seq < first_unstored:
                self.assertEqual(events.get(seq), raw, f"seq {seq} replayed differently")
            else:
                self.assertNotIn(seq, events, f"seq {seq} was lost but replays")
        # Every seq up to the newest is an event or in the lost range: no hole.
        newest = max(events)
        for seq in range(1, newest + 1):
            self.assertTrue(seq in events or lost_ev.lost.first_seq <= seq <= lost_ev.lost.last_seq, seq)
        self.assertIn(lost_ev.seq, events)

        # tetractl watch across the hole: the events around it, and why
        # the ones in it never come.
        out = subprocess.run([os.path.join(BUILD, "tools", "tetractl"), "watch", "--json",
                              "--from", str(first_unstored - 1), "--count", "3", "--timeout", "30",
                              "--events", f"ipc://{self.dir}/events", "--commands", f"ipc://{self.dir}/commands"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"gap: missed events {first_unstored}-{lost_ev.lost.last_seq} from bridge seq-test "
                      f"(lost: {lost_ev.lost.reason})", out.stderr)
        got = [int(json.loads(line)["seq"]) for line in out.stdout.splitlines()]
        self.assertEqual(got[:2], [first_unstored - 1, lost_ev.seq])
        sub.close()
        cmd.close()
        self.daemon.stop()

    def test_sigterm_while_the_disk_is_full(self):
        def stop():
            self.daemon.stop()
            self.assertIn("not written", self.daemon.log.text())
        self.run_full_disk_then_stop(stop)

    def test_kill9_while_the_disk_is_full(self):
        self.run_full_disk_then_stop(lambda: self.daemon.kill9())

    def test_disk_comes_back(self):
        sub, cmd = self.start(limit=FULL_AT)
        seen = {}
        self.collect_until(sub, seen, lambda: self.failing_seq() is not None and
                           max(seen, default=0) >= self.failing_seq() + 50)
        self.daemon.disk_back()
        self.daemon.log.wait_for(lambda ls: any("writing again" in l for l in ls))
        mark = max(seen) + 20
        self.collect_until(sub, seen, lambda: max(seen) >= mark)
        events, lost = self.replay_all(cmd)
        self.assertEqual(lost, [])
        for seq, raw in seen.items():
            self.assertEqual(events.get(seq), raw, f"seq {seq} replayed differently")
        self.assertFalse(any(ev for ev in (pb.Event.FromString(r) for r in events.values())
                             if ev.WhichOneof("body") == "lost"))
        sub.close()
        cmd.close()
        self.daemon.stop()


if __name__ == "__main__":
    tbtest.main(globals())
