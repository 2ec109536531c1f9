#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Interoperability client: a plain Python ZeroMQ subscriber that decodes
tetra-bridge events with the protobuf module generated from
ipc/tetra_bridge.proto by `protoc --python_out`.

Run with Debian's /usr/bin/python3 (python3-zmq, python3-protobuf).

  subscriber.py --endpoint EP --proto-dir DIR --count N --timeout S
                [--expect-kind KIND]

--proto-dir  directory holding tetra_bridge_pb2.py (the build puts it in
             <build>/python); a directory holding tetra_bridge.proto works
             too: the module is then generated with protoc into a temp dir.
--count N    receive N events, then exit 0.
--timeout S  fail (exit 2) when no event arrives for S seconds.
--expect-kind KIND
             subscribe to "KIND." only and require every event to be of that
             kind ("radio", "status", "short_report", "sds", "call_setup",
             "call_connect", "tx", "call_release", "text", "text_incomplete",
             "location", "location_control", "delivery_report",
             "send_result", "radio_info", "link_error"); seq must then only
             increase, as other kinds are filtered out.

Checks per event: exactly two frames; the body parses as Event; the topic
is "<kind>.<radio>" with kind derived from the body's oneof; seq is
strictly consecutive after the first (the first may be any: we may have
joined late). Each event is printed as one line of JSON
(google.protobuf.json_format.MessageToJson, proto3 JSON names, fields at
their default values included where the protobuf version allows).

Exit status: 0 ok, 1 mismatch or undecodable event, 2 timeout,
64 usage error, 130 interrupted.
"""

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile

EXIT_MISMATCH = 1
EXIT_TIMEOUT = 2
EXIT_USAGE = 64

# The oneof member -> topic kind (see the end of tetra_bridge.proto).
KIND_BY_BODY = {
    "radio_state": "radio",
    "status": "status",
    "short_report": "short_report",
    "sds_raw": "sds",
    "call_setup": "call_setup",
    "call_connect": "call_connect",
    "tx": "tx",
    "call_release": "call_release",
    "text": "text",
    "text_incomplete": "text_incomplete",
    "location": "location",
    "location_control": "location_control",
    "delivery_report": "delivery_report",
    "send_result": "send_result",
    "radio_info": "radio_info",
    "link_error": "link_error",
}

PROG = "subscriber.py"


def die(status, msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)
    sys.exit(status)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        die(EXIT_USAGE, message)


def parse_args(argv):
    p = Parser(prog=PROG, description="Subscribe to tetra-bridge events and check them.")
    p.add_argument("--endpoint", default=os.environ.get("TETRA_BRIDGE_EVENTS", "tcp://127.0.0.1:5560"),
                   help="events endpoint (default: $TETRA_BRIDGE_EVENTS, else tcp://127.0.0.1:5560)")
    p.add_argument("--proto-dir", required=True,
                   help="directory with tetra_bridge_pb2.py (or with tetra_bridge.proto)")
    p.add_argument("--count", type=int, required=True, help="number of events to receive")
    p.add_argument("--timeout", type=float, required=True,
                   help="seconds without an event before failing")
    p.add_argument("--expect-kind", choices=sorted(set(KIND_BY_BODY.values())),
                   help="only this kind, and every event must be of it")
    a = p.parse_args(argv)
    if a.count < 1:
        p.error("--count must be at least 1")
    if not a.timeout > 0:
        p.error("--timeout must be a number of seconds > 0")
    return a


def load_proto_module(proto_dir):
    """Import tetra_bridge_pb2 from proto_dir, generating it if only the
    .proto is there."""
    if not os.path.isdir(proto_dir):
        die(EXIT_USAGE, f"--proto-dir {proto_dir}: no such directory")
    if not os.path.exists(os.path.join(proto_dir, "tetra_bridge_pb2.py")):
        proto = os.path.join(proto_dir, "tetra_bridge.proto")
        if not os.path.exists(proto):
            die(EXIT_USAGE, f"--proto-dir {proto_dir}: neither tetra_bridge_pb2.py nor "
                            "tetra_bridge.proto is there (build target tb_python_proto makes the first)")
        out = tempfile.mkdtemp(prefix="tb-pb2-")
        try:
            subprocess.run(["protoc", f"--proto_path={proto_dir}", f"--python_out={out}", proto],
                           check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            die(EXIT_USAGE, f"cannot generate the Python module from {proto} with protoc: {e}")
        proto_dir = out
    sys.path.insert(0, proto_dir)
    try:
        return importlib.import_module("tetra_bridge_pb2")
    except Exception as e:  # a stale or foreign module, protobuf version skew
        die(EXIT_USAGE, f"cannot import tetra_bridge_pb2 from {proto_dir}: {e}")


def to_json_line(msg):
    from google.protobuf import json_format
    for kw in ({"including_default_value_fields": True},        # protobuf < 26
               {"always_print_fields_with_no_presence": True},  # protobuf >= 26
               {}):
        try:
            text = json_format.MessageToJson(msg, indent=None, **kw)
            break
        except TypeError:
            continue
    # one line, compact, whatever the protobuf version's spacing
    return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)


def main(argv):
    args = parse_args(argv)
    pb = load_proto_module(args.proto_dir)
    import zmq

    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.SUBSCRIBE, (args.expect_kind + ".").encode() if args.expect_kind else b"")
    try:
        sub.connect(args.endpoint)
    except zmq.ZMQError as e:
        die(EXIT_USAGE, f"cannot connect to {args.endpoint}: {e}")

    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)
    received = 0
    last_seq = None
    try:
        while received < args.count:
            if not poller.poll(int(args.timeout * 1000) or 1):
                die(EXIT_TIMEOUT, f"timeout: no event for {args.timeout:g} s from {args.endpoint} "
                                  f"({received} of {args.count} received)")
            frames = sub.recv_multipart(zmq.NOBLOCK)
            if len(frames) != 2:
                die(EXIT_MISMATCH, f"event {received + 1}: {len(frames)} frames, expected 2 (topic, Event)")
            try:
                topic = frames[0].decode("utf-8")
            except UnicodeDecodeError:
                die(EXIT_MISMATCH, f"event {received + 1}: topic {frames[0]!r} is not UTF-8")
            ev = pb.Event()
            try:
                ev.ParseFromString(frames[1])
            except Exception as e:
                die(EXIT_MISMATCH, f"event {received + 1} on topic {topic!r}: cannot parse Event: {e}")

            body = ev.WhichOneof("body")
            kind = KIND_BY_BODY.get(body, "event")
            want = f"{kind}.{ev.radio}"
            if topic != want:
                die(EXIT_MISMATCH, f"seq {ev.seq}: topic {topic!r} does not match the body: expected {want!r}")
            if args.expect_kind and kind != args.expect_kind:
                die(EXIT_MISMATCH, f"seq {ev.seq}: kind {kind!r}, expected {args.expect_kind!r}")
            if last_seq is not None:
                if args.expect_kind:
                    if ev.seq <= last_seq:
                        die(EXIT_MISMATCH, f"seq {ev.seq} after {last_seq}: not increasing")
                elif ev.seq != last_seq + 1:
                    die(EXIT_MISMATCH, f"seq {ev.seq} after {last_seq}: expected {last_seq + 1}")
            last_seq = ev.seq

            print(to_json_line(ev), flush=True)
            received += 1
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        sub.close(0)
        ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
