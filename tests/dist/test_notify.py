#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What systemd hears from tetra-bridged (Type=notify), on a real unix
datagram socket named by NOTIFY_SOCKET, as systemd's own is:

* READY=1 with a STATUS= once the daemon runs (config loaded, sockets bound);
* STATUS= following the radios: both online, then one gone silent offline;
* WATCHDOG=1 again and again when WATCHDOG_USEC is set;
* RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on SIGTERM;
* every message from the daemon's own pid (systemd's NotifyAccess=main).

Every wait is for a message, bounded; nothing is timed.

Usage (ctest): test_notify.py BUILD_DIR SOURCE_DIR
"""

import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import tbtest  # noqa: E402

BUILD = SOURCE = None


class NotifySocket(threading.Thread):
    """systemd's side: a SOCK_DGRAM socket with SO_PASSCRED; collects
    (pid, message) per datagram."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.bind(path)
        self.messages = []
        self.cond = threading.Condition()
        self.stopped = False

    def run(self):
        creds_len = socket.CMSG_SPACE(struct.calcsize("3i"))
        while True:
            try:
                data, anc, _, _ = self.sock.recvmsg(4096, creds_len)
            except OSError:
                return
            pid = None
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("3i", payload[:struct.calcsize("3i")])[0]
            with self.cond:
                self.messages.append((pid, data.decode("utf-8")))
                self.cond.notify_all()

    def wait_for(self, predicate, what, timeout=60):
        """Wait until predicate(messages so far) holds."""
        with self.cond:
            ok = self.cond.wait_for(lambda: predicate([m for _, m in self.messages]), timeout)
            assert ok, f"not received: {what}; received:\n" + "\n".join(repr(m) for _, m in self.messages)

    def wait_index(self, pred, what, start=0):
        """Wait for a message from index start on whose fields satisfy
        pred; returns its index."""
        found = []

        def seen(messages):
            found[:] = [i for i in range(start, len(messages)) if pred(fields(messages[i]))][:1]
            return bool(found)

        self.wait_for(seen, what)
        return found[0]

    def close(self):
        self.sock.close()


def fields(message):
    """A notify message's KEY=VALUE lines as a dict."""
    return dict(line.split("=", 1) for line in message.split("\n") if "=" in line)


class ServiceNotify(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="tb-notify-")
        d = self.tmp.name
        with open(os.path.join(d, "silent.scn"), "w") as f:
            # Online first, then a dead terminal: the keep-alive finds out.
            f.write("wait 300\nsilent\n")
        cfg = os.path.join(d, "bridge.cfg")
        with open(cfg, "w") as f:
            f.write("\n".join([
                "log stderr", " logging level all notice", " logging color 0",
                "line vty", " bind 127.0.0.1 0",
                "bridge", " id notify-test",
                f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands",
                f" state-dir {d}/var",
                " timer radio X1 1", " timer radio X2 300",
                "radio steady", " transport sim", " sim-identity 02420001600001001",
                "radio fading", " transport sim", " sim-identity 02420001600002001",
                " simulate silent.scn", ""]))
        self.notify = NotifySocket(os.path.join(d, "notify"))
        self.notify.start()
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(d, "notify"), WATCHDOG_USEC="200000")
        env.pop("WATCHDOG_PID", None)
        self.proc = subprocess.Popen([os.path.join(BUILD, "bridge", "tetra-bridged"), "-c", cfg], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     errors="replace")
        self.log = tbtest.LogReader(self.proc.stderr)
        self.log.start()

    def tearDown(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.notify.close()
        self.tmp.cleanup()

    def test_ready_status_watchdog_reload_stopping(self):
        n = self.notify
        try:
            ready = n.wait_index(lambda f: f.get("READY") == "1", "READY=1")
            first = fields(n.messages[ready][1])
            self.assertRegex(first.get("STATUS", ""), r"^[0-2] of 2 radios online",
                             "READY=1 comes with the radios' status")

            # Both come online; then `fading` goes silent and is offline.
            both = n.wait_index(lambda f: f.get("STATUS") == "2 of 2 radios online", "STATUS=2 of 2 radios online")
            n.wait_index(lambda f: f.get("STATUS") == "1 of 2 radios online; offline: fading",
                         "STATUS=1 of 2 radios online; offline: fading, after both were online", both + 1)

            # The watchdog, every 100 ms of the 200 ms asked for.
            n.wait_for(lambda ms: sum(m == "WATCHDOG=1" for m in ms) >= 3, "WATCHDOG=1 three times")

            # Reload: RELOADING=1, then READY=1 again, with a status.
            self.proc.send_signal(signal.SIGHUP)
            reloading = n.wait_index(lambda f: f.get("RELOADING") == "1", "RELOADING=1")
            again = n.wait_index(lambda f: f.get("READY") == "1", "READY=1 after RELOADING=1", reloading + 1)
            self.assertRegex(fields(n.messages[again][1]).get("STATUS", ""), r"^[0-2] of 2 radios online")

            self.proc.send_signal(signal.SIGTERM)
            n.wait_for(lambda ms: "STOPPING=1" in ms, "STOPPING=1")
            self.assertEqual(self.proc.wait(timeout=30), 0)
        finally:
            if self.proc.poll() is not None:
                self.log.join(timeout=10)

        # systemd takes them from the main process only (NotifyAccess=main).
        pids = {pid for pid, _ in n.messages}
        self.assertEqual(pids, {self.proc.pid}, "every message from the daemon's pid")
        # STATUS= lines name radios and counts only.
        for _, m in n.messages:
            self.assertTrue(re.fullmatch(r"(?:(?:READY|RELOADING|STOPPING|WATCHDOG)=1|STATUS=[\w ;:,-]*)"
                                         r"(?:\n(?:STATUS=[\w ;:,-]*))?", m), repr(m))


if __name__ == "__main__":
    BUILD, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
