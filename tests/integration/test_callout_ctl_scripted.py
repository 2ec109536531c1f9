#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tetractl callout against a scripted bridge: a ROUTER in this process
that answers the call-out commands with replies made here, so what
tetractl sends, how it pages and what it prints are checked to the value,
without the daemon's tracker.

Run by ctest: test_callout_ctl_scripted.py BUILD_DIR SOURCE_DIR
(Debian's /usr/bin/python3 with python3-zmq and python3-protobuf).

* the changes (create, cancel, add, realert, set, close, ack): the Command
  each sends, the call-out each prints, --json, the text from stdin;
* board: every page fetched (after_id of the last), one seq, JSON merged;
* show: the call-out with notes and its history, one line per change;
* report: every page, dates in local time, the figures and the rule, CSV
  and JSON, --names refused for a non-admin with the bridge's sentence;
* usage errors and --help of every subcommand.

Every wait is bounded; endpoints are ipc:// in a temp dir.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

import zmq

BUILD = SOURCE = None
PB = None
ENV = None
TEXT = "Brystsmerter, Storgata 5"
NOTE = "Pasienten er 83 år"
T0 = 1714550400 * 1000000          # 2024-05-01 08:00:00 UTC (a Wednesday)


def ctl(*args, input=None, timeout=60):
    return subprocess.run([os.path.join(BUILD, "tools", "tetractl"), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, input=input, env=ENV)


def load_pb2():
    d = os.path.join(BUILD, "python")
    if not os.path.exists(os.path.join(d, "tetra_bridge_pb2.py")):
        d = tempfile.mkdtemp(prefix="tb-pb2-")
        subprocess.run(["protoc", f"--proto_path={SOURCE}/ipc", f"--python_out={d}",
                        os.path.join(SOURCE, "ipc", "tetra_bridge.proto")], check=True)
    sys.path.insert(0, d)
    import tetra_bridge_pb2
    return tetra_bridge_pb2


def callout(cid, state=0, n=2, notes=False):
    co = PB.Callout(id=cid, state=state, severity=1, severity_name="rød", text=TEXT, radio="a", method=1,
                    required=1, accepted=1, created_by="amk-1", created_role="dispatcher", created_us=T0,
                    answer_deadline_us=T0 + 120 * 1000000)
    for i in range(n):
        r = co.responders.add(state=4 if i == 0 else 2, alerts=1, since_us=T0 + 30 * 1000000,
                              cause="status 0x8001 kommer" if i == 0 else "alert delivered")
        r.identity.ssi = 1001 + i
        r.identity.name = "Sykepleier Nord" if i == 0 else ""
        if notes and i == 0:
            r.notes.append(NOTE)
            r.position.latitude, r.position.longitude, r.position.time_us = 59.91234, 10.75, T0
    return co


def row(cid, sev, created_s, answer, accept, on_scene, **flags):
    r = PB.CalloutReportRow(id=cid, severity=sev, severity_name={1: "rød", 2: "gul"}.get(sev, ""),
                            created_us=(1714550400 + created_s) * 1000000, state=3, outcome=1,
                            answer_deadline_s=120, on_scene_target_s=1200, utc_offset_s=7200, **flags)
    t = r.times
    t.sent_s, t.delivered_s, t.first_answer_s, t.first_accept_s = 2, 5, answer, accept
    t.en_route_s, t.on_scene_s, t.done_s = accept + 10 if accept >= 0 else -1, on_scene, -1
    rr = r.responders.add(who="R-3f9a1c", state=10)
    rr.times.CopyFrom(t)
    return r


class ScriptedBridge(threading.Thread):
    """A ROUTER answering call-out commands: reply(cmd) -> Reply."""

    def __init__(self, tmpdir):
        super().__init__(daemon=True)
        self.ctx = zmq.Context()
        self.commands = f"ipc://{tmpdir}/cmd"
        self.router = self.ctx.socket(zmq.ROUTER)
        self.router.bind(self.commands)
        self.ctrl = self.ctx.socket(zmq.PAIR)
        self.ctrl.bind(f"inproc://stop-{id(self)}")
        self.peer = self.ctx.socket(zmq.PAIR)
        self.peer.connect(f"inproc://stop-{id(self)}")
        self.seen = []                      # the Commands, in order
        self.names_allowed = False

    def reply(self, cmd):
        rp = PB.Reply(request_id=cmd.request_id)
        which = cmd.WhichOneof("command")
        if which == "callout_board":
            if cmd.callout_board.after_id == 0:
                rp.board.callouts.extend([callout(1), callout(2, state=1)])
                rp.board.seq, rp.board.more = 500, True
            else:
                rp.board.callouts.extend([callout(3, state=3)])
                rp.board.seq = 505
        elif which == "callout_show":
            if cmd.callout_show.id != 2:
                rp.code = PB.Reply.UNKNOWN_CALLOUT
                rp.error = "there is no call-out 9; `tetractl callout board` lists the open ones"
                return rp
            rp.callout_detail.callout.CopyFrom(callout(2, notes=True))
            h = rp.callout_detail.history.add(seq=1203, time_us=T0)
            h.change.callout_id, h.change.kind, h.change.by = 2, PB.CalloutChange.CREATED, "dispatcher:amk-1"
            h = rp.callout_detail.history.add(seq=1210, time_us=T0 + 5000000)
            c = h.change
            c.callout_id, c.kind, c.by, c.cause = 2, PB.CalloutChange.RESPONDER, "radio", "alert delivered"
            c.responder.ssi, c.responder.name = 1001, "Sykepleier Nord"
            c.old_responder_state, c.new_responder_state = 1, 2
        elif which == "callout_report":
            r = cmd.callout_report
            if r.names and not self.names_allowed:
                rp.code = PB.Reply.NOT_ALLOWED
                rp.error = "responders by name are for admin keys only"
                return rp
            if r.after_id == 0:
                rp.report.rows.extend([row(1, 1, 0, 30, 40, 600), row(2, 1, 3600, 200, 250, 1500),
                                       row(3, 2, 86400, 60, 60, 900)])
                rp.report.more = True
            else:
                rp.report.rows.extend([row(4, 1, 0, 1, 1, 1, test=True),
                                       row(5, 2, 0, 5, -1, -1, cancelled_early=True)])
                rp.report.rows[-1].state = PB.CALLOUT_CANCELLED
        else:
            co = callout(7)
            if which == "callout_create":
                co.text = cmd.callout_create.text
            rp.callout.CopyFrom(co)
        return rp

    def run(self):
        poller = zmq.Poller()
        poller.register(self.router, zmq.POLLIN)
        poller.register(self.ctrl, zmq.POLLIN)
        while True:
            ready = dict(poller.poll())
            if self.ctrl in ready:
                break
            ident, data = self.router.recv_multipart()
            cmd = PB.Command.FromString(data)
            self.seen.append(cmd)
            self.router.send_multipart([ident, self.reply(cmd).SerializeToString()])
        self.router.close(0)
        self.ctrl.close(0)

    def stop(self):
        self.peer.send(b"stop")
        self.join(timeout=10)
        self.peer.close(0)
        self.ctx.term()


class Scripted(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tbco.", dir="/tmp")
        self.bridge = ScriptedBridge(self.dir)
        self.bridge.start()

    def tearDown(self):
        self.bridge.stop()
        shutil.rmtree(self.dir)

    def run_ctl(self, *args, input=None, ok=True):
        r = ctl("callout", *args, "--commands", self.bridge.commands, "--timeout", "30", input=input)
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def sent(self, which):
        cmds = [c for c in self.bridge.seen if c.WhichOneof("command") == which]
        self.assertTrue(cmds, f"no {which} sent")
        return getattr(cmds[-1], which)

    # ---- changes ---------------------------------------------------------
    def test_create_sends_everything_and_prints_the_callout(self):
        r = self.run_ctl("create", "a", "1", TEXT, "1001", "02420000100001002", "--required", "2",
                         "--plan", "natt", "--method", "callout", "--override", "--test", "--queue-if-offline")
        c = self.sent("callout_create")
        self.assertEqual((c.radio, c.severity, c.text, c.required, c.plan), ("a", 1, TEXT, 2, "natt"))
        self.assertEqual(c.method, PB.ALERT_CALLOUT)
        self.assertTrue(c.override and c.test and c.queue_if_offline)
        self.assertEqual([(x.type, x.mcc, x.mnc, x.ssi) for x in c.responders],
                         [(PB.IDENTITY_SSI, 0, 0, 1001), (PB.IDENTITY_TSI, 242, 1, 1002)])
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "call-out 7: open, rød (severity 1), via a")
        self.assertEqual(lines[1], f'  "{TEXT}"')
        self.assertRegex(lines[2], r"^  created (\d\d:\d\d:\d\d|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) by amk-1 "
                                   r"\(dispatcher\), alert by text$")
        self.assertRegex(lines[3], r"^  1 of 1 required accepted, answers by ")
        self.assertRegex(lines[4], r"^  RESPONDER\s+STATE\s+SINCE\s+ALERTS\s+ANSWER BY\s+CAUSE$")
        self.assertRegex(lines[5], r'^  1001 \(Sykepleier Nord\)\s+accepted\s+\S.*\s1\s+\S+\s+"status 0x8001 kommer"$')
        self.assertRegex(lines[6], r'^  1002\s+delivered\s')
        self.assertNotIn(NOTE, r.stdout)     # notes only with show

    def test_create_text_from_stdin_and_json(self):
        r = self.run_ctl("create", "a", "3", "-", "1001", "--json", input="Fall i trapp\n")
        self.assertEqual(self.sent("callout_create").text, "Fall i trapp")
        j = json.loads(r.stdout)
        self.assertEqual(j["id"], "7")
        self.assertEqual(j["text"], "Fall i trapp")
        self.assertEqual(j["responders"][0]["identity"]["name"], "Sykepleier Nord")

    def test_the_other_changes(self):
        self.run_ctl("cancel", "7", "--reason", "feilalarm")
        self.assertEqual((self.sent("callout_cancel").id, self.sent("callout_cancel").reason), (7, "feilalarm"))
        self.run_ctl("add", "7", "1003", "--override")
        a = self.sent("callout_add")
        self.assertEqual((a.id, a.responder.ssi, a.override), (7, 1003, True))
        self.run_ctl("realert", "7", "1003")
        self.assertEqual(self.sent("callout_realert").responder.ssi, 1003)
        self.run_ctl("set", "7", "1003", "en-route", "--reason", "confirmed by phone")
        s = self.sent("callout_set")
        self.assertEqual((s.id, s.responder.ssi, s.state, s.reason),
                         (7, 1003, PB.RESPONDER_EN_ROUTE, "confirmed by phone"))
        r = self.run_ctl("close", "7", "ambulance", "--reason", "overlevert")
        c = self.sent("callout_close")
        self.assertEqual((c.id, c.outcome, c.reason), (7, PB.OUTCOME_HANDED_TO_AMBULANCE, "overlevert"))
        self.assertTrue(r.stdout.startswith("call-out 7: "))
        self.run_ctl("ack", "7")
        self.assertEqual(self.sent("callout_ack").id, 7)

    # ---- board and show ------------------------------------------------------
    def test_board_fetches_every_page(self):
        r = self.run_ctl("board")
        boards = [c.callout_board.after_id for c in self.bridge.seen]
        self.assertEqual(boards, [0, 2])
        self.assertTrue(r.stdout.startswith("board at seq 500: 3 call-outs\n"), r.stdout)
        self.assertEqual(re.findall(r"^call-out (\d+): (\w+)", r.stdout, re.M),
                         [("1", "open"), ("2", "staffed"), ("3", "closed")])
        j = json.loads(self.run_ctl("board", "--json").stdout)
        self.assertEqual(j["seq"], "500")      # the first page's: follow the stream after it
        self.assertFalse(j["more"])
        self.assertEqual([c["id"] for c in j["callouts"]], ["1", "2", "3"])

    def test_show_prints_notes_and_history(self):
        r = self.run_ctl("show", "2")
        self.assertEqual(self.sent("callout_show").id, 2)
        self.assertIn(f'      note "{NOTE}"', r.stdout)
        self.assertIn("      position 59.91234 N 10.75000 E at ", r.stdout)
        hist = r.stdout.split("history (2 lines, oldest first):\n")[1].splitlines()
        self.assertRegex(hist[0], r"^  \S.* #1203 callout 2 created, by dispatcher:amk-1$")
        self.assertRegex(hist[1], r"^  \S.* #1210 callout 2 1001 \(Sykepleier Nord\) sent -> delivered: "
                                  r"alert delivered, by radio$")
        j = json.loads(self.run_ctl("show", "2", "--json").stdout)
        self.assertEqual(j["history"][1]["seq"], "1210")

    def test_show_unknown_callout(self):
        r = self.run_ctl("show", "9", ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "tetractl: UNKNOWN_CALLOUT: there is no call-out 9; `tetractl callout board` "
                                   "lists the open ones\n")

    # ---- report ----------------------------------------------------------------
    def test_report_readable(self):
        r = self.run_ctl("report", "--since", "2024-05-01", "--until", "2024-05-02", "--responders")
        reps = [c.callout_report for c in self.bridge.seen]
        self.assertEqual([x.after_id for x in reps], [0, 3])
        # local time is UTC here (ENV): the whole day of --until
        self.assertEqual({(x.since_us, x.until_us) for x in reps}, {(1714521600000000, 1714694400000000)})
        self.assertFalse(any(x.names for x in reps))
        out = r.stdout
        # a row: created in local time of the bridge's offset (+2 h), times m:ss
        self.assertRegex(out, r"\n1\s+2024-05-01 10:00\s+1 rød\s+closed\s+treated on site\s+0:02\s+0:05\s+0:30\s+"
                              r"0:40\s+0:50\s+10:00\s+-\s+yes\n")
        self.assertRegex(out, r"\n4 .* no: test\n")
        self.assertRegex(out, r"\n5 .* no: cancelled early\n")
        self.assertIn("  R-3f9a1c ", out)
        self.assertIn("Counted: 3 of 5 call-outs. Apart: 1 test, 1 cancelled early, 0 manual.", out)
        # answers 30, 200, 60 against 120 s: 2 of 3; accepts 40, 250, 60: 2 of 3;
        # on scene 600, 1500, 900 against 1200 s: 2 of 3
        self.assertRegex(out, r"answered within the deadline\s+2 of 3\s+66.7 %")
        self.assertRegex(out, r"accepted within the deadline\s+2 of 3\s+66.7 %")
        self.assertRegex(out, r"on scene within the target\s+2 of 3\s+66.7 %")
        # p50 / p90 of the first answer: 30, 60, 200 -> 1:00, 3:20
        self.assertRegex(out, r"first answer\s+3\s+1:00\s+3:20\n")
        self.assertIn("By severity:\n  1 rød", out)
        self.assertIn("  2 gul", out)
        self.assertRegex(out, r"\n  10:00\s+2 call-outs")       # local hours (Wednesday and Thursday)
        self.assertRegex(out, r"\n  11:00\s+1 call-out;")
        self.assertRegex(out, r"\n  Wednesday\s+2 call-outs")
        self.assertRegex(out, r"\n  Thursday\s+1 call-out;")
        self.assertIn("The rule:\nCounted apart, each under the first that applies", out)
        self.assertNotIn(TEXT, out)

    def test_report_json_and_csv(self):
        j = json.loads(self.run_ctl("report", "--since", "2024-05-01T00:00", "--json").stdout)
        self.assertEqual(j["sinceUs"], "1714521600000000")
        self.assertEqual(len(j["rows"]), 5)
        self.assertEqual(j["counted"], 3)
        self.assertEqual(j["apart"], {"test": 1, "cancelled_early": 1, "manual": 0})
        a = j["figures"]["all"]
        self.assertEqual(a["answered_within_deadline"]["within"], 2)
        self.assertAlmostEqual(a["answered_within_deadline"]["share"], 2 / 3)
        self.assertEqual(a["steps"]["first_answer"], {"reached": 3, "p50_s": 60, "p90_s": 200})
        self.assertEqual(a["steps"]["done"], {"reached": 0, "p50_s": None, "p90_s": None})
        self.assertEqual([g["severity"] for g in j["figures"]["by_severity"]], [1, 2])
        self.assertEqual([g["weekday"] for g in j["figures"]["by_weekday"]], ["Wednesday", "Thursday"])
        self.assertIn("Counted apart", j["rule"])

        lines = self.run_ctl("report", "--since", "2024-05-01", "--csv").stdout.splitlines()
        self.assertEqual(lines[0].split(",")[:8], ["id", "created_local", "utc_offset_s", "severity",
                                                   "severity_name", "state", "outcome", "counted"])
        self.assertEqual(len(lines), 6)
        self.assertEqual(lines[1], "1,2024-05-01 10:00,7200,1,rød,closed,treated on site,counted,0,0,0,0,120,"
                                   "1200,2,5,30,40,50,600,-1,1")
        self.assertEqual(lines[5].split(",")[7], "cancelled early")
        per = self.run_ctl("report", "--since", "2024-05-01", "--csv", "--responders").stdout.splitlines()
        self.assertEqual(per[0], "callout_id,who,state,late,sent_s,delivered_s,first_answer_s,first_accept_s,"
                                 "en_route_s,on_scene_s,done_s")
        self.assertEqual(per[1], "1,R-3f9a1c,done,0,2,5,30,40,50,600,-1")

    def test_report_names_refused_for_non_admin(self):
        r = self.run_ctl("report", "--since", "2024-05-01", "--names", ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "tetractl: NOT_ALLOWED: responders by name are for admin keys only\n")
        self.assertTrue(self.sent("callout_report").names)
        self.assertEqual(r.stdout, "")


class Offline(unittest.TestCase):
    def test_help_for_every_subcommand(self):
        for sub in ["create", "cancel", "add", "realert", "set", "close", "ack", "board", "show", "report"]:
            r = ctl("callout", sub, "--help")
            self.assertEqual(r.returncode, 0, sub)
            self.assertTrue(r.stdout.startswith(f"Usage: tetractl callout {sub} "), sub)
            self.assertIn("Exit status:", r.stdout)
        r = ctl("callout", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("report    response times", r.stdout)

    def test_usage_errors(self):
        for args, what in [
            (["callout"], "which callout command?"),
            (["callout", "frob"], "unknown callout command \"frob\""),
            (["callout", "create", "a", "1", "x"], "RESPONDER is missing"),
            (["callout", "create", "a", "16", "x", "1001"], "SEVERITY \"16\" is not 1-15"),
            (["callout", "create", "a", "1", "x", "123456789"], "neither an SSI"),
            (["callout", "create", "a", "1", "x", "1001", "--method", "pager"], "--method wants text or callout"),
            (["callout", "create", "a", "1", "x", "1001", "--required", "0"], "--required wants a number 1-64"),
            (["callout", "cancel"], "ID is missing"),
            (["callout", "cancel", "0"], "ID \"0\" is not a call-out id"),
            (["callout", "set", "1", "1001", "sent", "--reason", "x"], "STATE \"sent\" cannot be set by hand"),
            (["callout", "set", "1", "1001", "accepted"], "say why with --reason"),
            (["callout", "close", "1", "fine"], "OUTCOME \"fine\" is not one of"),
            (["callout", "show", "1", "2"], "unexpected argument \"2\""),
            (["callout", "report"], "--since DATE is missing"),
            (["callout", "report", "--since", "2024-02-30"], "--since wants a date"),
            (["callout", "report", "--since", "2024-05-02", "--until", "2024-05-01"],
             "--since must be before --until"),
            (["callout", "report", "--since", "2024-05-01", "--json", "--csv"], "--json or --csv"),
        ]:
            r = ctl(*args)
            self.assertEqual(r.returncode, 64, (args, r.stderr))
            self.assertIn(what, r.stderr, args)


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    PB = load_pb2()
    home = tempfile.mkdtemp(prefix="tbco-home.", dir="/tmp")
    ENV = {k: v for k, v in os.environ.items() if not k.startswith("TETRA_BRIDGE_")}
    ENV.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"), TZ="UTC")
    try:
        unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]])
    finally:
        shutil.rmtree(home, ignore_errors=True)
