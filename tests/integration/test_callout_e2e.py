#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Whole call-outs end to end: a Python client (real ZeroMQ, CURVE keys
with roles, the generated protobuf module) drives call-outs against the
real tetra-bridged, whose simulated radio "lvs" plays the field
responders of a scenario written here (docs/testing.md §3). Everything a
test checks about a call-out's course it reads from the event stream.

  a) a whole call-out: alerted, one declines, one accepts, en route with
     positions, on scene, done, closed with an outcome; the responders'
     and the call-out's states from the stream alone; Replay from seq 1
     draws the same board as the bridge answers;
  b) one nobody answers: a re-alert, no answer, the plan's next level,
     whose responder cannot be reached (a negative delivery report), the
     escalation alarm at once, acknowledged by a dispatcher;
  c) kill -9 in the middle of a call-out: the journal has every change
     that was published, and after the restart the call-out is on the
     board in its states and its answer deadline fires when it was due.
     The daemon restarts with a 600 s deadline in its config, so a
     deadline within the test's bound can only be the stored one;
  d) roles: an observer may not create (NOT_ALLOWED) nor change a
     call-out, but reads the board and a call-out's history;
  e) the call-out text is never in the daemon's log (at its default
     level) nor in `tetractl callout report`.

Timers are short (timer callout X23 5, its least; answer deadlines of
15-30 s) so the
whole test takes well under a minute; every wait is bounded and waits for
an event, a reply or a log line, never for time to pass.

Run by ctest: test_callout_e2e.py BUILD_DIR SOURCE_DIR (Debian's
/usr/bin/python3 with python3-zmq and python3-protobuf).
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402

BUILD = SOURCE = None
pb = None

LVS_TSI = "02420001600001001"
# Health data: each call-out's text is looked for in logs and reports.
TEXT_A = "Brystsmerter, mann 71 år, Storgata 5"
TEXT_B = "Fall i trapp, Nordveien 12"
TEXT_C = "Pustebesvær, Sjøgata 3"
TEXT_D = "Feber og utslett, Kirkeveien 8"
TEXT_E = "Kramper, Torget 1"
TEXTS = [TEXT_A, TEXT_B, TEXT_C, TEXT_D, TEXT_E]
# Where responder 2003 drives (a) and 2004 (c): positions are health data too.
FROM_LAT, FROM_LON, TO_LAT, TO_LON = 60.3913, 5.3221, 60.3795, 5.3530

# The responders the radio "lvs" plays, seconds after an alert reached them.
SCENARIO = f"""\
# test_callout_e2e.py: the field responders on the air of radio lvs.
# (a) 2002 reads the alert and declines; 2003 accepts, drives, is on scene, done.
responder 2002 at 0.2 received
responder 2002 at 0.4 consumed
responder 2002 at 1 decline status 0x8001
responder 2003 at 0.2 received
responder 2003 at 0.4 consumed
responder 2003 at 2 accept status 0x8000
responder 2003 at 2.5 status 0x8002
responder 2003 at 2.5 move from {FROM_LAT},{FROM_LON} to {TO_LAT},{TO_LON} until 5.5 every 1
responder 2003 at 6 status 0x8003
responder 2003 at 6.5 status 0x8004
# (b) the doctor on call: the terminal receives, nobody answers; the
# back-up doctor's terminal is not reachable (a negative delivery report).
responder 1002 at 0.2 received
responder 1002 never
responder 1003 at 0.2 fail 0x41
# (c) 2004 accepts and drives; 1004 stands by.
responder 2004 at 0.2 received
responder 2004 at 0.3 consumed
responder 2004 at 0.5 accept status 0x8000
responder 2004 at 1 status 0x8002
responder 2004 at 1 move from {FROM_LAT},{FROM_LON} to {TO_LAT},{TO_LON} until 3 every 1
responder 1004 at 0.2 received
responder 1004 at 0.3 consumed
responder 1004 at 0.5 standby status 0x8006
# (d), (e): they receive, nobody answers.
responder 2006 at 0.2 received
responder 2006 never
responder 2007 at 0.2 received
responder 2007 never
"""

ROSTER = [
    "roster",
    " identity 2002 name Sykepleier Nord",
    " identity 2003 name Sykepleier Sør",
    " identity 1002 name Lege i vakt",
    " identity 1003 name Lege bakvakt",
    " identity 2004 name Sykepleier Vest",
    " identity 1004 name Lege Øst",
    " identity 2007 name Sykepleier Øst",
    " status 0x8000 meaning accept name kommer",
    " status 0x8001 meaning decline name kan ikke",
    " status 0x8002 meaning en-route name på vei",
    " status 0x8003 meaning on-scene name fremme",
    " status 0x8004 meaning done name ferdig",
    " status 0x8006 meaning standby name beredskap",
]


def callout_config(yellow_deadline):
    return ["callout",
            " realerts 1",
            " plan bakvakt level 1 deadline 10 responder 1003",
            " severity 1 name red deadline 30 on-scene 120 plan bakvakt",
            f" severity 2 name yellow deadline {yellow_deadline} on-scene 0"]


def write_bridge(d, vty_port, yellow_deadline=15, x23=5):
    """Keys, clients, the scenario and d/bridge.cfg: CURVE, one simulated
    radio "lvs" playing the scenario, logging to stderr at the daemon's
    default level (no `logging level` line). Returns the config's path."""
    for name in ["bridge", "disp", "obs", "adm"]:
        if not os.path.exists(os.path.join(d, name + ".key")):
            tbtest.write_keypair(os.path.join(d, name))
    pub = {n: read_keys(d, n)[0] for n in ["disp", "obs", "adm"]}
    with open(os.path.join(d, "clients"), "w") as f:
        f.write(f"dispatcher {pub['disp']} amk-1\nobserver {pub['obs']} lvs-console\nadmin {pub['adm']} fagansvarlig\n")
    with open(os.path.join(d, "responders.scn"), "w") as f:
        f.write(SCENARIO)
    os.makedirs(os.path.join(d, "state"), mode=0o700, exist_ok=True)
    cfg = ["log stderr", " logging color 0",
           "line vty", f" bind 127.0.0.1 {vty_port}",
           "bridge", " id callout-e2e", f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands",
           f" state-dir {d}/state", f" curve server-key {d}/bridge.key", f" curve clients {d}/clients",
           f" timer callout X23 {x23}",
           "radio lvs", " transport sim", f" sim-identity {LVS_TSI}", f" simulate {d}/responders.scn"]
    cfg += ROSTER + callout_config(yellow_deadline)
    path = os.path.join(d, "bridge.cfg")
    with open(path, "w") as f:
        f.write("\n".join(cfg) + "\n")
    return path


def read_keys(d, name):
    """(public, secret) of d/name.key."""
    keys = {}
    with open(os.path.join(d, name + ".key")) as f:
        for line in f:
            for k in ("public-key", "secret-key"):
                if k in line:
                    keys[k] = line.split('"')[1]
    return keys["public-key"], keys["secret-key"]


def ssi(n):
    return pb.Identity(type=pb.IDENTITY_SSI, ssi=n)


def create(severity, text, ssis, **kw):
    return pb.Command(callout_create=pb.CalloutCreate(radio="lvs", severity=severity, text=text,
                                                      responders=[ssi(n) for n in ssis], **kw))


def is_change(e, cid, kind=None):
    return (e.WhichOneof("body") == "callout" and e.callout.callout_id == cid
            and (kind is None or e.callout.kind == kind))


def responder_in(e, cid, n, state):
    """e is cid's responder n entering state."""
    return (is_change(e, cid) and e.callout.kind in (pb.CalloutChange.RESPONDER, pb.CalloutChange.LATE_ANSWER)
            and e.callout.responder.ssi == n and e.callout.new_responder_state == state)


def of(snapshot, n):
    """Responder n in a Callout snapshot."""
    got = [r for r in snapshot.responders if r.identity.ssi == n]
    assert len(got) == 1, f"responder {n} is in the call-out {len(got)} times"
    return got[0]


class Stream:
    """Every event from seq `start` on, in order and without a gap: live
    from a SUB socket, and what it missed (it joined late, or a seq came
    while it was not looking) from the journal with Replay: the gap-free
    pattern of examples/python/tetra_client.py."""

    def __init__(self, t, start):
        self.sub = tbtest.Subscriber(pb, t.ctx, t.ep_ev, t.server_pub, t.keys["obs"])
        self.cmd = tbtest.Commander(pb, t.ctx, t.ep_cmd, t.server_pub, t.keys["obs"])
        self.events = []
        self.next = start

    def close(self):
        self.sub.close()
        self.cmd.close()

    def _replay(self, upto=None):
        """What the journal has from self.next on (at least up to upto)."""
        while upto is None or self.next <= upto:
            r = self.cmd.request(pb.Command(replay=pb.Replay(from_seq=self.next)))
            assert r is not None, "no reply to Replay"
            assert r.code == pb.Reply.OK, r.error
            assert not r.replay.lost, f"seqs lost: {r.replay.lost}"
            had = self.next
            for e in r.replay.events:
                if e.seq == self.next:
                    self.events.append(e)
                    self.next += 1
            if not r.replay.more or self.next == had:
                break
        assert upto is None or self.next > upto, f"the journal has no event {self.next}"

    def _pump(self, timeout):
        got = self.sub.recv(timeout)
        if got is None:
            # Quiet: ask the journal (the subscriber may have joined after
            # the last events were published).
            self._replay()
            return
        ev = got[1]
        if ev.seq > self.next:
            self._replay(ev.seq - 1)
        if ev.seq == self.next:
            self.events.append(ev)
            self.next += 1

    def wait(self, pred, timeout=30, what="the event"):
        """The first event so far (from start) that satisfies pred;
        receives until one does, at most timeout seconds."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for e in self.events[seen:]:
                if pred(e):
                    return e
            seen = len(self.events)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{what} not seen within {timeout} s; last events:\n" +
                                     "\n".join(str(e)[:300] for e in self.events[-10:]))
            self._pump(min(left, 1.0))

    def changes(self, cid):
        return [e for e in self.events if is_change(e, cid)]


class BridgeTest(unittest.TestCase):
    """A tetra-bridged of its own per class, in a temp dir."""

    @classmethod
    def start_bridge(cls):
        cls.dir = d = tempfile.mkdtemp(prefix="tbco-e2e.", dir="/tmp")
        cls.vty_port = tbtest.free_port()
        cls.cfg = write_bridge(d, cls.vty_port)
        cls.keys = {n: read_keys(d, n) for n in ["bridge", "disp", "obs", "adm"]}
        cls.server_pub = cls.keys["bridge"][0]
        cls.ep_ev, cls.ep_cmd = f"ipc://{d}/events", f"ipc://{d}/commands"
        cls.daemon = tbtest.Daemon(BUILD, cls.cfg, cls.vty_port)
        try:
            cls.daemon.start(online=1)
        except BaseException:
            shutil.rmtree(d)
            raise
        cls.ctx = zmq.Context()

    @classmethod
    def stop_bridge(cls):
        try:
            if cls.daemon.proc.poll() is None:
                cls.daemon.stop()
        finally:
            cls.ctx.destroy(linger=0)
            shutil.rmtree(cls.dir)

    def commander(self, who):
        c = tbtest.Commander(pb, self.ctx, self.ep_cmd, self.server_pub, self.keys[who])
        self.addCleanup(c.close)
        return c

    def request(self, who, cmd, code=None):
        """who's reply to cmd; code (default OK) is the code it must have."""
        r = self.commander(who).request(cmd)
        self.assertIsNotNone(r, "no reply")
        want = pb.Reply.OK if code is None else code
        self.assertEqual(r.code, want, f"{pb.Reply.Code.Name(r.code)}: {r.error}")
        return r

    def board(self, who="obs"):
        r = self.request(who, pb.Command(callout_board=pb.CalloutBoard()))
        self.assertFalse(r.board.more, "the board of this test fits one page")
        return r.board

    def stream(self):
        """A gap-free stream from the first event after the board's seq."""
        s = Stream(self, self.board().seq + 1)
        self.addCleanup(s.close)
        return s

    def chain(self, changes, n):
        """Responder n's states, from QUEUED, as the changes say; each
        change starts where the one before it ended."""
        states = [pb.RESPONDER_QUEUED]
        for e in changes:
            ch = e.callout
            if ch.kind in (pb.CalloutChange.RESPONDER, pb.CalloutChange.LATE_ANSWER) and ch.responder.ssi == n:
                self.assertEqual(ch.old_responder_state, states[-1], f"responder {n}: a change from elsewhere")
                states.append(ch.new_responder_state)
        return [pb.ResponderState.Name(s) for s in states]

    def callout_states(self, changes):
        states = [pb.CALLOUT_OPEN]
        for e in changes:
            ch = e.callout
            if ch.kind == pb.CalloutChange.STATE:
                self.assertEqual(ch.old_state, states[-1])
                states.append(ch.new_state)
        return [pb.CalloutState.Name(s) for s in states]

    def no_health_data(self, text, where):
        for t in TEXTS:
            self.assertNotIn(t, text, f"a call-out text in {where}")
        self.assertNotIn(f"{FROM_LAT}", text, f"a position in {where}")


class Callouts(BridgeTest):
    @classmethod
    def setUpClass(cls):
        cls.start_bridge()

    @classmethod
    def tearDownClass(cls):
        cls.stop_bridge()

    def test_a_whole_callout(self):
        s = self.stream()
        r = self.request("disp", create(1, TEXT_A, [2002, 2003]))
        co = r.callout
        cid = co.id
        self.assertEqual((co.state, co.severity_name, co.plan, co.text, co.required), (pb.CALLOUT_OPEN, "red",
                         "bakvakt", TEXT_A, 1))
        self.assertEqual((co.created_by, co.created_role), ("amk-1", "dispatcher"))
        self.assertEqual(co.method, pb.ALERT_TEXT)

        # The radio does the rest: the decline, the accept, the drive, the end.
        s.wait(lambda e: responder_in(e, cid, 2003, pb.RESPONDER_DONE), 60, "responder 2003 done")
        r = self.request("disp", pb.Command(callout_close=pb.CalloutClose(
            id=cid, outcome=pb.OUTCOME_TREATED_ON_SITE, reason="behandlet hjemme")))
        self.assertEqual(r.callout.state, pb.CALLOUT_CLOSED)
        closed = s.wait(lambda e: is_change(e, cid, pb.CalloutChange.STATE)
                        and e.callout.new_state == pb.CALLOUT_CLOSED, what="the close")

        # From the stream alone: who did what, in which order.
        changes = s.changes(cid)
        self.assertEqual(changes[0].callout.kind, pb.CalloutChange.CREATED)
        self.assertEqual(changes[0].callout.by, "dispatcher:amk-1")
        self.assertEqual(self.chain(changes, 2002),
                         ["RESPONDER_QUEUED", "RESPONDER_SENT", "RESPONDER_DELIVERED", "RESPONDER_READ",
                          "RESPONDER_DECLINED"])
        self.assertEqual(self.chain(changes, 2003),
                         ["RESPONDER_QUEUED", "RESPONDER_SENT", "RESPONDER_DELIVERED", "RESPONDER_READ",
                          "RESPONDER_ACCEPTED", "RESPONDER_EN_ROUTE", "RESPONDER_ON_SCENE", "RESPONDER_DONE"])
        self.assertEqual(self.callout_states(changes),
                         ["CALLOUT_OPEN", "CALLOUT_STAFFED", "CALLOUT_ON_SCENE", "CALLOUT_CLOSED"])
        kinds = {pb.CalloutChange.Kind.Name(e.callout.kind) for e in changes}
        self.assertEqual(kinds & {"LEVEL", "ALARM", "REALERT", "IGNORED", "UNMATCHED", "OVERDUE"}, set())
        declined = next(e for e in changes if responder_in(e, cid, 2002, pb.RESPONDER_DECLINED)).callout
        self.assertEqual((declined.by, declined.cause), ("radio", "status 0x8001 kan ikke"))
        self.assertEqual(declined.responder.name, "Sykepleier Nord")
        accepted = next(e for e in changes if responder_in(e, cid, 2003, pb.RESPONDER_ACCEPTED)).callout
        self.assertEqual((accepted.by, accepted.cause), ("radio", "status 0x8000 kommer"))
        # the status that caused it is the event input_seq names
        status = next(e for e in s.events if e.seq == accepted.input_seq)
        self.assertEqual((status.status.value, status.status.calling.ssi), (0x8000, 2003))

        # En route with positions: each POSITION change carries the
        # responder's position from the location event it names.
        positions = [e.callout for e in changes if e.callout.kind == pb.CalloutChange.POSITION]
        self.assertGreaterEqual(len(positions), 3)
        lats = []
        for ch in positions:
            self.assertEqual(ch.responder.ssi, 2003)
            self.assertEqual(ch.new_responder_state, pb.RESPONDER_EN_ROUTE)
            p = of(ch.callout, 2003).position
            self.assertEqual(p.seq, ch.input_seq)
            loc = next(e for e in s.events if e.seq == p.seq).location
            self.assertEqual(loc.calling.ssi, 2003)
            self.assertEqual((p.latitude, p.longitude), (loc.latitude, loc.longitude))
            self.assertTrue(TO_LAT - 1e-3 <= p.latitude <= FROM_LAT + 1e-3, p)
            self.assertTrue(FROM_LON - 1e-3 <= p.longitude <= TO_LON + 1e-3, p)
            lats.append(p.latitude)
        self.assertEqual(lats, sorted(lats, reverse=True))     # driving south
        self.assertGreater(lats[0] - lats[-1], 0.005)

        # The last snapshot is the whole call-out as it ended.
        end = closed.callout.callout
        self.assertEqual((end.state, end.outcome, end.closed_by, end.accepted),
                         (pb.CALLOUT_CLOSED, pb.OUTCOME_TREATED_ON_SITE, "dispatcher:amk-1", 1))
        self.assertGreater(end.closed_us, end.created_us)
        self.assertEqual([(x.identity.ssi, x.state) for x in end.responders],
                         [(2002, pb.RESPONDER_DECLINED), (2003, pb.RESPONDER_DONE)])
        self.assertEqual(of(end, 2003).position.latitude, lats[-1])

        self.assert_board_is_the_stream()

    def assert_board_is_the_stream(self):
        """Replay from seq 1 up to the board's seq: the last snapshot of
        each call-out is that call-out on the board."""
        board = self.board()
        cmd = self.commander("obs")
        drawn, nxt = {}, 1
        while nxt <= board.seq:
            r = cmd.request(pb.Command(replay=pb.Replay(from_seq=nxt)))
            self.assertEqual(r.code, pb.Reply.OK, r.error)
            self.assertFalse(r.replay.lost)
            for e in r.replay.events:
                if e.seq <= board.seq and e.WhichOneof("body") == "callout" and e.callout.callout_id:
                    drawn[e.callout.callout_id] = e.callout.callout
            self.assertGreater(r.replay.next_seq, nxt)
            nxt = r.replay.next_seq
        on_board = {c.id: c for c in board.callouts}
        self.assertTrue(on_board)
        self.assertEqual(sorted(drawn), sorted(on_board))
        for cid, c in on_board.items():
            self.assertEqual(drawn[cid], c, f"call-out {cid} from the stream differs from the board")

    def test_b_nobody_answers(self):
        s = self.stream()
        cid = self.request("disp", create(1, TEXT_B, [1002])).callout.id
        alarm = s.wait(lambda e: is_change(e, cid, pb.CalloutChange.ALARM), 60, "the escalation alarm")
        changes = s.changes(cid)

        # 1002: alerted, once again (realerts 1) X23 later, then no answer
        self.assertEqual(self.chain(changes, 1002),
                         ["RESPONDER_QUEUED", "RESPONDER_SENT", "RESPONDER_DELIVERED", "RESPONDER_NO_ANSWER"])
        realerts = [e.callout for e in changes if e.callout.kind == pb.CalloutChange.REALERT]
        self.assertEqual([(x.responder.ssi, x.by) for x in realerts], [(1002, "timer")])
        no_answer = next(e for e in changes if responder_in(e, cid, 1002, pb.RESPONDER_NO_ANSWER))
        self.assertEqual((no_answer.callout.cause, no_answer.callout.by), ("no answer after 2 alerts", "timer"))
        # ... at once (not at the 30 s deadline) the plan's next level: 1003
        level = next(e.callout for e in changes if e.callout.kind == pb.CalloutChange.LEVEL)
        self.assertEqual((level.callout.level, level.callout.escalated, level.by), (1, True, "timer"))
        self.assertEqual(level.cause, "everyone alerted has declined, failed or not answered")
        added = next(e.callout for e in changes if e.callout.kind == pb.CalloutChange.RESPONDER_ADDED)
        self.assertEqual((added.responder.ssi, added.responder.name, of(added.callout, 1003).level),
                         (1003, "Lege bakvakt", 1))
        # ... whose terminal reports that the alert cannot be delivered:
        # the alarm at once (not at the level's 10 s deadline)
        self.assertEqual(self.chain(changes, 1003), ["RESPONDER_QUEUED", "RESPONDER_SENT", "RESPONDER_FAILED"])
        failed = next(e for e in changes if responder_in(e, cid, 1003, pb.RESPONDER_FAILED))
        self.assertEqual(failed.callout.by, "radio")
        self.assertEqual(alarm.callout.cause, "everyone alerted has declined, failed or not answered")
        # in this order
        K = pb.CalloutChange
        steps = [(K.REALERT, 1002, None), (K.RESPONDER, 1002, pb.RESPONDER_NO_ANSWER), (K.LEVEL, 0, None),
                 (K.RESPONDER_ADDED, 1003, None), (K.RESPONDER, 1003, pb.RESPONDER_FAILED), (K.ALARM, 0, None)]
        at = [next(i for i, e in enumerate(changes) if e.callout.kind == k and e.callout.responder.ssi == n
                   and (st is None or e.callout.new_responder_state == st)) for k, n, st in steps]
        self.assertEqual(at, sorted(at))
        # ... and after the last level the alarm, which stays on
        a = alarm.callout.callout
        self.assertEqual((a.state, a.alarm, a.escalated, a.level), (pb.CALLOUT_OPEN, True, True, 1))
        self.assertEqual([(x.identity.ssi, x.state, x.alerts) for x in a.responders],
                         [(1002, pb.RESPONDER_NO_ANSWER, 2), (1003, pb.RESPONDER_FAILED, 1)])
        self.assertTrue([c for c in self.board().callouts if c.id == cid][0].alarm)

        # An observer cannot acknowledge it; a dispatcher can, once.
        ack = pb.Command(callout_ack=pb.CalloutAck(id=cid, reason="ringt bakvakt på telefon"))
        self.request("obs", ack, pb.Reply.NOT_ALLOWED)
        r = self.request("disp", ack)
        self.assertFalse(r.callout.alarm)
        acked = s.wait(lambda e: is_change(e, cid, pb.CalloutChange.ALARM_ACK), what="the acknowledgement")
        self.assertEqual((acked.callout.by, acked.callout.cause), ("dispatcher:amk-1", "ringt bakvakt på telefon"))
        self.assertFalse(acked.callout.callout.alarm)
        r = self.request("disp", ack, pb.Reply.CONFLICT)
        self.assertIn(f"call-out {cid} has no escalation alarm on", r.error)
        self.request("disp", pb.Command(callout_cancel=pb.CalloutCancel(id=cid, reason="løst på telefon")))
        s.wait(lambda e: is_change(e, cid, pb.CalloutChange.STATE) and e.callout.new_state == pb.CALLOUT_CANCELLED)

    def test_d_roles(self):
        # An observer may not alert: nothing is created.
        r = self.request("obs", create(1, TEXT_D, [2006]), pb.Reply.NOT_ALLOWED)
        self.assertRegex(r.error, r"^\S.*\S$")
        self.assertNotIn(TEXT_D, [c.text for c in self.board().callouts])

        s = self.stream()
        cid = self.request("disp", create(2, TEXT_D, [2006])).callout.id
        s.wait(lambda e: responder_in(e, cid, 2006, pb.RESPONDER_DELIVERED), what="2006 delivered")
        # ... nor change a call-out
        for cmd in [pb.Command(callout_cancel=pb.CalloutCancel(id=cid)),
                    pb.Command(callout_close=pb.CalloutClose(id=cid, outcome=pb.OUTCOME_NOT_NEEDED)),
                    pb.Command(callout_add=pb.CalloutAddResponder(id=cid, responder=ssi(2007))),
                    pb.Command(callout_realert=pb.CalloutRealert(id=cid, responder=ssi(2006))),
                    pb.Command(callout_set=pb.CalloutSetState(id=cid, responder=ssi(2006),
                                                              state=pb.RESPONDER_ACCEPTED, reason="x")),
                    pb.Command(callout_ack=pb.CalloutAck(id=cid))]:
            self.request("obs", cmd, pb.Reply.NOT_ALLOWED)
        # ... but reads the board and the history
        mine = [c for c in self.board().callouts if c.id == cid]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0].text, mine[0].created_by, mine[0].state), (TEXT_D, "amk-1", pb.CALLOUT_OPEN))
        self.assertEqual(of(mine[0], 2006).state, pb.RESPONDER_DELIVERED)
        detail = self.request("obs", pb.Command(callout_show=pb.CalloutShow(id=cid))).callout_detail
        self.assertEqual(detail.callout.id, cid)
        self.assertEqual(detail.history[0].change.kind, pb.CalloutChange.CREATED)
        last = detail.history[-1].seq
        s.wait(lambda e: e.seq >= last, what="the history's last change")
        self.assertEqual([h.seq for h in detail.history], [e.seq for e in s.changes(cid) if e.seq <= last])
        self.assertNotIn("observer", {c.created_role for c in self.board().callouts})
        self.request("disp", pb.Command(callout_cancel=pb.CalloutCancel(id=cid)))

    def test_e_no_text_in_log_or_report(self):
        s = self.stream()
        cid = self.request("disp", create(2, TEXT_E, [2007])).callout.id
        s.wait(lambda e: responder_in(e, cid, 2007, pb.RESPONDER_DELIVERED), what="2007 delivered")
        self.request("disp", pb.Command(callout_cancel=pb.CalloutCancel(id=cid, reason="feilalarm")))
        s.wait(lambda e: is_change(e, cid, pb.CalloutChange.STATE) and e.callout.new_state == pb.CALLOUT_CANCELLED)
        # The bridge has the text (the board shows it to those allowed) ...
        self.assertIn(TEXT_E, [c.text for c in self.board().callouts])

        # ... the report has the call-out, never its text, in any form,
        # and not for an admin asking for names either.
        since = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        outs = {}
        for who, form in [("obs", "--json"), ("obs", "--csv"), ("obs", None), ("adm", "--json")]:
            args = ["report", "--since", since] + ([form] if form else []) + (["--names"] if who == "adm" else [])
            outs[(who, form)] = self.tetractl(who, *args)
        rows = json.loads(outs[("obs", "--json")])["rows"]
        row = next(x for x in rows if x["id"] == str(cid))
        self.assertTrue(row["cancelledEarly"])
        self.assertIn(str(cid), [line.split(",")[0] for line in outs[("obs", "--csv")].splitlines()])
        named = json.loads(outs[("adm", "--json")])["rows"]
        self.assertEqual(next(x for x in named if x["id"] == str(cid))["responders"][0]["who"],
                         "Sykepleier Øst (2007)")   # names, for an admin
        for (who, form), out in outs.items():
            self.no_health_data(out, f"the report ({who}, {form or 'readable'})")

        # The daemon's log at its default level: call-outs by id, never their text.
        log = self.daemon.log.text()
        self.assertIn(f"call-out {cid} created", log)
        self.assertIn(f"call-out {cid} cancelled", log)
        self.no_health_data(log, "the daemon's log")

    def tetractl(self, who, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TETRA_BRIDGE_")}
        env.update(HOME=self.dir, XDG_CONFIG_HOME=os.path.join(self.dir, ".config"))
        r = subprocess.run([os.path.join(BUILD, "tools", "tetractl"), "callout", *args,
                            "--events", self.ep_ev, "--commands", self.ep_cmd, "--timeout", "30",
                            "--key", os.path.join(self.dir, who + ".key"),
                            "--server-key", os.path.join(self.dir, "bridge.pub")],
                           capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout


class Restart(BridgeTest):
    @classmethod
    def setUpClass(cls):
        cls.start_bridge()

    @classmethod
    def tearDownClass(cls):
        cls.stop_bridge()

    def stored_changes(self, cid):
        """cid's call-out events as the journal file has them."""
        db = sqlite3.connect(os.path.join(self.dir, "state", "tetra-bridge.db"))
        try:
            rows = db.execute("SELECT seq, body FROM events WHERE kind = 'callout' ORDER BY seq").fetchall()
        finally:
            db.close()
        return [(seq, bytes(body)) for seq, body in rows if pb.Event.FromString(body).callout.callout_id == cid]

    def test_c_kill9_mid_callout(self):
        s = self.stream()
        co = self.request("disp", create(2, TEXT_C, [2004, 1004], required=2)).callout
        cid, due = co.id, co.answer_deadline_us
        self.assertEqual(due - co.created_us, 15_000_000)
        # 2004 accepted and drives (its last position), 1004 stands by:
        # open, one of two accepted, the answer deadline running.
        s.wait(lambda e: responder_in(e, cid, 1004, pb.RESPONDER_STANDBY), what="1004 on standby")
        s.wait(lambda e: len([x for x in s.changes(cid) if x.callout.kind == pb.CalloutChange.POSITION]) == 3,
               what="2004's three positions")
        live = s.changes(cid)
        before = live[-1].callout.callout
        self.assertEqual((before.state, before.accepted, before.alarm), (pb.CALLOUT_OPEN, 1, False))
        self.assertEqual([(x.identity.ssi, x.state) for x in before.responders],
                         [(2004, pb.RESPONDER_EN_ROUTE), (1004, pb.RESPONDER_STANDBY)])
        self.assertTrue(of(before, 2004).HasField("position"))
        self.assertLess(time.time() * 1e6, due, "the deadline passed before the kill: this machine is too slow")

        # kill -9 while the daemon is between events. It stores the
        # call-out's snapshot just after it published the change, so the
        # reply to a command (the loop's next turn) says it is done with
        # the last one.
        self.board()
        self.daemon.kill9()
        self.assertEqual(self.daemon.proc.returncode, -9)
        killed_log = self.daemon.log.text()
        self.daemon.proc.stderr.close()
        s.close()
        # Every change that was published is in the journal, as published.
        self.assertEqual(self.stored_changes(cid), [(e.seq, e.SerializeToString()) for e in live])

        # Restart on the same state dir, with deadlines of 600 s in the
        # config: what fires within the bound below is the stored deadline.
        write_bridge(self.dir, self.vty_port, yellow_deadline=600, x23=600)
        self.daemon.start(online=1)
        self.assertIn("1 call-out(s) brought back, 1 open", self.daemon.log.text())
        board = self.board()
        back = [c for c in board.callouts if c.id == cid]
        self.assertEqual(len(back), 1)
        self.assertEqual(back[0], before, "the call-out came back otherwise than it was")
        self.assertEqual(back[0].answer_deadline_us, due)

        # Its deadline runs for the time that was left: the alarm (no plan)
        # when it was due, not 600 s after the restart.
        s2 = Stream(self, board.seq + 1)
        self.addCleanup(s2.close)
        left = max(0.0, due / 1e6 - time.time())
        alarm = s2.wait(lambda e: is_change(e, cid, pb.CalloutChange.ALARM), left + 20, "the alarm after the restart")
        self.assertGreaterEqual(alarm.time_us, due)
        self.assertEqual(alarm.callout.cause, "answer deadline passed with 1 of 2 accepted")
        self.assertGreater(alarm.seq, live[-1].seq)
        a = alarm.callout.callout
        self.assertEqual([(x.identity.ssi, x.state) for x in a.responders],
                         [(2004, pb.RESPONDER_EN_ROUTE), (1004, pb.RESPONDER_STANDBY)])
        self.assertEqual(of(a, 2004).position, of(before, 2004).position)

        # The restored call-out takes commands: acknowledged, closed.
        self.request("disp", pb.Command(callout_ack=pb.CalloutAck(id=cid)))
        r = self.request("disp", pb.Command(callout_close=pb.CalloutClose(id=cid,
                                                                          outcome=pb.OUTCOME_HANDED_TO_AMBULANCE)))
        self.assertEqual(r.callout.state, pb.CALLOUT_CLOSED)
        for log in (killed_log, self.daemon.log.text()):
            self.no_health_data(log, "the daemon's log")


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pb = tbtest.load_pb2(BUILD)
    # further arguments go to unittest, e.g. a test's name
    unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]])
