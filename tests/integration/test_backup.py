#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Journal backups against the real tetra-bridged while a simulated radio
streams (a status every 2 ms), with CURVE keys and roles:

  * `tetractl backup FILE` (admin) returns when the copy is done; the copy
    holds every event from seq 1 up to its last seq, gap-free, each byte
    for byte as the subscriber received it, while the stream went on; the
    file is 0600 and a database of its own (read with Python's sqlite3);
  * refused with a sentence: a relative path, an existing file, an
    observer's key (which may still ask `tetractl health`);
  * `journal backup FILE` on the VTY, followed with `show journal backups`;
  * the restore as README.md says it: stop the daemon, the copy over the
    journal's file, start: Replay gives every event of the copy, the seqs
    published after it are one lost range, and the stream goes on after
    the last seq ever published, never giving one twice.

Run by ctest: test_backup.py BUILD_DIR SOURCE_DIR. Every wait is bounded
and waits for an event, a reply or a log line; never a sleep.
"""

import json
import os
import shutil
import sqlite3
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
SCENARIO = """# a status every 2 ms
+CTSDSR: 13,02420001600004001,1,02420001600001001,1,16
8005
wait 2
loop
"""


def ctl(*args, timeout=120):
    return subprocess.run([os.path.join(BUILD, "tools", "tetractl"), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=ENV)


class BackupTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = d = tempfile.mkdtemp(prefix="tb-backup.", dir="/tmp")
        cls.keys = {name: tbtest.write_keypair(os.path.join(d, name)) for name in ["bridge", "obs", "adm"]}
        with open(os.path.join(d, "clients"), "w") as f:
            f.write(f"observer {cls.keys['obs'][0]} nagios\nadmin {cls.keys['adm'][0]} drift\n")
        with open(os.path.join(d, "fast.scn"), "w") as f:
            f.write(SCENARIO)
        cls.backups = os.path.join(d, "backups")
        os.mkdir(cls.backups)
        cls.vty_port = tbtest.free_port()
        cls.cfg = tbtest.write_config(d, "backup-test", cls.vty_port,
                                      [f" curve server-key {d}/bridge.key", f" curve clients {d}/clients",
                                       "radio a", " transport sim", f" sim-identity {A_TSI}",
                                       f" simulate {d}/fast.scn"], level="notice")
        cls.ctx = zmq.Context()

    @classmethod
    def tearDownClass(cls):
        cls.ctx.term()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.daemon = None
        self.addCleanup(self.stop)

    def stop(self):
        if self.daemon and self.daemon.proc.poll() is None:
            self.daemon.stop()

    def start(self):
        self.daemon = tbtest.Daemon(BUILD, self.cfg, self.vty_port)
        self.daemon.start(online=1)

    def as_(self, who):
        return ["--events", f"ipc://{self.dir}/events", "--commands", f"ipc://{self.dir}/commands",
                "--key", os.path.join(self.dir, who + ".key"), "--server-key", os.path.join(self.dir, "bridge.pub")]

    def subscribe(self):
        sub = tbtest.Subscriber(pb, self.ctx, f"ipc://{self.dir}/events", self.keys["bridge"][0],
                                self.keys["obs"])
        self.addCleanup(sub.close)
        return sub

    def collect(self, sub, seen, until):
        """Events into seen (seq -> raw bytes) until seq `until` came."""
        while max(seen, default=0) < until:
            got = sub.recv(timeout=60)
            self.assertIsNotNone(got, "the stream stopped")
            seen[got[1].seq] = got[2]

    def events_in(self, path):
        """seq -> body of every event in a database file, read with sqlite3."""
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            self.assertEqual(db.execute("PRAGMA journal_mode").fetchone()[0], "delete")
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            return dict(db.execute("SELECT seq, body FROM events ORDER BY seq"))
        finally:
            db.close()

    def test_a_backup_during_the_stream_restores(self):
        self.start()
        sub = self.subscribe()
        seen = {}
        first = sub.recv(timeout=60)
        self.assertIsNotNone(first)
        seen[first[1].seq] = first[2]
        self.collect(sub, seen, first[1].seq + 300)

        # an observer may check, not back up
        r = ctl("health", *self.as_("obs"))
        self.assertIn(r.returncode, (0, 1), r.stdout)
        r = ctl("backup", f"{self.backups}/obs.db", *self.as_("obs"))
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^tetractl: NOT_ALLOWED: your key's role observer may not backup")
        self.assertFalse(os.path.exists(f"{self.backups}/obs.db"))

        # the backup, while events keep coming
        path = f"{self.backups}/b1.db"
        before = max(seen)
        r = ctl("backup", path, "--json", *self.as_("adm"))
        self.assertEqual(r.returncode, 0, r.stderr)
        state = json.loads(r.stdout)
        self.assertEqual(state["state"], "DONE")
        self.assertEqual(state["file"], path)
        last = int(state["lastSeq"])
        self.assertEqual(int(state["firstSeq"]), 1)
        self.assertGreaterEqual(last, before)
        self.collect(sub, seen, last + 200)    # the stream never stopped

        st = os.stat(path)
        self.assertEqual(st.st_mode & 0o777, 0o600)
        self.assertEqual(st.st_size, int(state["bytes"]))
        self.assertEqual(sorted(os.listdir(self.backups)), ["b1.db"])
        copy = self.events_in(path)
        self.assertEqual(sorted(copy), list(range(1, last + 1)), "the copy is not gap-free from 1")
        for seq, raw in seen.items():
            if seq <= last:
                self.assertEqual(copy[seq], raw, f"event {seq} differs from what was published")

        # refusals, with a sentence
        r = ctl("backup", "b2.db", *self.as_("adm"))
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^tetractl: INVALID_ARGUMENT: give the backup file as an absolute path")
        r = ctl("backup", path, *self.as_("adm"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path} exists already: a backup never replaces a file", r.stderr)

        # the VTY's, followed until done
        vpath = f"{self.backups}/vty.db"
        out = self.daemon.vty(f"journal backup {vpath}")
        self.assertRegex(out, rf"backup (\d+) to {vpath} started")
        self.daemon.log.wait_for(lambda ls: any(f"to {vpath} done" in l for l in ls))
        out = self.daemon.vty("show journal backups")
        self.assertRegex(out, rf"to {vpath}: done, events seq 1 to \d+, \d+ bytes")
        self.assertRegex(out, rf"to {path}: done, events seq 1 to {last}, ")
        out = self.daemon.vty("journal backup relative.db")
        self.assertIn("% give the backup file as an absolute path", out)

        sub.close()
        self.stop()
        # the last seq ever published: the journal's newest, read before the
        # copy replaces it (every event is stored before it is published)
        published = self.last_published_seq()
        self.assertGreaterEqual(published, max(seen))

        # The restore, as README.md says: stopped, the copy over the
        # journal's file (no -wal or -shm beside it), started again.
        state_dir = os.path.join(self.dir, "var")
        for side in ("tetra-bridge.db-wal", "tetra-bridge.db-shm"):
            if os.path.exists(os.path.join(state_dir, side)):
                os.unlink(os.path.join(state_dir, side))
        shutil.copyfile(path, os.path.join(state_dir, "tetra-bridge.db"))
        self.start()
        self.assertIn(f"events seq {last + 1} to {published} were published but never stored",
                      self.daemon.log.text())
        cmd = tbtest.Commander(pb, self.ctx, f"ipc://{self.dir}/commands", self.keys["bridge"][0],
                               self.keys["adm"])
        self.addCleanup(cmd.close)
        replayed, lost, nxt = {}, [], 1
        while True:
            c = pb.Command()
            c.replay.from_seq = nxt
            c.replay.max_events = 1000
            rep = cmd.request(c)
            self.assertIsNotNone(rep)
            self.assertEqual(rep.code, pb.Reply.OK, rep.error)
            for ev in rep.replay.events:
                replayed[ev.seq] = ev.SerializeToString()
            lost += [(x.first_seq, x.last_seq) for x in rep.replay.lost]
            if not rep.replay.more:
                break
            nxt = rep.replay.next_seq
        for seq in range(1, last + 1):
            self.assertIn(seq, replayed)
            if seq in seen:
                self.assertEqual(replayed[seq], seen[seq])
        # after the copy: one lost range up to the last seq published
        # before the stop, then the new events, never a seq twice
        self.assertEqual(len(lost), 1, lost)
        self.assertEqual(lost[0], (last + 1, published))
        after = sorted(s for s in replayed if s > last)
        self.assertTrue(after, "no event after the restart")
        self.assertEqual(after[0], lost[0][1] + 1)

    def last_published_seq(self):
        """The journal's last seq before the restore (the daemon stopped):
        read from its file with sqlite3 before it is replaced."""
        db = sqlite3.connect(f"file:{os.path.join(self.dir, 'var', 'tetra-bridge.db')}?mode=ro", uri=True)
        try:
            return db.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
        finally:
            db.close()


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pb = tbtest.load_pb2(BUILD)
    home = tempfile.mkdtemp(prefix="tb-backup-home.", dir="/tmp")
    ENV = {k: v for k, v in os.environ.items() if not k.startswith("TETRA_BRIDGE_")}
    ENV.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
    try:
        unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]])
    finally:
        shutil.rmtree(home, ignore_errors=True)
