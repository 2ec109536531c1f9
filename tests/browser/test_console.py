#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tetra-web's page in a real browser (headless Chromium driven with
python3-selenium) against the real tetra-web and tetra-bridged, whose
simulated radio "lvs" plays the field responders of a scenario written
here (a second radio plays the demo's ambulance for traffic).

Two browsers (two profiles: two sessions) share the cases, in order:

  1. a dispatcher signs in; the radios show online; a call-out created
     through the bridge's command socket (a Python client, as the demo's
     tetractl does) appears as a card and its responder changes state
     live (received, read, accepted) until the card shows it accepted,
     with no reload;
  2. a call-out made in the page's dialog (the responder picked from the
     roster, an answer deadline of its own) is accepted by the simulated responder and the card shows it
     (1 of 1 accepted, the chip RESPONDER_ACCEPTED, made by the person);
  3. a call-out nobody answers (no re-alerts, a short X23) escalates to
     the plan's last level and on to the alarm: the banner shows in both
     browsers; acknowledged in one, it goes in the other too;
  4. refusals, none of which reaches the bridge (its reply counters on
     the VTY do not move, and the same action from a dispatcher's page
     then does move them): a wrong password, an action without the CSRF
     token, an observer's page (no action buttons; its POST refused), a
     request without a session (from the page without its cookie, and
     from Python);
  5. the bridge killed (kill -9) under the page and started again on the
     same journal: the bridge's chip goes down and up, and the event log
     has every seq from its first row to the journal's last, each row the
     journal's event;
  6. a screenshot of the board (cards, radios, log, map) is saved as a
     test artifact, BUILD/artifacts/tetra-web-board.png.

Neither page logs a script error or a Content-Security-Policy violation.

Run by ctest: test_console.py BUILD_DIR SOURCE_DIR.
"""

import json
import os
import re
import shutil
import ssl
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import zmq
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rig  # noqa: E402
from rig import tbtest  # noqa: E402

BUILD = SOURCE = None
pb = None

BRIDGE = "lvs-1"
LVS_TSI = "02420001600001001"
AMBULANCE_TSI = "02420001600003001"
USERS = {"kari": ("dispatcher", "karis-passord-42"), "per": ("dispatcher", "pers-passord-77"),
         "ola": ("observer", "olas-passord-123")}
TEXT_1 = "Brystsmerter, mann 71 år, Storgata 5"
TEXT_2 = "Fall i trapp, Nordveien 12"
TEXT_3 = "Pustebesvær, Sjøgata 3"

# The responders on the air of radio "lvs", seconds after an alert reached
# them. X23 is 6 s and there are no re-alerts: an answer after 6 s is late.
SCENARIO = """\
# test_console.py: the field responders of radio lvs.
# (1) a call-out from the command socket: 2003 receives, reads, accepts, drives.
responder 2003 at 0.5 received
responder 2003 at 1.5 consumed
responder 2003 at 3 accept status 0x8000
responder 2003 at 3.5 move from 60.3913,5.3221 to 60.3795,5.3530 until 120 every 4
# (2) a call-out from the page: 2004 accepts and drives.
responder 2004 at 0.5 received
responder 2004 at 1 consumed
responder 2004 at 2 accept status 0x8000
responder 2004 at 2.5 move from 60.4010,5.3000 to 60.3850,5.3400 until 120 every 4
# (3) nobody answers: the doctor on call, then the plan's back-up doctor.
responder 1002 at 0.3 received
responder 1002 never
responder 1003 at 0.3 received
responder 1003 never
"""

ROSTER = [
    "roster",
    f" identity {LVS_TSI} name Legevaktsentralen",
    f" identity {AMBULANCE_TSI} name Ambulanse 1",
    " identity 4001 name AMK Førde",
    " identity 2003 name Sykepleier Sør",
    " identity 2004 name Sykepleier Vest",
    " identity 1002 name Lege i vakt",
    " identity 1003 name Lege bakvakt",
    " status 0x8000 meaning accept name kommer",
    " status 0x8002 meaning en-route name på vei",
    " status 0x8005 name ring AMK",
    " status 0x8006 name beredskap",
]

CALLOUT = [
    "callout",
    " alert-method text",
    " required 1",
    " realerts 0",
    " plan bakvakt level 1 deadline 10 responder 1003",
    " severity 1 name rød deadline 60 on-scene 0",
    " severity 2 name gul deadline 10 on-scene 0 plan bakvakt",
]

# The page's kind of an event (web/static/store.js KINDS) by the oneof's field.
KIND_OF_FIELD = {"radio_state": "radio", "sds_raw": "sds"}

WAITING = ["RESPONDER_QUEUED", "RESPONDER_SENT", "RESPONDER_DELIVERED", "RESPONDER_READ"]

# Records every state each responder on the board shows, in order (a card
# is drawn anew when its call-out changes), and marks the page so that a
# reload would show (the mark would be gone).
RECORD_STATES = """
window.tbPageMark = 'never reloaded';
window.tbStates = [];
const note = () => {
    for (const r of document.querySelectorAll('#board .callout-card .responder')) {
        const card = r.closest('.callout-card');
        const key = `${card.dataset.bridge}#${card.dataset.id}/${r.dataset.ssi}`;
        const last = window.tbStates.filter((x) => x[0] === key).pop();
        if (!last || last[1] !== r.dataset.state)
            window.tbStates.push([key, r.dataset.state]);
    }
};
new MutationObserver(note).observe(document.getElementById('board'),
                                   {childList: true, subtree: true, attributes: true});
note();
"""


def write_bridge(d, vty_port):
    """Keys, clients, the scenario and d/bridge.cfg. Returns the config's path."""
    tbtest.write_keypair(f"{d}/bridge")
    web_pub, _ = tbtest.write_keypair(f"{d}/web")
    disp_pub, _ = tbtest.write_keypair(f"{d}/disp")
    with open(f"{d}/clients", "w") as f:
        f.write(f"dispatcher {web_pub} tetra-web gateway\ndispatcher {disp_pub} amk-1\n")
    with open(f"{d}/lvs.scn", "w") as f:
        f.write(SCENARIO)
    os.makedirs(f"{d}/state", mode=0o700, exist_ok=True)
    cfg = ["log stderr", " logging color 0",
           "line vty", f" bind 127.0.0.1 {vty_port}",
           "bridge", " id browser-test", f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands",
           f" state-dir {d}/state", f" curve server-key {d}/bridge.key", f" curve clients {d}/clients",
           " timer callout X23 6",
           "radio lvs", " transport sim", f" sim-identity {LVS_TSI}", f" simulate {d}/lvs.scn",
           "radio ambulance", " transport sim", f" sim-identity {AMBULANCE_TSI}",
           f" simulate {SOURCE}/examples/scenarios/ambulance.scn"] + ROSTER + CALLOUT
    path = f"{d}/bridge.cfg"
    with open(path, "w") as f:
        f.write("\n".join(cfg) + "\n")
    return path


def read_keys(path):
    keys = {}
    with open(path) as f:
        for line in f:
            for k in ("public-key", "secret-key"):
                if k in line:
                    keys[k] = line.split('"')[1]
    return keys["public-key"], keys["secret-key"]


def card(cid):
    """The selector of call-out cid's card."""
    return f'.callout-card[data-bridge="{BRIDGE}"][data-id="{cid}"]'


def bad_status():
    """The action the refusals try: if it reached the bridge, its reply
    would be UNKNOWN_RADIO (or NOT_ALLOWED for an observer)."""
    return {"bridge": BRIDGE, "command": {"sendStatus": {
        "radio": "no-such-radio", "to": {"type": "IDENTITY_SSI", "ssi": 1001}, "value": 32773}}}


class Console(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t0 = time.monotonic()
        cls.dir = d = tempfile.mkdtemp(prefix="tb-browser-")
        cls.vty_port = tbtest.free_port()
        cls.bridge = tbtest.Daemon(BUILD, write_bridge(d, cls.vty_port), cls.vty_port)
        cls.bridge.start(online=2)
        cls.ctx = zmq.Context()
        cls.server_pub = read_keys(f"{d}/bridge.key")[0]
        cls.disp = read_keys(f"{d}/disp.key")

        rig.make_certificate(d)
        for name, (role, password) in USERS.items():
            rig.add_user(BUILD, f"{d}/users", name, role, password)
        with open(f"{d}/web.cfg", "w") as f:
            f.write("web\n listen 127.0.0.1 0\n certificate web.pem\n private-key web.pem.key\n users users\n"
                    f" static {SOURCE}/web/static\n curve-key web.key\n"
                    f"bridge {BRIDGE}\n"
                    f" events ipc://{d}/events\n commands ipc://{d}/commands\n server-key {d}/bridge.pub\n")
        cls.web = rig.Web(BUILD, f"{d}/web.cfg")
        try:
            cls.drivers = rig.chromiums([f"{d}/profile-a", f"{d}/profile-b"])
        except BaseException:
            cls.stop_daemons()
            raise
        cls.a, cls.b = (rig.Page(drv, cls.web.url) for drv in cls.drivers)
        cls.callouts = {}

    @classmethod
    def stop_daemons(cls):
        try:
            cls.web.stop()
        finally:
            try:
                if cls.bridge.proc.poll() is None:
                    cls.bridge.stop()
                cls.bridge.proc.stderr.close()
            finally:
                cls.ctx.destroy(linger=0)

    @classmethod
    def tearDownClass(cls):
        try:
            for drv in cls.drivers:
                drv.quit()
            cls.stop_daemons()
        finally:
            shutil.rmtree(cls.dir, ignore_errors=True)
            print(f"\nthe module took {time.monotonic() - cls.t0:.1f} s", file=sys.stderr)

    def tearDown(self):
        for name, proc, log in (("tetra-bridged", self.bridge.proc, self.bridge.log),
                                ("tetra-web", self.web.proc, self.web.log)):
            self.assertIsNone(proc.poll(), f"{name} ended during the case:\n" + log.text()[-6000:])
        for page in (self.a, self.b):
            # a case that failed half-way leaves no modal dialog for the next
            page.js("for (const d of document.querySelectorAll('dialog[open]')) d.close();")
            errors = page.script_errors()
            self.assertEqual(errors, [], "the page logged a script error or a CSP violation")

    # ---- helpers ----------------------------------------------------------

    def sign_in(self, page, user):
        page.sign_in(user, USERS[user][1])

    def command(self, cmd):
        """The bridge's Reply to cmd from the Python client (key amk-1)."""
        c = tbtest.Commander(pb, self.ctx, f"ipc://{self.dir}/commands", self.server_pub, self.disp)
        try:
            r = c.request(cmd, timeout=30)
        finally:
            c.close()
        self.assertIsNotNone(r, "the bridge did not answer")
        self.assertEqual(r.code, pb.Reply.OK, f"{pb.Reply.Code.Name(r.code)}: {r.error}")
        return r

    def create(self, severity, text, ssi):
        r = self.command(pb.Command(callout_create=pb.CalloutCreate(
            radio="lvs", severity=severity, text=text,
            responders=[pb.Identity(type=pb.IDENTITY_SSI, ssi=ssi)])))
        return str(r.callout.id)

    def replies(self):
        """The bridge's counts of replies by code (VTY `show stats`: asking
        sends no command)."""
        out = self.bridge.vty("show stats")
        got = {code: int(n) for code, n in re.findall(r"Replies with code (\w+):\s+(\d+)", out)}
        self.assertIn("UNKNOWN_RADIO", got, out)
        return got

    def chip_is(self, page, ssi, cid, state):
        return page.attr(f'{card(cid)} .responder[data-ssi="{ssi}"] .state-chip', "data-state") == state

    def accepted_of(self, page, cid):
        return (page.attr(f"{card(cid)} .co-accepted", "data-accepted"),
                page.attr(f"{card(cid)} .co-accepted", "data-required"))

    # ---- the cases ----------------------------------------------------------

    def test_1_callout_from_the_command_socket_live(self):
        a = self.a
        self.sign_in(a, "kari")
        self.assertEqual(a.js("return document.body.dataset.role"), "dispatcher")
        self.assertTrue(a.js("return document.body.classList.contains('can-act')"))
        for radio in ("lvs", "ambulance"):
            a.wait(lambda d: a.count(f'#radios .radio[data-bridge="{BRIDGE}"][data-name="{radio}"]'
                                     '[data-state="STATE_ONLINE"]'), f"radio {radio} online")
        a.js(RECORD_STATES)

        cid = self.create(1, TEXT_1, 2003)
        self.callouts[1] = cid
        a.wait(lambda d: a.count(card(cid)), f"the card of call-out {cid}")
        a.wait(lambda d: self.chip_is(a, 2003, cid, "RESPONDER_ACCEPTED"), "2003's chip accepted")
        a.wait(lambda d: a.attr(card(cid), "data-state") == "CALLOUT_STAFFED", "the call-out staffed")
        self.assertEqual(self.accepted_of(a, cid), ("1", "1"))
        self.assertEqual(a.text(f"{card(cid)} .co-text"), TEXT_1)

        # Live: the card was there before the answer and changed with each
        # state, in order, on the same page (never reloaded).
        self.assertEqual(a.js("return window.tbPageMark"), "never reloaded")
        seen = [s for k, s in a.js("return window.tbStates") if k == f"{BRIDGE}#{cid}/2003"]
        self.assertEqual(seen[-1], "RESPONDER_ACCEPTED", seen)
        self.assertGreaterEqual(len(seen), 2, f"the responder's state never changed on the card: {seen}")
        waiting = seen[:-1]
        self.assertTrue(all(s in WAITING for s in waiting), seen)
        self.assertEqual(waiting, sorted(waiting, key=WAITING.index), f"states out of order: {seen}")

    def test_2_callout_from_the_page(self):
        a = self.a
        self.sign_in(a, "kari")
        a.driver.find_element(By.ID, "new-callout").click()
        a.wait(lambda d: a.js("return document.getElementById('callout-dialog').open"), "the dialog open")
        a.wait(lambda d: a.count('#co-responders input[data-ssi="2004"]'), "the roster in the dialog")
        self.assertEqual(a.js("return document.getElementById('co-bridge').value"), BRIDGE)
        Select(a.one("#co-radio")).select_by_value("lvs")
        Select(a.one("#co-severity")).select_by_value("1")
        a.one("#co-text").send_keys(TEXT_2)
        a.one("#co-deadline").send_keys("600")
        a.one('#co-responders input[data-ssi="2004"]').click()
        self.assertEqual(a.attr('#co-responders input[data-ssi="2004"]', "data-group"), "false")
        a.js("document.getElementById('toasts').replaceChildren()")
        a.one("#co-submit").click()
        a.wait(lambda d: a.count("#toasts .toast"), "the toast with the bridge's answer")
        self.assertEqual((a.attr("#toasts .toast", "class"), a.attr("#toasts .toast", "data-code")),
                         ("toast ok", "OK"), a.text("#toasts .toast"))
        a.wait(lambda d: not a.js("return document.getElementById('callout-dialog').open"), "the dialog closed")

        cid = a.wait(lambda d: a.js("""
            const card = [...document.querySelectorAll(`.callout-card[data-bridge="${arguments[0]}"]`)]
                .find((c) => c.querySelector('.co-text').textContent === arguments[1]);
            return card ? card.dataset.id : null;""", BRIDGE, TEXT_2), "the card of the page's call-out")
        self.callouts[2] = cid
        a.wait(lambda d: self.chip_is(a, 2004, cid, "RESPONDER_ACCEPTED"), "2004's chip accepted")
        a.wait(lambda d: self.accepted_of(a, cid) == ("1", "1"), "1 of 1 accepted on the card")
        self.assertEqual(a.attr(card(cid), "data-state"), "CALLOUT_STAFFED")
        # The person who made it travels to the bridge and back.
        self.assertIn("kari", a.text(f"{card(cid)} .co-by"))
        detail = self.command(pb.Command(callout_show=pb.CalloutShow(id=int(cid)))).callout_detail
        self.assertEqual((detail.callout.text, detail.callout.created_by), (TEXT_2, "kari@tetra-web"))
        # The dialog's answer deadline, not the severity's 60 s.
        self.assertAlmostEqual((detail.callout.answer_deadline_us - detail.callout.created_us) / 1e6, 600, delta=2)

    def test_3_alarm_on_two_browsers(self):
        a, b = self.a, self.b
        self.sign_in(a, "kari")
        self.sign_in(b, "per")
        for page in (a, b):
            self.assertFalse(page.shown("#alarm-banner"), "an alarm before the call-out")
        cid = self.create(2, TEXT_3, 1002)
        self.callouts[3] = cid
        item = f'#alarm-banner .alarm-item[data-bridge="{BRIDGE}"][data-id="{cid}"]'
        for page in (a, b):
            # 6 s without an answer, the back-up doctor 6 s more: the alarm.
            page.wait(lambda d: page.shown("#alarm-banner") and page.count(item),
                      "the alarm banner with the call-out")
            self.assertEqual(page.attr(card(cid), "data-alarm"), "true")
        self.assertEqual(a.attr(card(cid), "data-state"), "CALLOUT_OPEN")
        self.assertTrue(self.chip_is(b, 1003, cid, "RESPONDER_NO_ANSWER"))
        self.assertTrue(self.chip_is(b, 1002, cid, "RESPONDER_NO_ANSWER"))

        a.one("#alarm-ack").click()
        for page in (b, a):
            page.wait(lambda d: not page.shown("#alarm-banner"), "the alarm banner gone")
            page.wait(lambda d: page.attr(card(cid), "data-alarm") == "false",
                      "the card's alarm off")
        board = self.command(pb.Command(callout_board=pb.CalloutBoard())).board
        self.assertFalse([c for c in board.callouts if str(c.id) == cid][0].alarm)

    def test_4_refusals_reach_nothing(self):
        a, b = self.a, self.b
        self.sign_in(a, "kari")
        before = self.replies()

        # A wrong password.
        b.try_sign_in("kari", "feil-passord")
        b.wait(lambda d: b.shown("#login-error"), "the sign-in refused")
        self.assertEqual(b.attr("#login-error", "data-key"), "login.wrong")
        self.assertIsNone(b.signed_in_as())

        # An action from the dispatcher's page without its CSRF token, or a wrong one.
        r = a.fetch("/api/action", "POST", bad_status())
        self.assertEqual(r["status"], 403, r)
        r = a.fetch("/api/action", "POST", bad_status(), {"X-CSRF-Token": "A" * 43})
        self.assertEqual(r["status"], 403, r)

        # An observer: no action anywhere on the page; its own POST refused.
        self.sign_in(b, "ola")
        self.assertEqual(b.js("return document.body.dataset.role"), "observer")
        self.assertFalse(b.js("return document.body.classList.contains('can-act')"))
        b.wait(lambda d: b.count(".callout-card") >= 3, "the board's cards on the observer's page")
        self.assertFalse(b.shown("#toolbar"))
        self.assertFalse(b.shown("#alarm-ack"))
        self.assertEqual(b.shown_texts("#app-view button.act"), [], "action buttons on an observer's page")
        self.assertTrue(a.shown_texts("#app-view button.act"), "the dispatcher's page has them")
        r = b.fetch("/api/action", "POST", bad_status(), {"X-CSRF-Token": b.csrf()})
        self.assertEqual(r["status"], 403, r)

        # No session: the page's request without its cookie, and Python's.
        r = b.fetch("/api/action", "POST", bad_status(), {"X-CSRF-Token": b.csrf()}, credentials="omit")
        self.assertEqual(r["status"], 401, r)
        self.assertEqual(b.fetch("/api/session", credentials="omit")["status"], 401)
        req = urllib.request.Request(self.web.url + "api/action", data=json.dumps(bad_status()).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        tls = ssl.create_default_context(cafile=f"{self.dir}/web.pem")
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, context=tls, timeout=30)
        self.assertEqual(e.exception.code, 401)

        after = self.replies()
        # (not OK: tetra-web's heartbeat, Health, gets those all the time)
        for code in ("UNKNOWN_RADIO", "NOT_ALLOWED", "MALFORMED", "INVALID_ARGUMENT"):
            self.assertEqual(after.get(code), before.get(code), f"a refused action reached the bridge ({code})")

        # The same action with the dispatcher's token does reach it (the
        # counter above can move).
        r = a.fetch("/api/action", "POST", bad_status(), {"X-CSRF-Token": a.csrf()})
        self.assertEqual(r["status"], 200, r)
        self.assertEqual(json.loads(r["body"])["code"], "UNKNOWN_RADIO")
        self.assertEqual(self.replies()["UNKNOWN_RADIO"], before["UNKNOWN_RADIO"] + 1)

    def test_5_bridge_restarted_under_the_page(self):
        a = self.a
        self.sign_in(a, "kari")
        chip = f'#bridges .bridge-chip[data-bridge="{BRIDGE}"]'
        a.wait(lambda d: a.attr(chip, "data-connected") == "true", "the bridge connected")
        a.wait(lambda d: len(a.log_rows(BRIDGE)) > 0, "rows in the event log")
        a.js("window.tbPageMark = 'before the restart'")
        before = max(s for s, _, _ in a.log_rows(BRIDGE))

        self.bridge.kill9()
        self.bridge.proc.stderr.close()
        a.wait(lambda d: a.attr(chip, "data-connected") == "false", "the bridge shown down")
        self.bridge.start(online=2)
        a.wait(lambda d: a.attr(chip, "data-connected") == "true", "the bridge shown up again")
        a.wait(lambda d: a.count('#connection-state[data-state="open"]'), "the page connected")
        self.assertEqual(a.js("return window.tbPageMark"), "before the restart", "the page was reloaded")

        # The page catches up with the journal as it stands now ...
        last = self.command(pb.Command(health=pb.Health())).health.journal_last_seq
        a.wait(lambda d: max(s for s, _, _ in a.log_rows(BRIDGE)) >= last,
               f"the event log up to the journal's seq {last}")
        rows = a.log_rows(BRIDGE)
        seqs = sorted(s for s, _, _ in rows)
        first, top = seqs[0], seqs[-1]
        # ... without a gap and without a row twice ...
        self.assertEqual(seqs, list(range(first, top + 1)),
                         f"the event log has a gap or a duplicate: {sorted(set(range(first, top + 1)) - set(seqs))}")
        # ... and each row is the journal's event of its seq.
        journal = {}
        nxt = first
        while nxt <= top:
            r = self.command(pb.Command(replay=pb.Replay(from_seq=nxt)))
            self.assertFalse(r.replay.lost, r.replay.lost)
            for e in r.replay.events:
                field = e.WhichOneof("body")
                journal[e.seq] = (KIND_OF_FIELD.get(field, field), e.radio)
            self.assertGreater(r.replay.next_seq, nxt)
            nxt = r.replay.next_seq
        self.assertEqual({s: (k, r) for s, k, r in rows}, {s: journal[s] for s in seqs})
        # They go across the restart: the radios came online again after it.
        self.assertLessEqual(first, before)
        again = {r for s, k, r in rows if s > before and k == "radio"}
        self.assertEqual(again, {"lvs", "ambulance"}, rows)

    def test_6_screenshot_of_the_board(self):
        a = self.a
        self.sign_in(a, "kari")
        a.wait(lambda d: a.count(f'.callout-card[data-bridge="{BRIDGE}"]') >= 3, "three cards")
        a.wait(lambda d: a.count('#radios .radio[data-state="STATE_ONLINE"]') == 2, "both radios online")
        a.wait(lambda d: a.count("#event-log .event-row") >= 20, "the event log")
        a.wait(lambda d: a.count("#map .map-point") >= 2, "positions on the map")
        # The whole board on one picture: the window as tall as the page.
        a.driver.execute_script("window.scrollTo(0, 0)")
        height = min(2400, a.js("return document.documentElement.scrollHeight") + 150)
        a.driver.set_window_size(1600, height)
        a.wait(lambda d: a.js("return document.documentElement.scrollHeight <= window.innerHeight"),
               "the window as tall as the page")
        folder = os.path.join(BUILD, "artifacts")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "tetra-web-board.png")
        self.assertTrue(a.driver.save_screenshot(path))
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(path), 20000)
        print(f"\nthe board's screenshot: {path}", file=sys.stderr)


if __name__ == "__main__":
    tbtest.main(globals())
