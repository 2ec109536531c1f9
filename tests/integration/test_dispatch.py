#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The dispatch channel end to end: tetra-bridged with simulated radios,
CURVE keys with roles, real ZeroMQ clients in Python.

  * every command kind and every error reply a client can cause;
  * a text from radio a to radio b ends "delivered" (b's queue answers the
    report request), one to an identity nobody has ends "failed";
  * kill -9 during a stream of events, restart: replaying from the last
    seq seen gives every event exactly once, byte for byte as stored;
  * an unknown key gets no events and no reply; an observer's send is
    refused with a sentence; 10 000 malformed commands leave it serving;
  * the outgoing queue survives a restart.

Run by ctest: test_dispatch.py BUILD_DIR SOURCE_DIR (Debian's /usr/bin/python3
with python3-zmq and python3-protobuf). No sleeps: every wait is bounded and
waits for an event, a reply or a log line.
"""

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import zmq
import zmq.utils.monitor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402

BUILD = SOURCE = None
pb = None

A_TSI, B_TSI = "02420001600001001", "02420001600002001"
B_SSI = 2001


def write_config(d, vty_port, radios, extra=""):
    cfg = ["log stderr", " logging level all info", " logging color 0",
           "line vty", f" bind 127.0.0.1 {vty_port}",
           "bridge", " id dispatch-test",
           f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands",
           f" state-dir {d}/var",
           f" curve server-key {d}/server.key", f" curve clients {d}/clients.keys",
           " timer outgoing X12 2"] + extra.splitlines() + radios
    path = os.path.join(d, "bridge.cfg")
    with open(path, "w") as f:
        f.write("\n".join(cfg) + "\n")
    return path


def make_keys(d):
    """The bridge's key pair and three clients with roles; one stranger."""
    server = tbtest.write_keypair(os.path.join(d, "server"))
    keys = {role: tbtest.write_keypair(os.path.join(d, role)) for role in ("dispatcher", "observer", "admin")}
    with open(os.path.join(d, "clients.keys"), "w") as f:
        f.write("# role  public key  name\n")
        for role, (pub, _) in keys.items():
            f.write(f"{role} {pub} test-{role}\n")
    keys["stranger"] = tbtest.write_keypair(os.path.join(d, "stranger"))
    return server, keys


def status(radio, ssi, value, **kw):
    c = pb.Command()
    c.send_status.radio = radio
    c.send_status.to.type = pb.IDENTITY_SSI
    c.send_status.to.ssi = ssi
    c.send_status.value = value
    for k, v in kw.items():
        setattr(c.send_status, k, v)
    return c


def text(radio, ssi, body, report=0, **kw):
    c = pb.Command()
    c.send_text.radio = radio
    c.send_text.to.type = pb.IDENTITY_SSI
    c.send_text.to.ssi = ssi
    c.send_text.text = body
    c.send_text.report = report
    for k, v in kw.items():
        setattr(c.send_text, k, v)
    return c


class Dispatch(unittest.TestCase):
    """One bridge: radios a and b (simulated, hearing each other), radio c
    (a serial port that does not exist: always offline)."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tbdisp.", dir="/tmp")
        cls.server, cls.keys = make_keys(cls.dir)
        radios = ["radio a", " transport sim", f" sim-identity {A_TSI}",
                  "radio b", " transport sim", f" sim-identity {B_TSI}",
                  "radio c", f" transport tty {cls.dir}/no-such-tty"]
        cls.vty_port = tbtest.free_port()
        cls.cfg = write_config(cls.dir, cls.vty_port, radios)
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

    def client(self, role="dispatcher"):
        c = tbtest.Commander(pb, self.ctx, self.ep_cmd, self.server[0], self.keys[role])
        self.addCleanup(c.close)
        return c

    def subscriber(self, role="observer"):
        s = tbtest.Subscriber(pb, self.ctx, self.ep_ev, self.server[0], self.keys[role])
        self.addCleanup(s.close)
        return s

    def follow(self, sub, message_id, timeout=30):
        """Outgoing steps of one message until its final one. Other events
        seen meanwhile are kept in sub.seen (the destination's event may
        come before the sender's last step)."""
        steps = []
        sub.seen = []
        while True:
            ev = sub.wait_for(lambda t, e: sub.seen.append((t, e)) or (e.WhichOneof("body") == "outgoing"
                              and e.outgoing.message_id == message_id), timeout)
            steps.append(ev.outgoing)
            if ev.outgoing.final:
                return steps

    def heard(self, sub, predicate, timeout=30):
        """An event seen while following a message, or still to come."""
        for t, e in getattr(sub, "seen", []):
            if predicate(t, e):
                return e
        return sub.wait_for(predicate, timeout)

    def synced_subscriber(self, role="observer"):
        """A subscriber that is surely connected: it has seen an event
        published after it connected (a status a -> b)."""
        sub = self.subscriber(role)
        cl = self.client()
        for _ in range(50):
            r = cl.request(status("a", B_SSI, 0x8001))
            self.assertEqual(r.code, pb.Reply.OK, r.error)
            got = sub.recv(timeout=2)
            if got is not None:
                return sub
        self.fail("the subscriber never got an event")

    # ---- commands that work -------------------------------------------------

    def test_list_radios(self):
        r = self.client("observer").request(pb.Command(list_radios=pb.ListRadios()))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        by_name = {x.name: x for x in r.radios.radios}
        self.assertEqual(sorted(by_name), ["a", "b", "c"])
        self.assertEqual(by_name["a"].state, pb.RadioState.STATE_ONLINE)
        self.assertEqual(by_name["a"].identity.ssi, 1001)
        self.assertEqual(by_name["c"].state, pb.RadioState.STATE_OFFLINE)

    def test_status_ends_sent_and_arrives(self):
        sub = self.synced_subscriber()
        r = self.client().request(status("a", B_SSI, 0x8123))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        mid = r.queued.message_id
        self.assertGreater(mid, 0)
        steps = self.follow(sub, mid)
        states = [s.state for s in steps]
        self.assertEqual(states[0], pb.Outgoing.QUEUED)
        self.assertEqual(states[-1], pb.Outgoing.SENT)
        self.assertIn(pb.Outgoing.TAKEN, states)
        self.assertEqual(steps[-1].client, "test-dispatcher")
        # b heard it
        self.heard(sub, lambda t, e: t == "status.b" and e.status.value == 0x8123)

    def test_text_delivered(self):
        sub = self.synced_subscriber()
        r = self.client().request(text("a", B_SSI, "Pasient klar, møt ved inngang B", report=pb.REPORT_RECEIVED))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        steps = self.follow(sub, r.queued.message_id)
        self.assertEqual([s.state for s in steps][-1], pb.Outgoing.DELIVERED, steps)
        self.assertEqual(steps[-1].delivery_status, 0)

    def test_immediate_text(self):
        sub = self.synced_subscriber()
        r = self.client().request(text("a", B_SSI, "Rykk ut: Storgata 1", report=pb.REPORT_RECEIVED,
                                       immediate=True))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        steps = self.follow(sub, r.queued.message_id)
        self.assertEqual(steps[-1].state, pb.Outgoing.DELIVERED, steps)
        # b's terminal got it as immediate text (PID 0x89)
        ev = self.heard(sub, lambda t, e: t == "text.b" and e.text.text == "Rykk ut: Storgata 1")
        self.assertTrue(ev.text.immediate)
        self.assertEqual(ev.text.protocol_id, 0x89)

    def test_text_to_nobody_fails(self):
        sub = self.synced_subscriber()
        r = self.client().request(text("a", 9999, "hallo", report=pb.REPORT_RECEIVED))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        steps = self.follow(sub, r.queued.message_id)
        self.assertEqual(steps[-1].state, pb.Outgoing.FAILED, steps)
        self.assertIn(pb.Outgoing.SENT, [s.state for s in steps])
        self.assertIn("no delivery report", steps[-1].reason)

    def test_long_text_in_parts(self):
        sub = self.synced_subscriber()
        body = "Rapport fra hjemmesykepleien: " + "ærlig talt " * 60
        r = self.client().request(text("a", B_SSI, body, report=pb.REPORT_RECEIVED))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        self.assertGreater(r.queued.parts, 1)
        self.assertEqual(len(r.queued.message_references), r.queued.parts)
        steps = self.follow(sub, r.queued.message_id)
        self.assertEqual(steps[-1].state, pb.Outgoing.DELIVERED, steps)
        # b reassembled the whole text
        self.heard(sub, lambda t, e: t == "text.b" and e.text.text == body)

    def test_request_location(self):
        sub = self.synced_subscriber()
        c = pb.Command()
        c.request_location.radio = "a"
        c.request_location.to.type = pb.IDENTITY_SSI
        c.request_location.to.ssi = B_SSI
        r = self.client().request(c)
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        steps = self.follow(sub, r.queued.message_id)
        self.assertEqual(steps[-1].state, pb.Outgoing.SENT)
        self.assertEqual(steps[-1].kind, pb.Outgoing.LOCATION_REQUEST)
        self.heard(sub, lambda t, e: t == "location_control.b"
                     and e.location_control.kind == pb.LocationControl.IMMEDIATE_REQUEST)

    def test_replay_batches(self):
        sub = self.synced_subscriber()
        cl = self.client("observer")
        r = cl.request(pb.Command(replay=pb.Replay(from_seq=1, max_events=3)))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        self.assertEqual([e.seq for e in r.replay.events], [1, 2, 3])
        self.assertEqual(r.replay.next_seq, 4)
        self.assertTrue(r.replay.more)
        # The whole journal in default batches: consecutive, every seq once.
        seqs, nxt = [], 1
        while True:
            r = cl.request(pb.Command(replay=pb.Replay(from_seq=nxt)))
            self.assertEqual(r.code, pb.Reply.OK, r.error)
            seqs += [e.seq for e in r.replay.events]
            nxt = r.replay.next_seq
            if not r.replay.more:
                break
        self.assertEqual(seqs, list(range(1, seqs[-1] + 1)))
        self.assertEqual(r.replay.first_seq, 1)
        # past the end: empty, not an error
        r = cl.request(pb.Command(replay=pb.Replay(from_seq=nxt + 1000)))
        self.assertEqual(r.code, pb.Reply.OK)
        self.assertEqual(len(r.replay.events), 0)
        self.assertFalse(r.replay.more)

    def test_req_socket(self):
        req = tbtest.curve_socket(self.ctx, zmq.REQ, self.ep_cmd, self.server[0], self.keys["observer"])
        self.addCleanup(req.close)
        req.send(pb.Command(request_id=77, list_radios=pb.ListRadios()).SerializeToString())
        self.assertTrue(req.poll(20000))
        r = pb.Reply.FromString(req.recv())
        self.assertEqual((r.request_id, r.code), (77, pb.Reply.OK))

    # ---- every error a client can cause -------------------------------------

    def assertError(self, reply, code, *words):
        self.assertIsNotNone(reply, "no reply")
        self.assertEqual(pb.Reply.Code.Name(reply.code), pb.Reply.Code.Name(code), reply.error)
        self.assertTrue(reply.error)
        for w in words:
            self.assertIn(w, reply.error)

    def test_errors(self):
        cl = self.client()
        self.assertError(cl.request(raw=b"\xff\xff\xff"), pb.Reply.MALFORMED)
        self.assertError(cl.request(pb.Command()), pb.Reply.UNKNOWN_COMMAND)
        self.assertError(cl.request(raw=b"\x00" * (100 * 1024)), pb.Reply.TOO_LARGE)
        self.assertError(cl.request(status("nobody", B_SSI, 1)), pb.Reply.UNKNOWN_RADIO, "nobody")
        self.assertError(cl.request(status("c", B_SSI, 1)), pb.Reply.RADIO_OFFLINE, "c")
        self.assertError(cl.request(status("a", B_SSI, 70000)), pb.Reply.INVALID_ARGUMENT, "65535")
        self.assertError(cl.request(status("a", B_SSI, 0x7C05)), pb.Reply.INVALID_ARGUMENT)
        c = status("a", B_SSI, 1)
        c.send_status.ClearField("to")
        self.assertError(cl.request(c), pb.Reply.INVALID_ARGUMENT, "destination")
        self.assertError(cl.request(text("a", B_SSI, "")), pb.Reply.INVALID_ARGUMENT, "empty")
        self.assertError(cl.request(text("a", B_SSI, "x" * 6000)), pb.Reply.TEXT_TOO_LONG)

    def test_observer_refused(self):
        r = self.client("observer").request(text("a", B_SSI, "hei"))
        self.assertError(r, pb.Reply.NOT_ALLOWED, "observer")

    def test_unknown_key_gets_nothing(self):
        before = self.refused()
        stranger = tbtest.Commander(pb, self.ctx, self.ep_cmd, self.server[0], self.keys["stranger"])
        self.addCleanup(stranger.close)
        spy = tbtest.Subscriber(pb, self.ctx, self.ep_ev, self.server[0], self.keys["stranger"])
        self.addCleanup(spy.close)
        stranger.sock.send(pb.Command(request_id=5, list_radios=pb.ListRadios()).SerializeToString())
        # The pass condition: the bridge refused both connections ...
        self.daemon.log.wait_for(lambda ls: sum("unknown key" in l for l in ls) >= 2)
        self.assertGreaterEqual(self.refused(), before + 2)
        # ... and a known subscriber sees an event that the stranger does not.
        sub = self.synced_subscriber()
        self.assertIsNotNone(sub)
        self.assertIsNone(spy.recv(timeout=0.3))
        self.assertFalse(stranger.sock.poll(300))

    def test_sighup_reloads_clients(self):
        newcomer = tbtest.write_keypair(os.path.join(self.dir, "newcomer"))
        with open(os.path.join(self.dir, "clients.keys"), "a") as f:
            f.write(f"observer {newcomer[0]} test-newcomer\n")
        self.daemon.proc.send_signal(signal.SIGHUP)
        self.daemon.log.wait_for(lambda ls: any("reloaded" in l and "4 client keys" in l for l in ls))
        c = tbtest.Commander(pb, self.ctx, self.ep_cmd, self.server[0], newcomer)
        self.addCleanup(c.close)
        r = c.request(pb.Command(list_radios=pb.ListRadios()))
        self.assertEqual(r.code, pb.Reply.OK)

    def refused(self):
        out = self.daemon.vty("show bridge")
        m = re.search(r"(\d+) refused", out.split("CURVE:")[1])
        return int(m.group(1))

    def test_malformed_flood(self):
        cl = self.client()
        rnd = random.Random(1234)
        n, got = 10000, 0
        codes = set()
        for start in range(0, n, 500):
            for _ in range(500):
                cl.sock.send(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 300))))
            for _ in range(500):
                self.assertTrue(cl.sock.poll(30000), f"reply {got + 1} of {n} missing")
                # a REQ-style empty delimiter in the message comes back too: the body is the last frame
                codes.add(pb.Reply.FromString(cl.sock.recv_multipart()[-1]).code)
                got += 1
        self.assertEqual(got, n)
        self.assertIn(pb.Reply.MALFORMED, codes)
        r = cl.request(pb.Command(list_radios=pb.ListRadios()))
        self.assertEqual(r.code, pb.Reply.OK)
        self.assertIsNone(self.daemon.proc.poll())

    def test_queue_full_is_busy(self):
        cl = self.client()
        busy = None
        for i in range(1100):
            r = cl.request(status("c", B_SSI, 0x8000 + i, queue_if_offline=True))
            if r.code != pb.Reply.OK:
                busy = r
                break
        self.assertError(busy, pb.Reply.BUSY)

    def test_no_health_data_in_log(self):
        self.synced_subscriber()
        self.client().request(text("a", B_SSI, "Sensitiv pasientinformasjon", report=pb.REPORT_RECEIVED))
        self.daemon.log.wait_for(lambda ls: any("delivered" in l for l in ls))
        log = self.daemon.log.text()
        self.assertNotIn("Sensitiv", log)
        self.assertNotIn(B_TSI, log)
        self.assertNotIn(A_TSI, log)


class Restart(unittest.TestCase):
    """kill -9 in a stream of events; replay after the restart gives every
    event exactly once. The outgoing queue survives a restart."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tbkill.", dir="/tmp")
        self.server, self.keys = make_keys(self.dir)
        scen = os.path.join(self.dir, "stream.scn")
        with open(scen, "w") as f:
            f.write("+CTSDSR: 13,02420001600009001,1,02420001600001001,1,16\n8004\nwait 2\nloop\n")
        self.vty_port = tbtest.free_port()
        radios = ["radio a", " transport sim", f" sim-identity {A_TSI}", f" simulate {scen}",
                  "radio c", f" transport tty {self.dir}/no-such-tty"]
        self.cfg = write_config(self.dir, self.vty_port, radios)
        self.ctx = zmq.Context()
        self.daemon = tbtest.Daemon(BUILD, self.cfg, self.vty_port)

    def tearDown(self):
        self.ctx.destroy(linger=0)
        if self.daemon.proc and self.daemon.proc.poll() is None:
            self.daemon.stop()
        shutil.rmtree(self.dir)

    def clients(self):
        ep = f"ipc://{self.dir}"
        sub = tbtest.Subscriber(pb, self.ctx, ep + "/events", self.server[0], self.keys["observer"])
        cmd = tbtest.Commander(pb, self.ctx, ep + "/commands", self.server[0], self.keys["observer"])
        return sub, cmd

    def catch_up(self, cmd, seen, from_seq):
        """Replay from from_seq to the end into seen (seq -> raw bytes)."""
        nxt = from_seq
        while True:
            r = cmd.request(pb.Command(replay=pb.Replay(from_seq=nxt)))
            self.assertEqual(r.code, pb.Reply.OK, r.error)
            for e in r.replay.events:
                self.assertNotIn(e.seq, seen, "an event came twice")
                seen[e.seq] = e.SerializeToString()
            nxt = r.replay.next_seq
            if not r.replay.more:
                return nxt

    def test_kill9_replay_exactly_once(self):
        self.daemon.start(online=1)
        sub, cmd = self.clients()
        seen = {}
        # Live from the first event the subscriber gets; what came before it
        # is replayed. Then kill -9 in the middle of the stream.
        first = sub.recv()
        self.assertIsNotNone(first)
        seen[first[1].seq] = first[2]
        while len(seen) < 300:
            got = sub.recv()
            self.assertIsNotNone(got)
            self.assertNotIn(got[1].seq, seen)
            seen[got[1].seq] = got[2]
        self.daemon.kill9()
        last = max(seen)
        sub.close()
        cmd.close()

        self.daemon.start(online=1)
        sub, cmd = self.clients()
        # Everything the journal has, from 1: what was published before the
        # kill comes back byte for byte, each seq once, no hole.
        replayed = {}
        nxt = self.catch_up(cmd, replayed, 1)
        self.assertEqual(sorted(replayed), list(range(1, nxt)))
        for seq, raw in seen.items():
            self.assertEqual(replayed[seq], raw, f"seq {seq} differs from what was published")
        # Then live: a gap between the replay and the first live event is
        # replayed too; what the replay already gave is dropped by seq.
        seen = replayed
        while len(seen) < last + 200:
            got = sub.recv()
            self.assertIsNotNone(got)
            seq = got[1].seq
            if seq in seen:
                continue
            if seq > nxt:
                nxt = self.catch_up(cmd, seen, nxt)
            if seq not in seen:
                seen[seq] = got[2]
            nxt = max(seen) + 1
        self.assertEqual(sorted(seen), list(range(1, max(seen) + 1)))
        self.assertGreater(max(seen), last)
        sub.close()
        cmd.close()

    def test_one_daemon_per_state_dir(self):
        self.daemon.start(online=1)
        cfg2 = os.path.join(self.dir, "second.cfg")
        with open(self.cfg) as f, open(cfg2, "w") as g:
            g.write(f.read().replace(f"bind 127.0.0.1 {self.vty_port}", "bind 127.0.0.1 0"))
        r = subprocess.run([self.daemon.binary, "-c", cfg2], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"another tetra-bridged (pid {self.daemon.proc.pid}) uses the state directory", r.stderr)

    def test_queue_survives_restart(self):
        self.daemon.start(online=1)
        cl = tbtest.Commander(pb, self.ctx, f"ipc://{self.dir}/commands", self.server[0], self.keys["dispatcher"])
        r = cl.request(text("c", B_SSI, "venter på radio c", queue_if_offline=True))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        mid = r.queued.message_id
        cl.close()
        self.daemon.stop()
        self.daemon.start(online=1)
        cl = tbtest.Commander(pb, self.ctx, f"ipc://{self.dir}/commands", self.server[0], self.keys["dispatcher"])
        r = cl.request(pb.Command(list_radios=pb.ListRadios()))
        c = [x for x in r.radios.radios if x.name == "c"][0]
        self.assertEqual(c.outgoing_waiting, 1)
        r = cl.request(status("a", B_SSI, 0x8001))
        self.assertGreater(r.queued.message_id, mid, "message ids are never reused")
        cl.close()


class Insecure(unittest.TestCase):
    def run_daemon(self, lines):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "c.cfg")
            with open(cfg, "w") as f:
                f.write("line vty\n bind 127.0.0.1 0\nbridge\n" + "".join(f" {l}\n" for l in lines(d)))
            return subprocess.run([os.path.join(BUILD, "bridge", "tetra-bridged"), "-c", cfg],
                                  capture_output=True, text=True, timeout=30)

    def test_insecure_allows_it(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "c.cfg")
            with open(cfg, "w") as f:
                f.write(f"line vty\n bind 127.0.0.1 0\nbridge\n events bind tcp://0.0.0.0:*\n"
                        f" commands bind ipc://{d}/c\n state-dir {d}/var\n insecure\n")
            dm = tbtest.Daemon(BUILD, cfg, 0)
            dm.start()
            self.assertIn("plain, without CURVE, because the config says insecure", dm.log.text())
            dm.stop()

    def test_public_bind_without_curve_refused(self):
        r = self.run_daemon(lambda d: ["events bind tcp://0.0.0.0:0", f"commands bind ipc://{d}/c",
                                       f"state-dir {d}/var"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("can be reached from other machines", r.stderr)
        self.assertIn("insecure", r.stderr)


# ipc/command_server.h and bridge/commands.h: the bounds the tests below check.
MAX_MESSAGE = 128 * 1024          # TB_COMMAND_MAX_MESSAGE: beyond, the connection is dropped
REPLAY_MAX_BYTES = 256 * 1024     # TB_REPLAY_MAX_BYTES: events' bytes per Replay batch


class Bounds(unittest.TestCase):
    """What one client can make the bridge hold is bounded, and where the
    one-reply promise ends. A plain bridge (loopback, no CURVE) with a
    radio that hears a 200-character text about every millisecond."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tbbound.", dir="/tmp")
        body = ("Pasient klar for henting ved legevakta, ring AMK p\xe5 116117 ved endring. " * 4)[:200]
        user_data = "82029D01" + body.encode("iso-8859-1").hex().upper()
        scen = os.path.join(cls.dir, "texts.scn")
        with open(scen, "w") as f:
            f.write(f"+CTSDSR: 12,02420001600009001,1,{A_TSI},1,{(4 + len(body)) * 8}\n"
                    f"{user_data}\nwait 1\nloop\n")
        cls.vty_port = tbtest.free_port()
        cfg = ["log stderr", " logging level all notice", " logging color 0",
               "line vty", f" bind 127.0.0.1 {cls.vty_port}",
               "bridge", " id bounds-test",
               f" events bind ipc://{cls.dir}/events", f" commands bind ipc://{cls.dir}/commands",
               f" state-dir {cls.dir}/var",
               "radio a", " transport sim", f" sim-identity {A_TSI}", f" simulate {scen}"]
        path = os.path.join(cls.dir, "bridge.cfg")
        with open(path, "w") as f:
            f.write("\n".join(cfg) + "\n")
        cls.daemon = tbtest.Daemon(BUILD, path, cls.vty_port)
        cls.daemon.start(online=1)
        cls.ctx = zmq.Context()
        cls.ep_cmd = f"ipc://{cls.dir}/commands"
        # The journal holds well over one batch's bytes from here on.
        sub = tbtest.Subscriber(pb, cls.ctx, f"ipc://{cls.dir}/events")
        first = sub.recv()
        assert first is not None, "no event from the simulated radio"
        cls.first_seq = first[1].seq
        while True:
            got = sub.recv()
            assert got is not None, "the simulated radio stopped"
            if got[1].seq >= cls.first_seq + 1500:
                break
        sub.close()

    @classmethod
    def tearDownClass(cls):
        cls.ctx.destroy(linger=0)
        cls.daemon.stop()
        shutil.rmtree(cls.dir)

    def client(self):
        c = tbtest.Commander(pb, self.ctx, self.ep_cmd)
        self.addCleanup(c.close)
        return c

    def show_commands(self):
        """(received, replies, dropped) from `show bridge`."""
        out = self.daemon.vty("show bridge")
        m = re.search(r" commands \S+: (\d+) received, (\d+) replies, .* (\d+) replies dropped", out)
        self.assertIsNotNone(m, out)
        return tuple(int(x) for x in m.groups())

    def show_reply_queue(self):
        """(busy, bytes queued now, bytes queued at most) from `show bridge`."""
        out = self.daemon.vty("show bridge")
        m = re.search(r" (\d+) answered BUSY, replies not read yet: (\d+) bytes now, (\d+) at most", out)
        self.assertIsNotNone(m, out)
        return tuple(int(x) for x in m.groups())

    def test_replay_batch_bytes(self):
        r = self.client().request(pb.Command(replay=pb.Replay(from_seq=self.first_seq, max_events=1000)))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        b = r.replay
        sizes = [e.ByteSize() for e in b.events]
        # Cut by bytes, not by count: the last event is the one that passed.
        self.assertLess(len(sizes), 1000)
        self.assertLessEqual(sum(sizes[:-1]), REPLAY_MAX_BYTES)
        self.assertGreater(sum(sizes), REPLAY_MAX_BYTES - max(sizes))
        self.assertEqual([e.seq for e in b.events], list(range(self.first_seq, self.first_seq + len(sizes))))
        self.assertEqual(b.next_seq, self.first_seq + len(sizes))
        self.assertTrue(b.more)

    def test_too_large(self):
        cl = self.client()
        mon = cl.sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self.addCleanup(mon.close)
        self.addCleanup(cl.sock.disable_monitor)
        r = cl.request(raw=b"\x00" * MAX_MESSAGE)
        self.assertEqual(r.code, pb.Reply.TOO_LARGE, r.error)
        self.assertIn(f"the command is {MAX_MESSAGE} bytes; at most 65536 are accepted", r.error)
        received = self.show_commands()[0]
        # One byte more: the bridge hangs up on reading the size. No reply.
        cl.sock.send(b"\x00" * (MAX_MESSAGE + 1))
        self.assertTrue(mon.poll(20000), "the bridge did not hang up")
        ev = zmq.utils.monitor.recv_monitor_message(mon)
        self.assertEqual(ev["event"], zmq.EVENT_DISCONNECTED)
        self.assertEqual(cl.sock.poll(0), 0)
        self.assertEqual(self.show_commands()[0], received, "it was not received")
        # The same socket connects again by itself and is served.
        r = cl.request(pb.Command(list_radios=pb.ListRadios()))
        self.assertEqual(r.code, pb.Reply.OK, r.error)

    def test_unread_replies(self):
        """A client that asks for replays and does not read: a few are run,
        the rest answered BUSY without being run; others are served
        meanwhile; every command is accounted for."""
        lazy = self.ctx.socket(zmq.DEALER)
        lazy.linger = 0
        lazy.rcvhwm = 1
        lazy.rcvbuf = 4096
        lazy.connect(self.ep_cmd)
        self.addCleanup(lazy.close)
        n = 50
        before = self.show_commands()[0]
        busy_before = self.show_reply_queue()[0]
        for i in range(1, n + 1):
            lazy.send(pb.Command(request_id=i, replay=pb.Replay(from_seq=self.first_seq,
                                                                max_events=1000)).SerializeToString())
        # Another client is served meanwhile.
        r = self.client().request(pb.Command(list_radios=pb.ListRadios()))
        self.assertEqual(r.code, pb.Reply.OK, r.error)
        # Read only once the bridge has had every command.
        deadline = time.monotonic() + 60
        while self.show_commands()[0] < before + n + 1:
            self.assertLess(time.monotonic(), deadline, "the bridge did not receive every command")
        ok = 0
        busy = 0
        for i in range(1, n + 1):
            self.assertTrue(lazy.poll(20000), f"no reply {i}")
            r = pb.Reply.FromString(lazy.recv())
            self.assertEqual(r.request_id, i)
            if r.code == pb.Reply.OK:
                ok += 1
                self.assertGreater(len(r.replay.events), 0)
            else:
                self.assertEqual(r.code, pb.Reply.BUSY, r.error)
                self.assertIn("of replies to you are not read yet", r.error)
                self.assertIn("the command was not run", r.error)
                busy += 1
        self.assertGreaterEqual(ok, 3)
        self.assertLessEqual(ok, 12)     # 1 MiB per client; before the bound, all 50
        self.assertEqual(ok + busy, n)
        received, replies, dropped = self.show_commands()
        self.assertEqual(received, replies + dropped)
        busy_now, _, peak = self.show_reply_queue()
        self.assertEqual(busy_now - busy_before, busy)
        # BUSY came when this client's MiB was nearly full (less one reply).
        self.assertGreater(peak, 512 * 1024)
        # Read, they leave the count (libzmq hands them over in its own time).
        deadline = time.monotonic() + 60
        while self.show_reply_queue()[1] != 0:
            self.assertLess(time.monotonic(), deadline, "replies read are still counted as queued")


def main():
    global BUILD, SOURCE, pb
    BUILD, SOURCE = sys.argv[1], sys.argv[2]
    pb = tbtest.load_pb2(BUILD)
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])


if __name__ == "__main__":
    main()
