#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The daemon's logs, to every target the config can name, over the whole
demo: the rule that SDS text, positions and identities never appear at INFO
or above, while every event's seq does; the systemd journal's RADIO, SEQ
and KIND fields; `logging filter radio NAME`; and that `write terminal`
gives the log blocks back.

Run by ctest: test_logs.py BUILD_DIR SOURCE_DIR
(Debian's /usr/bin/python3 with python3-zmq and python3-protobuf).

One tetra-bridged runs the demo as `make run` does: examples/demo.cfg as
it is in the tree (its radios, scenarios with their call-out responders,
roster and call-out settings) and the call-outs scripts/demo.sh creates
with tetractl (read from it) and closes once their responders are done.
What changes: the log blocks are the test's, the sockets and the state
are in a temp dir, and time runs faster: the scenarios' waits and
responders ten times, the call-outs' answer deadlines at most 15 s and
their re-alerts 5 s apart. Every target logs at DEBUG, so the rule is
checked where it matters: between the levels.

  stderr                 `log stderr`, read from the daemon's stderr pipe
  file                   `log file PATH`
  syslog                 `log syslog local 0`: glibc's syslog(3) writes to
                         /dev/log, a datagram socket the test binds
  systemd journal        `log systemd-journal`: sd_journal_sendv() writes to
                         /run/systemd/journal/socket, a datagram socket the
                         test binds, in journald's native protocol
  one radio              `log file PATH` with `logging filter radio ambulance`

The two fixed paths are the test's own only inside a private mount
namespace (`unshare -m`, or `unshare -rm` for a user that is not root):
the daemon runs there with /dev/log and /run/systemd/journal/socket
pointing at the test's sockets, and nothing outside changes. Where no
namespace can be made the syslog and journal tests are skipped and say
why; no journald or syslog daemon is involved either way.

Every wait is bounded and waits for something to happen (a log line, an
event).
"""

import os
import re
import shlex
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402

BUILD = SOURCE = None
pb = None

FILTERED_RADIO = "ambulance"

# Makes /dev/log and /run/systemd/journal/socket the test's sockets inside
# a private mount namespace, then runs the daemon: /dev becomes a folder of
# symlinks to the real device nodes (bound elsewhere) plus `log`; /run a
# folder with the journal's socket. $1: the temp dir; the rest: the command.
NAMESPACE_SH = r"""
set -e
T=$1; shift
mkdir "$T/realdev" "$T/dev" "$T/run" "$T/run/systemd" "$T/run/systemd/journal"
mount --rbind /dev "$T/realdev"
for e in /dev/* /dev/.[!.]*; do
	[ -e "$e" ] || [ -L "$e" ] || continue
	ln -s "$T/realdev/${e#/dev/}" "$T/dev/"
done
ln -s "$T/syslog.sock" "$T/dev/log"
ln -s "$T/journal.sock" "$T/run/systemd/journal/socket"
mount --bind "$T/dev" /dev
mount --bind "$T/run" /run
exec "$@"
"""

LEVELS = ["DEBUG", "INFO", "NOTICE", "ERROR", "FATAL"]
# syslog severities (PRIORITY=) and what libosmocore logs at each.
SYSLOG_LEVELS = {7: "DEBUG", 6: "INFO", 5: "NOTICE", 4: "NOTICE", 3: "ERROR", 2: "FATAL", 1: "FATAL", 0: "FATAL"}


def unshare_prefix():
    """The unshare command that gives a private mount namespace here, or
    None (with why) when none can be made."""
    cmd = ["unshare", "-m", "--propagation", "private"] if os.geteuid() == 0 else \
        ["unshare", "-rm", "--propagation", "private"]
    try:
        r = subprocess.run(cmd + ["mount", "-t", "tmpfs", "tmpfs", "/mnt"], capture_output=True, text=True,
                           timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        return None, f"unshare cannot run: {e}"
    if r.returncode != 0:
        return None, f"no private mount namespace here ({' '.join(cmd)}: {r.stderr.strip()})"
    return cmd, None


def faster(seconds, least=0.0):
    return f"{max(least, float(seconds) / 10):g}"


def faster_scenario(src, dst):
    """A copy of scenario src ten times faster: its waits, and when its
    responders react (a position still at most every second)."""
    out = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^wait (\d+)\s*$", line)
            if m:
                line = f"wait {max(1, int(m.group(1)) // 10)}\n"
            elif line.startswith("responder "):
                line = re.sub(r"\b(at|until) (\d+(?:\.\d+)?)", lambda m: f"{m.group(1)} {faster(m.group(2))}", line)
                line = re.sub(r"\bevery (\d+(?:\.\d+)?)", lambda m: f"every {faster(m.group(1), 1)}", line)
            out.append(line)
    with open(dst, "w", encoding="utf-8") as f:
        f.writelines(out)


# The event kinds a scenario's result codes become.
SDS_KINDS = {"status", "short_report", "sds", "text", "text_incomplete", "location", "location_control",
             "delivery_report", "callout_pdu"}
URC_KINDS = {"+CTICN": {"call_setup"}, "+CTCC": {"call_connect"}, "+CTCR": {"call_release"},
             "+CTXG": {"tx"}, "+CDTXC": {"tx"}, "+CTXD": {"tx"}, "+CTXI": {"tx"}, "+CTXW": {"tx"},
             "+CTSDSR": SDS_KINDS}


def scenario_pass(path):
    """One pass of a scenario: how many result codes it prints, and the
    kinds of event they become."""
    n, kinds = 0, set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("+"):
                n += 1
                kinds |= URC_KINDS.get(line.split(":")[0], SDS_KINDS)
    return n, kinds


def demo_callouts():
    """The call-outs scripts/demo.sh creates and closes, as tetractl
    arguments: [(name, create args, close args or None)]."""
    with open(os.path.join(SOURCE, "scripts", "demo.sh"), encoding="utf-8") as f:
        sh = f.read()
    out = []
    for name, args in re.findall(r"(\w+)=\$\(ctl (callout create [^|\n]*)\|", sh):
        close = re.search(r'ctl callout close "\$' + name + r'" (.*)$', sh, re.M)
        out.append((name, shlex.split(args), shlex.split(close.group(1)) if close else None))
    return out


def demo_config(d, vty_port, log_blocks):
    """examples/demo.cfg with the test's log blocks, sockets and state in d,
    faster scenarios and call-out timers. Returns (path, {radio: one pass
    of its scenario (scenario_pass)})."""
    examples = os.path.join(SOURCE, "examples")
    with open(os.path.join(examples, "demo.cfg"), encoding="utf-8") as f:
        demo = f.read().splitlines()
    os.mkdir(os.path.join(d, "scn"))
    out, passes, node, radio = list(log_blocks), {}, None, None
    for line in demo:
        if not line.strip() or line.lstrip().startswith("!"):
            continue
        if not line.startswith(" "):
            node = line.split()[0]
            radio = line.split()[1] if node == "radio" else None
        words = line.split()
        if node == "log":
            continue                                   # the test's own log blocks instead
        if node == "line" and words[0] == "bind":
            line = f" bind 127.0.0.1 {vty_port}"
        if node == "bridge" and words[0] in ("events", "commands", "state-dir"):
            continue
        if node == "bridge" and words[:3] == ["timer", "callout", "X23"]:
            line = " timer callout X23 5"                 # re-alerts: its least
        if node == "callout":
            line = re.sub(r"\bdeadline (\d+)", lambda m: f"deadline {min(int(m.group(1)), 15)}", line)
        if node == "radio" and words[0] == "simulate":
            src = os.path.join(examples, words[1])
            dst = os.path.join(d, "scn", os.path.basename(words[1]))
            faster_scenario(src, dst)
            passes[radio] = scenario_pass(src)
            line = f" simulate {dst}"
        out.append(line)
        if line == "bridge":
            out += [f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands", f" state-dir {d}/var"]
    path = os.path.join(d, "demo.cfg")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return path, passes


def log_block(header, radio=None):
    block = [header, " logging filter all 1", " logging color 0", " logging print category 1",
             " logging print category-hex 0", " logging print level 1", " logging print file 0",
             " logging timestamp 0", " logging level force-all debug"]
    if radio:
        block.append(f" logging filter radio {radio}")
    return block


class DatagramSink(threading.Thread):
    """A unix datagram socket at path; keeps every datagram it gets."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.datagrams = []
        self.done = threading.Event()

    def run(self):
        while True:
            try:
                self.datagrams.append(self.sock.recv(1 << 20))
            except socket.timeout:
                if self.done.is_set():      # nothing more queued
                    return

    def drain(self):
        """Once the daemon is gone: take what is still queued, then stop."""
        self.done.set()
        self.join(timeout=60)
        self.sock.close()


def parse_journal(datagram):
    """journald's native protocol: FIELD=value lines, or FIELD, a newline,
    a little-endian 64-bit length and the value (for values with
    newlines). Returns {field: value}."""
    fields, i = {}, 0
    while i < len(datagram):
        nl = datagram.index(b"\n", i)
        line = datagram[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            (n,) = struct.unpack_from("<Q", datagram, nl + 1)
            v = datagram[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        fields[k.decode()] = v.decode("utf-8", "replace")
    return fields


def text_records(text):
    """(level, message) of each record of a stderr or file target
    (`logging print category 1`, `logging print level 1`: "DSDS INFO ...");
    a line without that start continues the record before it."""
    records = []
    for line in text.splitlines():
        m = re.match(r"^\S+ (" + "|".join(LEVELS) + r") (.*)$", line)
        if m:
            records.append([m.group(1), m.group(2)])
        elif records:
            records[-1][1] += "\n" + line
    return [tuple(r) for r in records]


def syslog_records(datagrams):
    """(level, message) of each syslog(3) datagram: <PRI>TIME IDENT: MSG
    (libosmocore opens syslog without LOG_PID)."""
    records = []
    for d in datagrams:
        m = re.match(rb"^<(\d+)>.*? tetra-bridged(?:\[\d+\])?: (.*)$", d, re.S)
        assert m, f"not a syslog datagram from tetra-bridged: {d[:200]!r}"
        records.append((SYSLOG_LEVELS[int(m.group(1)) & 7], m.group(2).decode("utf-8", "replace")))
    return records


def identity_strings(ident):
    """How an identity could be written in a log: its TSI's 17 digits, its
    SSI (from 4 digits: shorter numbers are everywhere), its roster name,
    an external number, what did not decode."""
    out = set()
    if ident.mcc or ident.mnc:
        out.add(f"{ident.mcc:04d}{ident.mnc:05d}{ident.ssi:08d}")
    if ident.ssi >= 1000:
        out.add(str(ident.ssi))
    for s in (ident.name, ident.digits, ident.undecoded.text):
        if len(s) >= 4:
            out.add(s)
    return out


# The health data among an event's strings, by message: texts people wrote,
# the notes of a call-out, an alias a terminal printed. (LinkError.text and
# the *_text fields are the code's own words.)
TEXT_FIELDS = {"Text": {"text"}, "TextIncomplete": {"text"}, "CalloutPdu": {"text"}, "Callout": {"text"},
               "Responder": {"notes"}, "Undecoded": {"text"}, "IdentityEntry": {"alias"}}


def secrets_of(msg, out):
    """Every text, identity and position in an event, as log text could
    have it: strings, or compiled patterns for the numbers."""
    for fd, val in msg.ListFields():
        vals = val if fd.label == fd.LABEL_REPEATED else [val]
        if fd.type == fd.TYPE_MESSAGE:
            for v in vals:
                if fd.message_type.name == "Identity":
                    out.update(identity_strings(v))
                secrets_of(v, out)
        elif fd.name in ("latitude", "longitude"):
            for v in vals:
                # Degrees to two decimals (about a kilometre), whatever a
                # log's precision or rounding after them.
                whole, frac = f"{abs(v):.6f}".split(".")
                out.add(re.compile(r"(?<![\d.])-?" + whole + r"[.,]" + frac[:2]))
        elif fd.name in TEXT_FIELDS.get(msg.DESCRIPTOR.name, ()):
            out.update(v for v in vals if len(v) >= 4)
    return out


def leaks(records, secrets):
    """The (secret, record) pairs where health data is at INFO or above."""
    found = []
    for level, msg in records:
        if level == "DEBUG":
            continue
        # "seq=1002", "message 1002": the daemon's own numbers, not an SSI.
        plain = re.sub(r"\b(seq|message|call-out|instance|id)[= #]*\d+", "", msg)
        for s in secrets:
            if isinstance(s, re.Pattern):
                hit = s.search(plain)
            elif s.isdigit():
                hit = re.search(r"(?<![\w])" + s + r"(?![\w])", plain)
            else:
                hit = s in plain
            if hit:
                found.append((s if isinstance(s, str) else s.pattern, level, msg))
    return found


def seqs_at_info(records):
    out = set()
    for level, msg in records:
        if level != "DEBUG":
            out.update(int(n) for n in re.findall(r"\bseq[= ](\d+)\b", msg))
    return out


# The line each event is logged with, after the category and level.
def follow_on_telnet(port, radio, events):
    """The telnet VTY's own log (`logging enable`) following one radio: what
    it printed from `show logging vty` on, once `events` of the radio's
    event lines came."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        buf = b""

        def until(pred):
            nonlocal buf
            while not pred(buf):
                chunk = s.recv(65536)
                assert chunk, "the VTY closed:\n" + buf.decode(errors="replace")[-2000:]
                buf += chunk

        until(lambda b: b.endswith(b"tetra-bridged> "))
        for c in ["enable", "logging enable", "logging print category 1", "logging level force-all info",
                  f"logging filter radio {radio}", "show logging vty"]:
            s.sendall(c.encode() + b"\r\n")
        until(lambda b: b"Log Filter 'radio'" in b)
        start = len(buf)
        until(lambda b: len(re.findall(rb" " + radio.encode() + rb": \w+ event seq=\d+", b[start:])) >= events)
        text = buf.decode(errors="replace")
        return text[text.index("Log Filter 'radio'"):]


EVENT_LINE = re.compile(r" (\S+): (\w+) event seq=(\d+)$")


class Logs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = d = tempfile.mkdtemp(prefix="tblg.", dir="/tmp")
        try:
            cls.run_demo(d)
        except BaseException:
            if cls.daemon and cls.daemon.poll() is None:
                cls.daemon.kill()
            shutil.rmtree(d, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def run_callouts(cls, ctx, d):
        """The demo's call-outs: created with tetractl as scripts/demo.sh
        does, followed on the event stream until every responder is done
        with it (done, declined, no answer ...), then closed as the demo
        closes them."""
        sub = tbtest.Subscriber(pb, ctx, f"ipc://{d}/events")
        try:
            # Connected once it gets something: the radios publish all the time.
            assert sub.recv(timeout=60) is not None, "no event on the stream"
            ends = {pb.RESPONDER_DONE, pb.RESPONDER_DECLINED, pb.RESPONDER_NO_ANSWER, pb.RESPONDER_FAILED,
                    pb.RESPONDER_CANCELLED, pb.RESPONDER_STOOD_DOWN, pb.RESPONDER_HANDED_OVER}
            ctl = [os.path.join(BUILD, "tools", "tetractl")]
            sockets = ["--events", f"ipc://{d}/events", "--commands", f"ipc://{d}/commands", "--timeout", "30"]
            closes = {}
            for name, create, close in demo_callouts():
                r = subprocess.run(ctl + create + sockets, capture_output=True, text=True, timeout=60)
                m = re.match(r"call-out (\d+):", r.stdout)
                assert r.returncode == 0 and m, f"tetractl {shlex.join(create)}: {r.stdout}{r.stderr}"
                closes[int(m.group(1))] = close
            assert closes, "scripts/demo.sh creates no call-out any more: this test covers the demo's"
            cls.callouts = set(closes)

            def done(t, e):
                if e.WhichOneof("body") == "callout" and e.callout.callout_id in pending and e.callout.callout:
                    rs = e.callout.callout.responders
                    if rs and all(x.state in ends for x in rs) and any(x.state == pb.RESPONDER_DONE for x in rs):
                        pending.discard(e.callout.callout_id)
                return not pending
            pending = set(closes)
            sub.wait_for(done, timeout=150)
            for cid, close in closes.items():
                if close:
                    r = subprocess.run(ctl + ["callout", "close", str(cid)] + close + sockets, capture_output=True,
                                       text=True, timeout=60)
                    assert r.returncode == 0, f"tetractl callout close {cid}: {r.stdout}{r.stderr}"
        finally:
            sub.close()

    @classmethod
    def run_demo(cls, d):
        cls.daemon = None
        cls.unshare, cls.no_namespace = unshare_prefix()
        cls.syslog = DatagramSink(os.path.join(d, "syslog.sock"))
        cls.journal = DatagramSink(os.path.join(d, "journal.sock"))
        cls.syslog.start()
        cls.journal.start()
        vty_port = tbtest.free_port()
        blocks = (log_block("log stderr blocking-io") + log_block(f"log file {d}/file.log blocking-io")
                  + log_block(f"log file {d}/{FILTERED_RADIO}.log blocking-io", radio=FILTERED_RADIO))
        if cls.unshare:
            blocks += log_block("log syslog local 0") + log_block("log systemd-journal")
        cfg, cls.passes = demo_config(d, vty_port, blocks)
        cmd = [os.path.join(BUILD, "bridge", "tetra-bridged"), "-c", cfg]
        if cls.unshare:
            with open(os.path.join(d, "ns.sh"), "w") as f:
                f.write(NAMESPACE_SH)
            cmd = cls.unshare + ["sh", os.path.join(d, "ns.sh"), d] + cmd
        cls.daemon = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                      errors="replace")
        log = tbtest.LogReader(cls.daemon.stderr)
        log.start()
        log.wait_for(lambda ls: "<EOF>\n" in ls
                     or sum(bool(re.search(r"\{READY\}: online$", l.rstrip())) for l in ls) >= len(cls.passes))
        assert cls.daemon.poll() is None, "tetra-bridged did not start:\n" + log.text()[-4000:]

        ctx = zmq.Context()
        try:
            cls.run_callouts(ctx, d)

            def played(lines):
                """Each radio's scenario once through."""
                counts = {}
                for line in lines:
                    m = re.search(r" (\S+): (\w+) event seq=\d+$", line.rstrip())
                    if m and m.group(1) in cls.passes and m.group(2) in cls.passes[m.group(1)][1]:
                        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
                return all(counts.get(r, 0) >= n for r, (n, _) in cls.passes.items())
            log.wait_for(played, timeout=120)
            cmd = tbtest.Commander(pb, ctx, f"ipc://{d}/commands")
            cls.vty_write = tbtest.vty(vty_port, "write terminal")
            cls.telnet = follow_on_telnet(vty_port, FILTERED_RADIO, 3)

            cls.events = {}
            nxt = 1
            while True:
                r = cmd.request(pb.Command(replay=pb.Replay(from_seq=nxt)))
                assert r is not None and r.code == pb.Reply.OK, f"replay: {r}"
                for e in r.replay.events:
                    cls.events[e.seq] = e
                nxt = r.replay.next_seq
                if not r.replay.more:
                    break
            cmd.close()
        finally:
            ctx.destroy(linger=0)
        cls.daemon.terminate()
        rc = cls.daemon.wait(timeout=60)
        log.join(timeout=10)
        assert rc == 0, f"tetra-bridged exited with {rc}:\n" + log.text()[-4000:]
        cls.syslog.drain()
        cls.journal.drain()

        cls.stderr = log.text()
        with open(os.path.join(d, "file.log"), encoding="utf-8", errors="replace") as f:
            cls.file = f.read()
        with open(os.path.join(d, f"{FILTERED_RADIO}.log"), encoding="utf-8", errors="replace") as f:
            cls.filtered = f.read()
        cls.secrets = set()
        for e in cls.events.values():
            secrets_of(e, cls.secrets)
        cls.journal_entries = [parse_journal(x) for x in cls.journal.datagrams]

    # ---- what the run must have had, or the checks below mean little ----

    def test_a_the_run_had_health_data(self):
        kinds = {e.WhichOneof("body") for e in self.events.values()}
        for kind in ("text", "status", "call_setup", "tx", "location", "callout"):
            self.assertIn(kind, kinds)
        texts = {s for s in self.secrets if isinstance(s, str)}
        for _, create, _ in demo_callouts():
            self.assertIn(create[4], texts)                        # callout create RADIO SEVERITY TEXT
        self.assertIn("Ring LVS-lege på kanal LV-1", texts)      # the ambulance's text
        self.assertIn("02420001600004001", texts)                 # AMK's TSI
        self.assertIn("Sykepleier Sør", texts)                    # the responder's roster name
        self.assertTrue(any(isinstance(s, re.Pattern) and "60[.,]39" in s.pattern for s in self.secrets))

    # ---- the privacy rule, one target at a time ----

    def check_target(self, records):
        self.assertTrue(records, "the target logged nothing")
        levels = {lv for lv, _ in records}
        self.assertIn("DEBUG", levels)   # at DEBUG, so the split between the levels is what is tested
        self.assertIn("INFO", levels)
        self.assertEqual(leaks(records, self.secrets), [], "health data at INFO or above")
        # At DEBUG (for a technician) the same scan finds the terminals'
        # identities: it reads this target's output right.
        self.assertTrue(leaks([("INFO", m) for lv, m in records if lv == "DEBUG"], self.secrets))
        missing = sorted(set(self.events) - seqs_at_info(records))
        self.assertEqual(missing, [], "events whose seq is not logged at INFO or above")

    def test_stderr(self):
        self.check_target(text_records(self.stderr))

    def test_file(self):
        self.check_target(text_records(self.file))

    def test_syslog(self):
        if not self.unshare:
            self.skipTest(f"syslog not exercised: {self.no_namespace}")
        self.check_target(syslog_records(self.syslog.datagrams))

    def test_systemd_journal(self):
        if not self.unshare:
            self.skipTest(f"systemd journal not exercised: {self.no_namespace}")
        records = [(SYSLOG_LEVELS[int(e["PRIORITY"])], e["MESSAGE"]) for e in self.journal_entries]
        self.check_target(records)

    # ---- the journal's fields ----

    def test_journal_fields(self):
        if not self.unshare:
            self.skipTest(f"systemd journal not exercised: {self.no_namespace}")
        by_seq = {}
        for e in self.journal_entries:
            self.assertEqual(e["SYSLOG_IDENTIFIER"], "tetra-bridged")
            m = EVENT_LINE.search(e["MESSAGE"])
            if m:
                radio, kind, seq = m.group(1), m.group(2), int(m.group(3))
                self.assertEqual((e.get("RADIO"), e.get("KIND"), e.get("SEQ")), (radio, kind, str(seq)), e)
                by_seq[seq] = e
        # Every radio's event has its line, with the event's radio (a
        # call-out's is "call-out N: event seq S": checked below).
        for seq, ev in self.events.items():
            if ev.radio and ev.WhichOneof("body") != "callout":
                self.assertIn(seq, by_seq)
                self.assertEqual(by_seq[seq]["RADIO"], ev.radio)
        # A radio's link lines carry its radio; start-up lines no radio.
        online = [e for e in self.journal_entries if e["MESSAGE"].endswith("{READY}: online")]
        self.assertEqual({e.get("RADIO") for e in online}, set(self.passes))
        callout = [e for e in self.journal_entries if re.search(r"call-out \d+: event seq \d+$", e["MESSAGE"])]
        self.assertTrue(callout)
        create = demo_callouts()[0][1]
        for e in callout:
            self.assertEqual((e["RADIO"], e["KIND"]), (create[2], "callout"))
            self.assertTrue(e["MESSAGE"].endswith("event seq " + e["SEQ"]))
        running = [e for e in self.journal_entries if "running, bridge id" in e["MESSAGE"]]
        self.assertEqual(len(running), 1)
        self.assertNotIn("RADIO", running[0])
        self.assertNotIn("SEQ", running[0])
        # What is logged while an event is published is about it (its call-out).
        self.assertTrue(any("SEQ" in e and not EVENT_LINE.search(e["MESSAGE"]) for e in self.journal_entries))

    # ---- one radio ----

    def test_filter_radio(self):
        records = text_records(self.filtered)
        self.assertTrue(records)
        own = {s for s, e in self.events.items() if e.radio == FILTERED_RADIO}
        others = set(self.events) - own
        logged = seqs_at_info(records)
        self.assertEqual(sorted(own - logged), [], "the radio's own events are all there")
        self.assertEqual(sorted(others & logged), [], "no other radio's events")
        for _, msg in records:
            for radio in set(self.passes) - {FILTERED_RADIO}:
                self.assertNotIn(radio + ":", msg)
                self.assertNotIn("(" + radio + ")", msg)
        self.assertNotIn("running, bridge id", self.filtered)   # no radio's: not shown
        self.assertIn("(ambulance)", self.filtered)             # its link's lines are
        self.assertEqual(leaks(records, self.secrets), [])

    def test_filter_radio_on_telnet(self):
        self.assertTrue(self.telnet.startswith(f"Log Filter 'radio': {FILTERED_RADIO}"), self.telnet[:200])
        self.assertIn(f" {FILTERED_RADIO}: ", self.telnet)
        for radio in set(self.passes) - {FILTERED_RADIO}:
            self.assertNotIn(radio + ":", self.telnet)
            self.assertNotIn("(" + radio + ")", self.telnet)

    # ---- the config ----

    def test_write_terminal(self):
        w = self.vty_write
        self.assertIn(f"log file {self.dir}/{FILTERED_RADIO}.log blocking-io\r\n logging filter all 0\r\n"
                      f" logging filter radio {FILTERED_RADIO}\r\n", w)
        if self.unshare:
            self.assertIn("\r\nlog systemd-journal\r\n logging filter all 1\r\n", w)
            self.assertIn("\r\nlog syslog local 0\r\n", w)


class Scanner(unittest.TestCase):
    """The scan above finds health data in the forms a log would have it,
    at INFO and above only, and not the daemon's own numbers."""

    def test_leaks(self):
        secrets = {"Ring LVS-lege", "02420001600004001", "1002", "Sykepleier Sør"}
        secrets_of(pb.Event(location=pb.Location(latitude=60.3913, longitude=5.3221)), secrets)
        for msg in ["DSDS x: Ring LVS-lege now", "from 02420001600004001", "to 1002.", "(1002)",
                    "at 60.3913,5.3221", "at 5.32 E", "lat 60,39", "name Sykepleier Sør"]:
            for level in ["INFO", "NOTICE", "ERROR", "FATAL"]:
                self.assertTrue(leaks([(level, msg)], secrets), msg)
            self.assertFalse(leaks([("DEBUG", msg)], secrets), msg)
        for msg in ["status event seq=1002", "message 1002 queued", "call-out 1002: event seq 1002",
                    "port 41002", "x1002", "version 0.5.32", "15.32 s", "6 0.39"]:
            self.assertFalse(leaks([("INFO", msg)], secrets), msg)

    def test_records(self):
        self.assertEqual(text_records("DSDS INFO a: status event seq=3\nmore\nDPEI DEBUG x\n"),
                         [("INFO", "a: status event seq=3\nmore"), ("DEBUG", "x")])
        self.assertEqual(syslog_records([b"<133>Dec  5 07:53:39 tetra-bridged: DMAIN NOTICE up"]),
                         [("NOTICE", "DMAIN NOTICE up")])
        self.assertEqual(parse_journal(b"MESSAGE\n" + struct.pack("<Q", 3) + b"a\nb\nPRIORITY=6\n"),
                         {"MESSAGE": "a\nb", "PRIORITY": "6"})


if __name__ == "__main__":
    tbtest.main(globals())
