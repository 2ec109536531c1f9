#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tetra_client.py -- a small tetra-bridge client, written to be read.

It shows the three things every client of tetra-bridged does:

1. CURVE: the bridge only talks to keys listed in its clients file. We read
   our key pair and the bridge's public key from zcert files (what
   `tetractl keygen` writes) and set them on every socket before connecting.
2. Gap-free events (the ZeroMQ guide's "Clone" pattern): events come live
   from a SUB socket; each has a `seq` that goes up by one per event. When
   seq jumps, we ask the journal for the missing ones (command Replay on a
   DEALER socket) and hand them on first. Events we already have are dropped.
3. Commands: one Command out, one Reply back, matched by request_id, with a
   timeout -- an unknown key is never answered, so always wait with a bound.

Usage:
  tetra_client.py [options] watch [--from SEQ] [--count N]
  tetra_client.py [options] send-status RADIO TO VALUE

Events are printed as JSON lines (google.protobuf.json_format) on stdout;
messages for people go to stderr. Exit status: 0 ok, 1 failure (a refusal,
no reply, a message that FAILED), 2 timeout, 64 usage error.

Needs Debian's /usr/bin/python3 with python3-zmq and python3-protobuf, and
tetra_bridge_pb2.py generated from ipc/tetra_bridge.proto (see README.md).
"""

import argparse
import itertools
import json
import os
import re
import sys
import time

import zmq

EXIT_FAILURE, EXIT_TIMEOUT, EXIT_USAGE = 1, 2, 64


class NoReply(Exception):
    """The bridge did not answer in time (not running, or our key is not listed)."""


class Refused(Exception):
    """The bridge answered with an error code; str() is its sentence."""


def load_zcert(path):
    """(public, secret) Z85 keys from a zcert file; secret is None for a .pub file.
    Like the bridge, we take the first public-key / secret-key lines and ignore the rest."""
    keys = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'\s*(public|secret)-key\s*=\s*"([^"]{40})"', line)
            if m:
                keys.setdefault(m.group(1), m.group(2))
    if "public" not in keys:
        raise ValueError(f"{path} has no public-key line: is it a key file from tetractl keygen?")
    return keys["public"], keys.get("secret")


def bridge_public_key(spec):
    """--server-key is a .pub (or .key) file, or the 40 Z85 characters themselves."""
    if len(spec) == 40 and not os.path.exists(spec):
        return spec
    return load_zcert(spec)[0]


class Bridge:
    """The two sockets of one bridge: events (SUB) and commands (DEALER)."""

    def __init__(self, args, pb):
        self.pb, self.args = pb, args
        self.ctx = zmq.Context()
        self.curve = None
        if args.key:
            public, secret = load_zcert(args.key)
            if not secret:
                raise ValueError(f"{args.key} has no secret key: use the .key file, not the .pub")
            self.curve = (bridge_public_key(args.server_key), public, secret)
        self.request_ids = itertools.count(1)
        self.lost = []                    # (first, last, reason): seqs the bridge lost for good
        self.cmd = self.socket(zmq.DEALER)
        self.cmd.connect(args.commands)

    def socket(self, kind):
        s = self.ctx.socket(kind)
        s.linger = 0                      # never hang at exit on unsent messages
        if self.curve:                    # CURVE keys go on before connect()
            server, public, secret = (k.encode() for k in self.curve)
            s.curve_serverkey, s.curve_publickey, s.curve_secretkey = server, public, secret
        return s

    def request(self, **command):
        """Send one Command (e.g. replay=pb.Replay(...)) and return its OK Reply."""
        cmd = self.pb.Command(request_id=next(self.request_ids), **command)
        self.cmd.send(cmd.SerializeToString())
        deadline = time.monotonic() + self.args.reply_timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.cmd.poll(int(left * 1000) + 1):
                raise NoReply(f"no reply from the bridge at {self.args.commands} within "
                              f"{self.args.reply_timeout:g} s: is tetra-bridged running, "
                              "and is our key in its clients file?")
            reply = self.pb.Reply.FromString(self.cmd.recv_multipart()[-1])
            if reply.request_id != cmd.request_id:
                continue                  # a late answer to an earlier request that timed out
            if reply.code != self.pb.Reply.OK:
                raise Refused(f"{self.pb.Reply.Code.Name(reply.code)}: {reply.error}")
            return reply

    def replay(self, first, last=None):
        """Yield events first..last (last None: up to the newest) from the journal,
        asking in batches. Events older than the journal's retention are skipped;
        so are seqs the bridge lost for good (a full disk when it stopped): each
        batch names those (SeqRange), and why_missing() tells them apart."""
        want = first
        while last is None or want <= last:
            count = 0 if last is None else min(last - want + 1, 1000)   # 0: the bridge's batch size
            batch = self.request(replay=self.pb.Replay(from_seq=want, max_events=count)).replay
            self.lost += [(r.first_seq, r.last_seq, r.reason) for r in batch.lost]
            for ev in batch.events:
                if ev.seq < want:
                    continue
                if last is not None and ev.seq > last:
                    return
                yield ev
                want = ev.seq + 1
            if not batch.more or not batch.events:
                return
            want = max(want, batch.next_seq)

    def why_missing(self, first, last, default):
        """Why seqs first..last did not come: a range the bridge lost for good, or default."""
        for lo, hi, reason in self.lost:
            if lo <= first and last <= hi:
                return f"lost: {reason}"
        return default


def gap(first, last, why):
    span = f"event {first}" if first == last else f"events {first}-{last}"
    print(f"gap: missed {span} ({why})", file=sys.stderr, flush=True)


def subscribe(bridge):
    """A SUB socket for every event. Subscribe before reading the journal or
    sending a command: what is published meanwhile queues up in the socket."""
    sub = bridge.socket(zmq.SUB)
    sub.subscribe(b"")                    # all topics: a filtered stream has holes by design
    sub.connect(bridge.args.events)
    return sub


def gap_free(bridge, sub, start=None, timeout=None):
    """Every event in seq order, without holes or repeats: from `start` via the
    journal, else from the first live one. Raises TimeoutError after `timeout`
    seconds without an event."""
    last = None                           # the last seq handed on

    def fill(first, upto):
        """Events first..upto (None: the newest) from the journal; reports what it cannot get."""
        nonlocal last
        try:
            for ev in bridge.replay(first, upto):
                if ev.seq > last + 1:
                    gap(last + 1, ev.seq - 1, bridge.why_missing(last + 1, ev.seq - 1, "no longer in the journal"))
                last = ev.seq
                yield ev
        except (NoReply, Refused) as e:
            if upto is None:
                print(f"cannot replay from {first}: {e}", file=sys.stderr, flush=True)
            else:
                gap(last + 1, upto, f"replay failed: {e}")
                last = upto
            return
        if upto is not None and last < upto:
            gap(last + 1, upto, bridge.why_missing(last + 1, upto, "not in the journal"))
            last = upto

    if start is not None:
        last = start - 1
        yield from fill(start, None)
    while True:
        if not sub.poll(int(timeout * 1000) if timeout else None):
            raise TimeoutError(f"no event for {timeout:g} s from {bridge.args.events}")
        topic, data = sub.recv_multipart()
        ev = bridge.pb.Event.FromString(data)
        if last is not None and ev.seq <= last:
            continue                      # already handed on from the journal
        if last is not None and ev.seq > last + 1:
            yield from fill(last + 1, ev.seq - 1)
        last = ev.seq
        yield ev


def to_json(msg):
    """One compact JSON line in the proto3 JSON mapping, fields at defaults included."""
    from google.protobuf import json_format
    for kw in ({"including_default_value_fields": True},         # protobuf < 26
               {"always_print_fields_with_no_presence": True}):  # protobuf >= 26
        try:
            return json.dumps(json.loads(json_format.MessageToJson(msg, **kw)), separators=(",", ":"))
        except TypeError:
            continue
    return json.dumps(json.loads(json_format.MessageToJson(msg)), separators=(",", ":"))


def parse_to(pb, text):
    """An SSI (up to 8 digits) or a 17-digit TSI (MCC 4, MNC 5, SSI 8 digits)."""
    if re.fullmatch(r"\d{1,8}", text):
        return pb.Identity(type=pb.IDENTITY_SSI, ssi=int(text))
    if re.fullmatch(r"\d{17}", text):
        return pb.Identity(type=pb.IDENTITY_TSI, mcc=int(text[:4]), mnc=int(text[4:9]), ssi=int(text[9:]))
    raise ValueError(f"TO {text!r} is neither an SSI (up to 8 digits) nor a 17-digit TSI")


def watch(bridge, args):
    for n, ev in enumerate(gap_free(bridge, subscribe(bridge), args.start, args.timeout), 1):
        print(to_json(ev), flush=True)
        if args.count and n >= args.count:
            return 0


def send_status(bridge, args):
    pb = bridge.pb
    # The newest seq before we send: every step of our message comes after it,
    # so following the stream from there cannot miss one (however slowly our
    # subscription reaches the bridge).
    to, value = parse_to(pb, args.to), int(args.value, 0)
    sub = subscribe(bridge)
    newest = bridge.request(replay=pb.Replay(from_seq=1, max_events=1)).replay.last_seq
    reply = bridge.request(send_status=pb.SendStatus(radio=args.radio, to=to, value=value))
    mid = reply.queued.message_id
    print(f"queued as message {mid}", file=sys.stderr, flush=True)
    for ev in gap_free(bridge, sub, newest + 1, args.timeout):
        if ev.WhichOneof("body") == "outgoing" and ev.outgoing.message_id == mid:
            print(to_json(ev), flush=True)
            if ev.outgoing.final:
                if ev.outgoing.state == pb.Outgoing.FAILED:
                    print(f"message {mid} failed: {ev.outgoing.reason}", file=sys.stderr)
                    return EXIT_FAILURE
                return 0


class Parser(argparse.ArgumentParser):
    def error(self, message):             # argparse exits 2, which is our timeout
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def main():
    p = Parser(description="A tetra-bridge client: gap-free events and commands over CURVE.")
    p.add_argument("--events", default=os.environ.get("TETRA_BRIDGE_EVENTS", "tcp://127.0.0.1:5560"))
    p.add_argument("--commands", default=os.environ.get("TETRA_BRIDGE_COMMANDS", "tcp://127.0.0.1:5561"))
    p.add_argument("--key", help="our key pair: a .key file from `tetractl keygen`")
    p.add_argument("--server-key", help="the bridge's public key: its .pub file or 40 Z85 characters")
    p.add_argument("--proto-dir", default=os.path.dirname(os.path.abspath(__file__)),
                   help="where tetra_bridge_pb2.py is (default: next to this script)")
    p.add_argument("--reply-timeout", type=float, default=5.0, help="seconds to wait for a reply")
    p.add_argument("--timeout", type=float, help="give up (exit 2) after this many seconds without an event")
    sub = p.add_subparsers(dest="mode", required=True)
    w = sub.add_parser("watch", help="print events as JSON lines")
    w.add_argument("--from", dest="start", type=int, help="start with the journal's events from this seq")
    w.add_argument("--count", type=int, help="stop after this many events")
    s = sub.add_parser("send-status", help="send a status and wait for its last step")
    s.add_argument("radio")
    s.add_argument("to", help="SSI or 17-digit TSI")
    s.add_argument("value", help="0-65535, decimal or 0x hex")
    args = p.parse_args()
    if bool(args.key) != bool(args.server_key):
        p.error("--key and --server-key go together (CURVE needs both)")

    sys.path.insert(0, args.proto_dir)
    try:
        import tetra_bridge_pb2 as pb
    except ImportError:
        p.error(f"no tetra_bridge_pb2.py in {args.proto_dir}: generate it with "
                f"protoc --proto_path=ipc --python_out={args.proto_dir} ipc/tetra_bridge.proto")
    try:
        bridge = Bridge(args, pb)
        return (watch if args.mode == "watch" else send_status)(bridge, args)
    except TimeoutError as e:
        print(f"timeout: {e}", file=sys.stderr)
        return EXIT_TIMEOUT
    except (NoReply, Refused, ValueError, OSError) as e:
        print(f"tetra_client.py: {e}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
