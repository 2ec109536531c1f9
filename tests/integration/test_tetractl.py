#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tetractl and the Python example client as a dispatcher uses them.

Run by ctest: test_tetractl.py BUILD_DIR SOURCE_DIR
(Debian's /usr/bin/python3 with python3-zmq and python3-protobuf).
TB_TETRACTL / TB_DAEMON in the environment override the programs' paths.

* Offline: keygen (files, modes, refusal to overwrite), usage errors, the
  config file.
* Against a scripted bridge (PUB + ROUTER in this process, no CURVE) that
  loses events on purpose: watch fills holes from Replay, merges --from with
  the live stream, reports what the journal cannot give, --no-replay.
* Against tetra-bridged with two simulated radios, CURVE and roles: radios,
  send-status / send-text --wait, NOT_ALLOWED, replay, watch --from, the
  Python example, an unknown key, and no health data in the daemon's log.

Every wait is bounded and waits for something to happen; endpoints are
ipc:// in a temp dir.
"""

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402  (shared with the other integration tests)

BUILD = SOURCE = None
PB = None       # tetra_bridge_pb2
ENV = None      # environment for the programs: HOME and XDG_CONFIG_HOME in a temp dir


def tetractl_path():
    return os.environ.get("TB_TETRACTL") or os.path.join(BUILD, "tools", "tetractl")


def daemon_path():
    return os.environ.get("TB_DAEMON") or os.path.join(BUILD, "bridge", "tetra-bridged")


def ctl(*args, timeout=60, input=None, env=None):
    return subprocess.run([tetractl_path(), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          input=input, env=env or ENV)


def load_pb2():
    d = os.path.join(BUILD, "python")
    if not os.path.exists(os.path.join(d, "tetra_bridge_pb2.py")):
        d = tempfile.mkdtemp(prefix="tb-pb2-")
        subprocess.run(["protoc", f"--proto_path={SOURCE}/ipc", f"--python_out={d}",
                        os.path.join(SOURCE, "ipc", "tetra_bridge.proto")], check=True)
    sys.path.insert(0, d)
    import tetra_bridge_pb2
    return d, tetra_bridge_pb2


def seqs_of(stdout):
    return [int(json.loads(line)["seq"]) for line in stdout.splitlines() if line.startswith("{")]


# ---------------------------------------------------------------------------
class Offline(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tbctl.", dir="/tmp")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_keygen_files_and_modes(self):
        base = os.path.join(self.dir, "amk-1")
        r = ctl("keygen", base)
        self.assertEqual(r.returncode, 0, r.stderr)
        pub = r.stdout.splitlines()[0]
        self.assertEqual(len(pub), 40)
        self.assertIn(f"add to the bridge's clients file: <role> {pub} amk-1", r.stdout)
        self.assertEqual(stat.S_IMODE(os.stat(base + ".key").st_mode), 0o600)
        self.assertFalse(os.stat(base + ".pub").st_mode & 0o022)
        with open(base + ".key") as f:
            key = f.read()
        with open(base + ".pub") as f:
            pubfile = f.read()
        self.assertIn(f'public-key = "{pub}"', key)
        self.assertRegex(key, r'secret-key = "[^"]{40}"')
        self.assertIn(f'public-key = "{pub}"', pubfile)
        self.assertNotIn("secret-key", pubfile)
        secret = re.search(r'secret-key = "([^"]{40})"', key).group(1)
        self.assertNotIn(secret, r.stdout + r.stderr)      # never printed
        # never overwritten
        again = ctl("keygen", base)
        self.assertEqual(again.returncode, 1)
        self.assertIn("amk-1.key", again.stderr)
        with open(base + ".key") as f:
            self.assertEqual(f.read(), key)

    def test_usage_errors(self):
        key = os.path.join(self.dir, "k")
        for args, what in [
            (["keygen"], "BASE is missing"),
            (["send-status", "a", "123456789", "1"], "neither an SSI"),
            (["send-status", "a", "1001", "65536"], "is not a status"),
            (["send-status", "a", "1001"], "VALUE is missing"),
            (["send-text", "a", "1001", "hei", "--report", "sometimes"], "--report wants"),
            (["locate", "a"], "TO is missing"),
            (["radios", "--key", key + ".key"], "--key without --server-key"),
            (["radios", "--server-key", key + ".pub"], "--server-key without --key"),
            (["replay", "--from", "zero"], "--from wants"),
            (["watch", "--from", "3", "--no-replay"], "--no-replay"),
            (["radios", "--frobnicate"], "unknown option"),
            (["frobnicate"], "unknown command"),
        ]:
            r = ctl(*args)
            self.assertEqual(r.returncode, 64, (args, r.stderr))
            self.assertIn(what, r.stderr, args)

    def test_help_for_every_subcommand(self):
        for sub in ["watch", "radios", "send-status", "send-text", "locate", "replay", "keygen", "decode", "health",
                    "backup"]:
            r = ctl(sub, "--help")
            self.assertEqual(r.returncode, 0, sub)
            self.assertIn(f"Usage: tetractl {sub}", r.stdout)

    def test_config_file_errors_name_the_line(self):
        cfg = os.path.join(self.dir, "tetractl.conf")
        with open(cfg, "w") as f:
            f.write("# mine\nevents ipc:///nowhere\ncolour blue\n")
        r = ctl("radios", "--config", cfg)
        self.assertEqual(r.returncode, 64)
        self.assertIn(f"{cfg} line 3 is wrong", r.stderr)
        self.assertIn("colour", r.stderr)
        r = ctl("radios", "--config", os.path.join(self.dir, "missing.conf"))
        self.assertEqual(r.returncode, 64)
        self.assertIn("cannot read config file", r.stderr)

    def test_unreadable_key(self):
        r = ctl("radios", "--key", os.path.join(self.dir, "none.key"), "--server-key", "x" * 40, "--timeout", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("none.key", r.stderr)


# ---------------------------------------------------------------------------
class ScriptedBridge(threading.Thread):
    """A bridge in miniature: an XPUB socket (so we learn when a subscriber
    has joined, without sleeping) and a ROUTER answering Replay from an
    in-memory journal. `script` is the list of seqs published live once a
    subscriber is there -- leave some out to make holes."""

    def __init__(self, tmpdir, journal, script, replay_code=None, bridge_id="scripted"):
        super().__init__(daemon=True)
        import zmq
        self.zmq = zmq
        self.ctx = zmq.Context()
        self.events = f"ipc://{tmpdir}/ev"
        self.commands = f"ipc://{tmpdir}/cmd"
        self.pub = self.ctx.socket(zmq.XPUB)
        self.pub.bind(self.events)
        self.router = self.ctx.socket(zmq.ROUTER)
        self.router.bind(self.commands)
        self.ctrl = self.ctx.socket(zmq.PAIR)
        self.ctrl.bind(f"inproc://stop-{id(self)}")
        self.ctrl_peer = self.ctx.socket(zmq.PAIR)
        self.ctrl_peer.connect(f"inproc://stop-{id(self)}")
        self.journal = {s: self.event(s, bridge_id) for s in journal}
        self.script, self.replay_code = list(script), replay_code
        self.bridge_id = bridge_id
        self.replays = []

    @staticmethod
    def event(seq, bridge_id="scripted"):
        ev = PB.Event(seq=seq, time_us=1700000000000000 + seq, bridge=bridge_id, radio="a")
        ev.status.value = 0x8000 + seq
        return ev

    def run(self):
        zmq = self.zmq
        poller = zmq.Poller()
        for s in (self.pub, self.router, self.ctrl):
            poller.register(s, zmq.POLLIN)
        while True:
            ready = dict(poller.poll())
            if self.ctrl in ready:
                break
            if self.pub in ready:
                msg = self.pub.recv()
                if msg[:1] == b"\x01" and self.script:      # a subscriber joined: play the script
                    for s in self.script:
                        ev = self.journal.get(s) or self.event(s, self.bridge_id)
                        self.pub.send_multipart([b"status.a", ev.SerializeToString()])
                    self.script = []
            if self.router in ready:
                ident, data = self.router.recv_multipart()
                cmd = PB.Command.FromString(data)
                reply = PB.Reply(request_id=cmd.request_id)
                if self.replay_code is not None:
                    reply.code = self.replay_code
                    reply.error = "this key may not replay; ask the bridge's admin"
                else:
                    r = cmd.replay
                    self.replays.append((r.from_seq, r.max_events))
                    have = sorted(s for s in self.journal if s >= r.from_seq)
                    n = r.max_events or 500
                    batch = have[:n]
                    reply.replay.events.extend(self.journal[s] for s in batch)
                    reply.replay.first_seq = min(self.journal) if self.journal else 0
                    reply.replay.last_seq = max(self.journal) if self.journal else 0
                    reply.replay.more = len(have) > n
                    reply.replay.next_seq = (batch[-1] + 1) if batch else r.from_seq
                self.router.send_multipart([ident, reply.SerializeToString()])
        for s in (self.pub, self.router, self.ctrl):
            s.close(0)

    def stop(self):
        self.ctrl_peer.send(b"stop")
        self.join(timeout=10)
        self.ctrl_peer.close(0)
        self.ctx.term()


class GapFilling(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tbgap.", dir="/tmp")
        self.bridge = None

    def tearDown(self):
        if self.bridge:
            self.bridge.stop()
        shutil.rmtree(self.dir)

    def watch(self, *args):
        b = self.bridge
        return ctl("watch", "--json", "--events", b.events, "--commands", b.commands, "--timeout", "30", *args)

    def start(self, **kw):
        self.bridge = ScriptedBridge(self.dir, **kw)
        self.bridge.start()

    def test_live_holes_are_filled_in_order(self):
        self.start(journal=range(1, 11), script=[5, 6, 9, 10])
        r = self.watch("--count", "6")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(seqs_of(r.stdout), [5, 6, 7, 8, 9, 10])
        self.assertNotIn("gap", r.stderr)
        self.assertIn((7, 2), self.bridge.replays)

    def test_from_merges_journal_and_live_without_repeats(self):
        self.start(journal=range(1, 9), script=[6, 7, 8])
        r = self.watch("--from", "1", "--count", "8")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(seqs_of(r.stdout), list(range(1, 9)))

    def test_readable_lines_too(self):
        self.start(journal=range(1, 4), script=[1, 3])
        b = self.bridge
        r = ctl("watch", "--events", b.events, "--commands", b.commands, "--timeout", "30", "--count", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([re.search(r"#(\d+)", l).group(1) for l in r.stdout.splitlines()], ["1", "2", "3"])
        self.assertIn("a status #2 0x8002", r.stdout)

    def test_retention_reported(self):
        self.start(journal=range(4, 8), script=[7])
        r = self.watch("--from", "1", "--count", "4")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(seqs_of(r.stdout), [4, 5, 6, 7])
        self.assertIn("gap: missed events 1-3 from bridge scripted (no longer in the journal)", r.stderr)

    def test_refused_replay_is_reported_and_the_stream_goes_on(self):
        self.start(journal=range(1, 11), script=[5, 6, 9], replay_code=PB.Reply.NOT_ALLOWED)
        r = self.watch("--count", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(seqs_of(r.stdout), [5, 6, 9])
        self.assertIn("gap: missed events 7-8 from bridge scripted (replay refused: NOT_ALLOWED: "
                      "this key may not replay", r.stderr)

    def test_no_replay_keeps_the_old_behaviour(self):
        self.start(journal=range(1, 11), script=[5, 6, 9])
        r = self.watch("--count", "3", "--no-replay")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(seqs_of(r.stdout), [5, 6, 9])
        self.assertIn("gap: missed events 7-8 from bridge scripted", r.stderr)
        self.assertEqual(self.bridge.replays, [])

    def test_ctrl_c_ends_cleanly(self):
        self.start(journal=range(1, 3), script=[1, 2])
        b = self.bridge
        w = subprocess.Popen([tetractl_path(), "watch", "--events", b.events, "--commands", b.commands],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        first = w.stdout.readline()          # it is in its loop now, signals on its signalfd
        self.assertIn("#1", first)
        w.send_signal(signal.SIGINT)
        out, err = w.communicate(timeout=30)
        self.assertEqual(w.returncode, 0, err)

    def test_python_example_fills_holes(self):
        self.start(journal=range(1, 11), script=[5, 6, 9, 10])
        example = os.path.join(SOURCE, "examples", "python", "tetra_client.py")
        r = subprocess.run([sys.executable, example, "--events", self.bridge.events, "--commands",
                            self.bridge.commands, "--proto-dir", PB_DIR, "--timeout", "30", "watch", "--count", "6"],
                           capture_output=True, text=True, timeout=60, env=ENV)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(seqs_of(r.stdout), [5, 6, 7, 8, 9, 10])

    def test_replay_command_in_batches(self):
        self.start(journal=range(1, 1203), script=[])
        b = self.bridge
        r = ctl("replay", "--from", "2", "--json", "--commands", b.commands)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(seqs_of(r.stdout), list(range(2, 1203)))
        r = ctl("replay", "--from", "1", "--count", "3", "--commands", b.commands)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 3)


# ---------------------------------------------------------------------------
LogReader = tbtest.LogReader


A_TSI, B_TSI = "02420001600001001", "02420001600002001"
B_SSI = "2001"
TEXT = "Pasient klar for henting"


class RealBridge(unittest.TestCase):
    """tetra-bridged with two simulated radios, CURVE, a dispatcher and an observer."""

    @classmethod
    def setUpClass(cls):
        cls.dir = d = tempfile.mkdtemp(prefix="tbd-ctl.", dir="/tmp")
        for name in ["bridge", "disp", "obs", "stranger"]:
            r = ctl("keygen", os.path.join(d, name))
            assert r.returncode == 0, r.stderr
        pub = {}
        for n in ["disp", "obs"]:
            with open(os.path.join(d, n + ".pub")) as f:
                pub[n] = re.search(r'public-key = "([^"]{40})"', f.read()).group(1)
        with open(os.path.join(d, "clients"), "w") as f:
            f.write(f"# role public-key name\ndispatcher {pub['disp']} amk-1\nobserver {pub['obs']} lvs-console\n")
        cls.events, cls.commands = f"ipc://{d}/events", f"ipc://{d}/commands"
        os.mkdir(os.path.join(d, "state"))
        cfg = ["log stderr", " logging level all info", " logging color 0",
               "line vty", " bind 127.0.0.1 0",
               "bridge", " id ctl-test", f" events bind {cls.events}", f" commands bind {cls.commands}",
               f" state-dir {d}/state", f" curve server-key {d}/bridge.key", f" curve clients {d}/clients",
               "radio a", " transport sim", f" sim-identity {A_TSI}",
               "radio b", " transport sim", f" sim-identity {B_TSI}"]
        with open(os.path.join(d, "bridge.cfg"), "w") as f:
            f.write("\n".join(cfg) + "\n")
        try:
            cls.proc = subprocess.Popen([daemon_path(), "-c", os.path.join(d, "bridge.cfg")],
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                        errors="replace")
        except OSError:
            shutil.rmtree(d)
            raise
        cls.log = LogReader(cls.proc.stderr)
        cls.log.start()
        try:
            cls.log.wait_for(lambda ls: sum("online" in l for l in ls) >= 2 or cls.proc.poll() is not None)
        except AssertionError:
            cls.tearDownClass()
            raise
        assert cls.proc.poll() is None, "tetra-bridged exited:\n" + cls.log.text()

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.send_signal(signal.SIGTERM)
        rc = cls.proc.wait(timeout=20)
        cls.log.join(timeout=10)
        shutil.rmtree(cls.dir)
        assert rc == 0, f"tetra-bridged exited with {rc}:\n" + cls.log.text()

    def as_(self, who):
        return ["--events", self.events, "--commands", self.commands,
                "--key", os.path.join(self.dir, who + ".key"), "--server-key", os.path.join(self.dir, "bridge.pub")]

    def test_radios(self):
        r = ctl("radios", *self.as_("obs"))
        self.assertEqual(r.returncode, 0, r.stderr)
        head, *rows = r.stdout.splitlines()
        self.assertRegex(head, r"^NAME\s+STATE\s+TRANSPORT\s+IDENTITY\s+ONLINE SINCE\s+WAITING\s+REASON$")
        self.assertEqual(sorted(row.split()[0] for row in rows), ["a", "b"])
        for row in rows:
            self.assertRegex(row, r"^[ab]\s+online\s+sim\s+\d{17}\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+\s+-$")
        self.assertIn(A_TSI, r.stdout)
        j = ctl("radios", "--json", *self.as_("obs"))
        self.assertEqual(j.returncode, 0, j.stderr)
        radios = {x["name"]: x for x in json.loads(j.stdout)["radios"]}
        self.assertEqual(radios["b"]["state"], "STATE_ONLINE")
        self.assertEqual(radios["b"]["transport"], "sim")

    def test_radios_from_the_config_file(self):
        conf_home = os.path.join(self.dir, "xdg")
        os.makedirs(os.path.join(conf_home, "tetra-bridge"), exist_ok=True)
        with open(os.path.join(conf_home, "tetra-bridge", "tetractl.conf"), "w") as f:
            f.write(f"# mine\nevents {self.events}\ncommands {self.commands}\n"
                    "key ../../obs.key\nserver-key ../../bridge.pub\n")   # relative to the file
        env = dict(ENV, XDG_CONFIG_HOME=conf_home)
        r = ctl("radios", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(B_TSI, r.stdout)
        # the file's observer key may not send; --key wins over the file, setting by
        # setting (the server key still comes from the file)
        r = ctl("send-status", "a", B_SSI, "32769", env=env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("NOT_ALLOWED", r.stderr)
        r = ctl("send-status", "a", B_SSI, "32769", "--key", os.path.join(self.dir, "disp.key"), env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^queued as message \d+ \(1 part\)\n$")

    def test_send_status_wait_ends_sent(self):
        r = ctl("send-status", "a", B_SSI, "0x8005", "--wait", "--timeout", "60", *self.as_("disp"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        m = re.match(r"queued as message (\d+) \(1 part\)$", lines[0])
        self.assertTrue(m, r.stdout)
        steps = [l for l in lines[1:] if f"message {m.group(1)} " in l]
        self.assertTrue(steps, r.stdout)
        self.assertIn(" sent", steps[-1])
        self.assertTrue(steps[-1].endswith("(final)"), steps[-1])
        self.assertTrue(all("outgoing" in l for l in steps))

    def test_send_text_report_received_ends_delivered(self):
        r = ctl("send-text", "a", B_TSI, "-", "--report", "received", "--wait", "--json", "--timeout", "60",
                *self.as_("disp"), input=TEXT + "\n")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        objs = [json.loads(l) for l in r.stdout.splitlines()]
        mid = objs[0]["queued"]["messageId"]
        steps = [o["outgoing"] for o in objs[1:]]
        self.assertTrue(all(s["messageId"] == mid for s in steps))
        self.assertEqual(steps[-1]["state"], "DELIVERED")
        self.assertTrue(steps[-1]["final"])
        self.assertEqual([s["final"] for s in steps[:-1]], [False] * (len(steps) - 1))

    def test_observer_may_not_send(self):
        r = ctl("send-text", "a", B_SSI, TEXT, *self.as_("obs"))
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^tetractl: NOT_ALLOWED: \S.*\S\n$")

    def test_unknown_key_gets_no_reply(self):
        r = ctl("radios", "--timeout", "1", *self.as_("stranger"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"no reply from the bridge at {self.commands} within 1 s: is tetra-bridged running, "
                      "and is your key in its clients file?", r.stderr)

    def journal_size(self):
        r = ctl("replay", "--from", "1", "--json", *self.as_("obs"))
        self.assertEqual(r.returncode, 0, r.stderr)
        return seqs_of(r.stdout), r

    def test_replay_from_1(self):
        seqs, r = self.journal_size()
        self.assertGreaterEqual(len(seqs), 2)          # both radios came online
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)))
        events = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual({e["radio"] for e in events if "radioState" in e}, {"a", "b"})
        readable = ctl("replay", "--from", "1", "--count", "2", *self.as_("obs"))
        self.assertEqual(readable.returncode, 0, readable.stderr)
        self.assertEqual([re.search(r"#(\d+)", l).group(1) for l in readable.stdout.splitlines()], ["1", "2"])

    def test_watch_from_1_gap_and_duplicate_free(self):
        seqs, _ = self.journal_size()
        n = len(seqs) + 1        # everything stored, and at least one more that comes live
        w = subprocess.Popen([tetractl_path(), "watch", "--from", "1", "--count", str(n), "--json",
                              "--timeout", "60", *self.as_("obs")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        # something new happens while it watches
        s = ctl("send-status", "b", "1001", "32770", *self.as_("disp"))
        self.assertEqual(s.returncode, 0, s.stderr)
        out, err = w.communicate(timeout=90)
        self.assertEqual(w.returncode, 0, err)
        self.assertEqual(seqs_of(out), list(range(1, n + 1)))
        self.assertNotIn("gap", err)

    def test_python_example(self):
        seqs, _ = self.journal_size()
        example = os.path.join(SOURCE, "examples", "python", "tetra_client.py")
        common = [sys.executable, example, "--events", self.events, "--commands", self.commands,
                  "--proto-dir", PB_DIR, "--key", os.path.join(self.dir, "disp.key"),
                  "--server-key", os.path.join(self.dir, "bridge.pub"), "--timeout", "60"]
        r = subprocess.run(common + ["watch", "--from", "1", "--count", str(len(seqs))],
                           capture_output=True, text=True, timeout=90, env=ENV)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(seqs_of(r.stdout), seqs)
        r = subprocess.run(common + ["send-status", "a", B_SSI, "0x8003"],
                           capture_output=True, text=True, timeout=90, env=ENV)
        self.assertEqual(r.returncode, 0, r.stderr)
        steps = [json.loads(l)["outgoing"] for l in r.stdout.splitlines()]
        self.assertEqual(steps[-1]["state"], "SENT")
        self.assertTrue(steps[-1]["final"])
        self.assertRegex(r.stderr, r"queued as message \d+")

    def test_zz_no_health_data_in_the_log(self):
        # after the sends above (tests run in name order): the daemon's log
        # refers to messages and events by number only
        log = self.log.text()
        for secret in [TEXT, A_TSI, B_TSI, "0242000160000"]:
            self.assertNotIn(secret, log)


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    PB_DIR, PB = load_pb2()
    home = tempfile.mkdtemp(prefix="tbctl-home.", dir="/tmp")
    # no user's own ~/.config/tetra-bridge/tetractl.conf or endpoints in the way
    ENV = {k: v for k, v in os.environ.items() if not k.startswith("TETRA_BRIDGE_")}
    ENV.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
    try:
        unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]])
    finally:
        shutil.rmtree(home, ignore_errors=True)
