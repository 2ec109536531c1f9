# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared pieces of the Python integration tests: run tetra-bridged, read
its log, talk to its sockets with CURVE keys, log in to its VTY.

Every wait here is bounded and waits for something to happen: a log line,
a reply, an event. A bound that runs out is a failure, never a pass.

Every Reply and Event is parsed with Debian's python3-protobuf (its C++
implementation), which refuses a message with a string that is not valid
UTF-8: each test that talks to the daemon checks that too. The C tests'
subscribers (tests/integration/harness.c, tests/usb/usb_daemon.c) check it
with ipc/pb_utf8.h.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

import zmq


def main(test_globals):
    """Run the calling test script as ctest does (SCRIPT BUILD_DIR SOURCE_DIR),
    after setting its globals BUILD, SOURCE and pb (the generated protobuf
    module)."""
    build = sys.argv[1]
    test_globals.update(BUILD=build, SOURCE=sys.argv[2], pb=load_pb2(build))
    unittest.main(argv=sys.argv[:1], verbosity=2)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_pb2(build):
    """The generated tetra_bridge_pb2 module (tests/python/CMakeLists.txt)."""
    sys.path.insert(0, os.path.join(build, "python"))
    import tetra_bridge_pb2  # noqa: E402
    return tetra_bridge_pb2


def write_keypair(base):
    """A CURVE key pair written by pyzmq, in the zcert format the bridge
    reads: BASE.key (both keys) and BASE.pub. Returns (public, secret) Z85."""
    public, secret = zmq.curve_keypair()
    pub, sec = public.decode(), secret.decode()
    with open(base + ".key", "w") as f:
        f.write("#   ZeroMQ CURVE **Secret** Certificate (written by a test)\n"
                f"metadata\ncurve\n    public-key = \"{pub}\"\n    secret-key = \"{sec}\"\n")
    os.chmod(base + ".key", 0o600)
    with open(base + ".pub", "w") as f:
        f.write(f"#   ZeroMQ CURVE Public Certificate\nmetadata\ncurve\n    public-key = \"{pub}\"\n")
    return pub, sec


def write_config(d, bridge_id, vty_port, radios, level="info"):
    """d/bridge.cfg for a plain bridge (no CURVE) that keeps everything in
    d: ipc://d/events, ipc://d/commands, state in d/var; logging to stderr
    at level with no colours (Daemon reads it), the VTY on vty_port. radios:
    the config lines after the bridge node. Returns the file's path."""
    cfg = ["log stderr", f" logging level all {level}", " logging color 0",
           "line vty", f" bind 127.0.0.1 {vty_port}",
           "bridge", f" id {bridge_id}",
           f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands",
           f" state-dir {d}/var"] + radios
    path = os.path.join(d, "bridge.cfg")
    with open(path, "w") as f:
        f.write("\n".join(cfg) + "\n")
    return path


class LogReader(threading.Thread):
    """Collects a process's stderr lines; wait_for() blocks until a
    predicate over all lines so far holds."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines = []
        self.cond = threading.Condition()

    def run(self):
        for line in self.stream:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append("<EOF>\n")
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=30):
        with self.cond:
            ok = self.cond.wait_for(lambda: predicate(self.lines), timeout)
            assert ok, "not seen in the daemon's log:\n" + "".join(self.lines[-80:])

    def text(self):
        with self.cond:
            return "".join(self.lines)


class Daemon:
    """tetra-bridged running a config file, its stderr collected;
    preexec_fn (if given) runs in the child before it becomes the daemon."""

    def __init__(self, build, cfg_path, vty_port, preexec_fn=None):
        self.binary = os.path.join(build, "bridge", "tetra-bridged")
        self.cfg_path = cfg_path
        self.vty_port = vty_port
        self.preexec_fn = preexec_fn
        self.proc = None
        self.log = None

    def start(self, online=0):
        """Start; return once `online` radios said they are online."""
        self.proc = subprocess.Popen([self.binary, "-c", self.cfg_path], stderr=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, text=True, errors="replace",
                                     preexec_fn=self.preexec_fn)
        self.log = LogReader(self.proc.stderr)
        self.log.start()
        self.log.wait_for(lambda ls: "<EOF>\n" in ls or any("running, bridge id" in l for l in ls))
        assert self.proc.poll() is None, "tetra-bridged did not start:\n" + self.log.text()
        if online:
            self.log.wait_for(lambda ls: sum(l.rstrip().endswith("online") for l in ls) >= online)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        self.log.join(timeout=10)
        assert rc == 0, f"tetra-bridged exited with {rc} on SIGTERM:\n" + self.log.text()[-4000:]

    def kill9(self):
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.log.join(timeout=10)

    def vty(self, command):
        return vty(self.vty_port, command)


def vty(port, command):
    """Log in to the telnet VTY on port, enable, run one command, return its output."""
    def until_prompt(sock):
        out = b""
        while not re.search(rb"tetra-bridged[>#] $", out):
            chunk = sock.recv(65536)
            if not chunk:
                break
            out += chunk
        return out.decode(errors="replace")

    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        until_prompt(s)
        s.sendall(b"enable\r\n")
        until_prompt(s)
        s.sendall(command.encode() + b"\r\n")
        return until_prompt(s)


def curve_socket(ctx, kind, endpoint, server_pub=None, client=None):
    """A ZeroMQ socket connected to endpoint; a CURVE client when keys are given."""
    sock = ctx.socket(kind)
    sock.linger = 0
    if server_pub:
        pub, sec = client
        sock.curve_serverkey = server_pub.encode()
        sock.curve_publickey = pub.encode()
        sock.curve_secretkey = sec.encode()
    sock.connect(endpoint)
    return sock


class Commander:
    """A DEALER on the command socket: one Command, one Reply."""

    def __init__(self, pb, ctx, endpoint, server_pub=None, client=None):
        self.pb = pb
        self.sock = curve_socket(ctx, zmq.DEALER, endpoint, server_pub, client)
        self.next_id = 1

    def request(self, cmd=None, raw=None, timeout=20):
        """Send cmd (a Command; request_id filled in) or raw bytes; return the
        Reply, or None when none came within timeout seconds."""
        if raw is None:
            cmd.request_id = self.next_id
            self.next_id += 1
            raw = cmd.SerializeToString()
        self.sock.send(raw)
        if not self.sock.poll(int(timeout * 1000)):
            return None
        reply = self.pb.Reply()
        reply.ParseFromString(self.sock.recv_multipart()[-1])
        return reply

    def close(self):
        self.sock.close()


class Subscriber:
    """A SUB on the event socket, every topic."""

    def __init__(self, pb, ctx, endpoint, server_pub=None, client=None):
        self.pb = pb
        self.sock = curve_socket(ctx, zmq.SUB, endpoint, server_pub, client)
        self.sock.setsockopt(zmq.SUBSCRIBE, b"")

    def recv(self, timeout=20):
        """(topic, Event, raw bytes), or None when nothing came within timeout."""
        if not self.sock.poll(int(timeout * 1000)):
            return None
        topic, raw = self.sock.recv_multipart()
        ev = self.pb.Event()
        ev.ParseFromString(raw)
        return topic.decode(), ev, raw

    def wait_for(self, predicate, timeout=30):
        """Events until one satisfies predicate(topic, ev); returns it."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "event not seen in time"
            got = self.recv(left)
            assert got is not None, "event not seen in time"
            if predicate(got[0], got[1]):
                return got[1]

    def close(self):
        self.sock.close()
