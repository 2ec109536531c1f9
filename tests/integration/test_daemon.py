#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The daemon as a user meets it: command line, config errors, the telnet
VTY, tetractl watch, a Python subscriber, and no health data in its logs.

Run by ctest: test_daemon.py BUILD_DIR SOURCE_DIR
Uses Debian's /usr/bin/python3 (python3-zmq and python3-protobuf for the
subscriber). Every wait is bounded and waits for something to happen.
"""

import json
import os
import shutil
import signal
import sqlite3
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402  (shared with the other integration tests)

BUILD = SOURCE = None


def daemon_path():
    return os.path.join(BUILD, "bridge", "tetra-bridged")


free_port = tbtest.free_port


class CommandLine(unittest.TestCase):
    def run_daemon(self, *args, cwd=None):
        return subprocess.run([daemon_path(), *args], capture_output=True, text=True, errors="replace",
                              timeout=30, cwd=cwd)

    def test_help(self):
        r = self.run_daemon("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("Usage: tetra-bridged", r.stdout)
        self.assertIn("--config", r.stdout)

    def test_version(self):
        r = self.run_daemon("-V")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^tetra-bridged \d+\.\d+")

    def test_unknown_option(self):
        r = self.run_daemon("--frobnicate")
        self.assertEqual(r.returncode, 64)
        self.assertIn("Usage:", r.stderr)

    def test_missing_config(self):
        r = self.run_daemon("-c", "/nonexistent/tetra.cfg")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot read config file /nonexistent/tetra.cfg", r.stderr)

    def test_config_given_twice(self):
        r = self.run_daemon("-c", "/nonexistent/a.cfg", "-c", "/nonexistent/b.cfg")
        self.assertEqual(r.returncode, 64)
        self.assertIn("-c is given twice (/nonexistent/a.cfg and /nonexistent/b.cfg)", r.stderr)

    def test_config_directory(self):
        # A folder is not a config file: once it ran on the defaults.
        with tempfile.TemporaryDirectory() as d:
            r = self.run_daemon("-c", d, cwd=d)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"{d} is a directory, not a config file", r.stderr)
            self.assertNotIn("running", r.stderr)

    # (config text or bytes, the line at fault, what the daemon must say[, bad.scn beside it]);
    # {d} is the folder of both.
    CONFIG_ERRORS = [
        ("bridge\n id two words\n", 2, "There is no such command"),
        ("bridge\n events bind udp://127.0.0.1:1\n", 2, "must start with tcp:// or ipc://"),
        ("!\nradio a.b\n", 2, "may only use letters, digits"),
        ("radio r\n transport sim\n simulate /nonexistent.scn\n", 3, "cannot read scenario file"),
        ("radio r\n sim-identity 1234\n", 2, "is not a 17-digit TSI"),
        ("radio r\n profile nokia\n", 2, "There is no such command"),
        ("radio r\n transport usb 0cad\n", 2, "is not VID:PID"),
        ("radio r\n transport usb\n usb bus-path 1:2\n", 3, "is not BUS-PORT[.PORT...]"),
        ("radio r\n transport usb\n usb profile nokia\n", 3, "There is no such command"),
        ("radio r\n transport usb\n match identity 0242\n", 3, "is not a 17-digit TSI"),
        ("!\n\nbridge\n id a b", 4, "There is no such command"),   # the last line without its line end
        # The VTY reads 510 bytes of a line; the rest ran as a line of its own.
        ("bridge\n id site" + " " * 502 + " insecure\n", 2, "it is 519 bytes long, and a config line may have at most 510"),
        ("!\n!\n!" + "x" * 100000 + "\nbridge\n id a b\n", 3, "it is 100001 bytes long"),
        (b"bridge\n id site\0 insecure\n", 2, "it has a NUL byte (byte 9), which would end the line there"),
        (b"bridge\n id \xe6\n", 2, "it is not UTF-8 text (byte 5)"),
        (b"bridge\n id a\x1bb\n", 2, "it has the control character 0x1b (byte 6)"),
        # Given twice, the second replaced the first without a word: two blocks of one radio merged.
        ("radio r0\n transport sim\nradio r1\n transport sim\nradio r0\n transport tty /dev/ttyS0\n", 5,
         "radio r0 is configured on line 1 already; each radio has one block and a name of its own"),
        ("bridge\n events bind ipc:///tmp/a\n commands bind ipc:///tmp/b\nradio r\n transport sim\n"
         "bridge\n events bind ipc:///tmp/c\n", 7,
         "'events bind' is given on line 2 already; give it once (the second would replace the first"),
        ("radio r\n transport sim\n sim-identity 02420001600001001\n transport tty /dev/ttyS0\n", 4,
         "radio r: 'transport' is given on line 2 already"),
        # Endpoints: a port that cannot be, two sockets (or the telnet VTY) on one address.
        ("bridge\n events bind tcp://127.0.0.1:99999\n", 2, "port 99999 is not 1-65535"),
        ("bridge\n events bind ipc:///tmp/tb-same\n commands bind ipc:///tmp//tb-same\n", 3,
         "the events socket (line 2) and the commands socket (line 3) are both bound to"),
        ("bridge\n events bind tcp://127.0.0.1:5570\n commands bind tcp://localhost:5570\n", 3,
         "are both bound to tcp://localhost:5570; give each its own endpoint"),
        ("bridge\n commands bind tcp://127.0.0.1:5560\n", 2,
         "commands bind tcp://127.0.0.1:5560 is the events socket's default endpoint"),
        ("line vty\n bind 127.0.0.1 5571\nbridge\n events bind tcp://127.0.0.1:5571\n", 4,
         "the telnet VTY (line vty / bind 127.0.0.1 5571) and the events socket (events bind "
         "tcp://127.0.0.1:5571) would listen on the same port"),
        ("bridge\n commands bind tcp://*:5572\nline vty\n bind 127.0.0.1 5572\n", 4,
         "and the commands socket (commands bind tcp://*:5572) would listen on the same port"),
        ("bridge\n events bind tcp://*:4270\n", 2, "the telnet VTY (line vty / bind 127.0.0.1 4270: the default)"),
        ("bridge\n id x\n curve server-key /dev/null\n", 3, "'curve server-key' needs 'curve clients FILE' too"),
        ("bridge\n curve clients /dev/null\n", 2, "'curve clients' needs 'curve server-key FILE' too"),
        # Radios: no transport (it used to be sim without a word), settings of another transport,
        # two radios on one terminal.
        ("radio r\n profile generic\n", 1, "radio r has no transport: say how its terminal is reached"),
        ("radio r\n transport sim\n usb serial ABC\n", 3,
         "'usb serial' is for radios with 'transport usb', and radio r has 'transport sim' (line 2)"),
        ("radio r\n transport tty /dev/null\n sim-identity 02420001600001001\n", 3,
         "'sim-identity' is for radios with 'transport sim', and radio r has 'transport tty' (line 2)"),
        ("radio r\n transport tty /tmp\n", 2, "transport tty /tmp: it is a directory, not a serial device"),
        ("radio r\n transport tty {d}/bad.cfg\n", 2, "it is a regular file, not a serial device"),
        ("radio a\n transport tty /dev/null\nradio b\n transport tty /dev/../dev/null\n", 4,
         "radio b names the device /dev/../dev/null, as radio a does (line 2): one terminal can be only one"),
        ("radio a\n transport usb\n usb serial X1\nradio b\n transport usb 0cad:9015\n usb serial X1\n", 6,
         "radio b names usb serial X1, as radio a does (line 3)"),
        ("radio a\n transport usb\n usb bus-path 1-1.2\nradio b\n transport usb\n usb bus-path 1-1.2\n", 6,
         "radio b names usb bus-path 1-1.2, as radio a does (line 3)"),
        ("radio a\n transport usb\n match identity 02420001600001001\nradio b\n transport tty /dev/null\n"
         " match identity 02420001600001001\n", 6, "radio b names the same match identity, as radio a does (line 3)"),
        # Scenarios are read whole with the config (they were refused at every reopen of the radio).
        ("radio r\n transport sim\n simulate bad.scn\n", 3,
         "scenario file {d}/bad.scn line 3 is wrong: wait needs a number of milliseconds",
         "+CTCR: 1,1\n# a comment\nwait abc\n"),
        ("radio r\n transport sim\n\n simulate bad.scn\n", 4,
         "scenario file {d}/bad.scn line 2 is wrong: loop without a wait > 0 before it would spin",
         "+CTCR: 1,1\nloop\n"),
        ("radio r\n transport sim\n simulate .\n", 3, "cannot read scenario file {d}/.: it is a directory"),
    ]

    def test_config_errors_name_line_and_reason(self):
        with tempfile.TemporaryDirectory() as d:
            for text, line, reason, *scenario in self.CONFIG_ERRORS:
                with self.subTest(text=text[:80]):
                    if isinstance(text, str):
                        text = text.replace("{d}", d)
                    reason = reason.replace("{d}", d)
                    if scenario:
                        with open(os.path.join(d, "bad.scn"), "w") as f:
                            f.write(scenario[0])
                    cfg = os.path.join(d, "bad.cfg")
                    with open(cfg, "wb") as f:
                        f.write(text if isinstance(text, bytes) else text.encode())
                    r = self.run_daemon("-c", cfg, cwd=d)
                    out = r.stdout + r.stderr
                    self.assertEqual(r.returncode, 1, out)
                    self.assertIn(f"bad.cfg line {line} is wrong", out)
                    self.assertIn(reason, out)
                    if "(see above)" in out:    # the VTY printed the line it refused
                        self.assertIn(text.splitlines()[line - 1].strip(), out)
                    self.assertNotIn("running", out)

    def test_events_socket_in_use(self):
        with tempfile.TemporaryDirectory() as d, socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            cfg = os.path.join(d, "c.cfg")
            with open(cfg, "w") as f:
                f.write(f"line vty\n bind 127.0.0.1 0\nbridge\n events bind tcp://127.0.0.1:{s.getsockname()[1]}\n"
                        f" commands bind ipc://{d}/cmd\n state-dir {d}/var\n")
            r = self.run_daemon("-c", cfg)
            self.assertEqual(r.returncode, 1)
            self.assertIn("cannot bind events socket", r.stderr)


LogReader = tbtest.LogReader


class Stopping(unittest.TestCase):
    def test_last_radio_event_says_bridge_stopping(self):
        """SIGTERM: each radio's last event is offline, and says why."""
        d = tempfile.mkdtemp(prefix="tbs.", dir="/tmp")
        try:
            cfg = ["log stderr", " logging level all notice", " logging color 0",
                   "line vty", " bind 127.0.0.1 0", "bridge", " id stop-test",
                   f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands",
                   f" state-dir {d}/var"]
            for i in (1, 2):
                cfg += [f"radio r{i}", " transport sim", f" sim-identity 0242000160000{i}001"]
            path = os.path.join(d, "bridge.cfg")
            with open(path, "w") as f:
                f.write("\n".join(cfg) + "\n")
            daemon = tbtest.Daemon(BUILD, path, 0)
            daemon.start(online=2)
            daemon.stop()
            pb = tbtest.load_pb2(BUILD)
            db = sqlite3.connect(os.path.join(d, "var", "tetra-bridge.db"))
            last = {}
            for radio, body in db.execute("SELECT radio, body FROM events WHERE kind = 'radio' ORDER BY seq"):
                last[radio] = pb.Event.FromString(body)
            db.close()
            self.assertEqual(sorted(last), ["r1", "r2"])
            for ev in last.values():
                self.assertEqual(ev.radio_state.state, pb.RadioState.STATE_OFFLINE)
                self.assertEqual(ev.radio_state.reason, "bridge stopping")
        finally:
            shutil.rmtree(d, ignore_errors=True)


class RunningDaemon(unittest.TestCase):
    """tetra-bridged with three simulated radios playing the demo scenarios."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tbd.", dir="/tmp")
        cls.endpoint = f"ipc://{cls.dir}/events"
        cls.vty_port = free_port()
        scen = os.path.join(SOURCE, "examples", "scenarios")
        radios = [("lvs-doctor", "02420001600001001", "lvs-doctor.scn"),
                  ("nurse-satellite", "02420001600002001", "nurse-satellite.scn"),
                  ("ambulance", "02420001600003001", "ambulance.scn")]
        cfg = ["log stderr", " logging level all info", " logging color 0",
               "line vty", f" bind 127.0.0.1 {cls.vty_port}",
               "bridge", " id test-site", f" events bind {cls.endpoint}",
               f" commands bind ipc://{cls.dir}/commands", f" state-dir {cls.dir}/var"]
        for name, tsi, s in radios:
            cfg += [f"radio {name}", " transport sim", f" sim-identity {tsi}",
                    f" simulate {os.path.join(scen, s)}"]
            if name == "nurse-satellite":
                cfg.append(" callout-service")  # its init registers PID 195 too
        cls.cfg_path = os.path.join(cls.dir, "bridge.cfg")
        with open(cls.cfg_path, "w") as f:
            f.write("\n".join(cfg) + "\n")
        cls.proc = subprocess.Popen([daemon_path(), "-c", cls.cfg_path], stderr=subprocess.PIPE,
                                    stdout=subprocess.DEVNULL, text=True, errors="replace")
        cls.log = LogReader(cls.proc.stderr)
        cls.log.start()
        # Up when the VTY listens and all three radios finished their init.
        cls.log.wait_for(lambda ls: sum("online" in l for l in ls) == 3)

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        rc = cls.proc.wait(timeout=20)
        cls.log.join(timeout=10)
        shutil.rmtree(cls.dir)
        assert rc == 0, f"tetra-bridged exited with {rc} on SIGTERM"

    def vty(self, command):
        return tbtest.vty(self.vty_port, command)

    def test_show_radios(self):
        out = self.vty("show radios")
        self.assertEqual(out.count("link READY"), 3, out)
        for name, tsi in [("lvs-doctor", "02420001600001001"), ("nurse-satellite", "02420001600002001"),
                          ("ambulance", "02420001600003001")]:
            self.assertIn(f"radio {name}", out)
            self.assertIn(f"identity {tsi}", out)
        self.assertIn("transport sim", out)
        self.assertIn("errors: decode 0", out)
        one = self.vty("show radios ambulance")
        self.assertIn("radio ambulance", one)
        self.assertNotIn("radio lvs-doctor", one)
        self.assertIn("no radio named nobody", self.vty("show radios nobody"))

    def test_write_terminal_round_trips(self):
        out = self.vty("write terminal")
        for line in ["bridge", " id test-site", f" events bind {self.endpoint}", "radio nurse-satellite",
                     " transport sim", " sim-identity 02420001600002001", " profile generic",
                     " callout-service", f" bind 127.0.0.1 {self.vty_port}"]:
            self.assertIn(line + "\r\n", out)
        self.assertEqual(out.count(" callout-service\r\n"), 1, out)
        # What the daemon wrote starts a daemon: feed it back (other endpoints).
        text = out[out.index("!"):]
        text = text.replace(self.endpoint, self.endpoint + "2")
        text = text.replace(f"ipc://{self.dir}/commands", f"ipc://{self.dir}/commands2")
        text = text.replace(f"state-dir {self.dir}/var", f"state-dir {self.dir}/var2")
        text = text.replace(f"bind 127.0.0.1 {self.vty_port}", "bind 127.0.0.1 0")
        text = "\n".join(l for l in text.replace("\r", "").splitlines()
                         if not l.startswith("tetra-bridged") and not l.startswith("Current configuration"))
        cfg2 = os.path.join(self.dir, "written.cfg")
        with open(cfg2, "w") as f:
            f.write(text + "\n")
        p = subprocess.Popen([daemon_path(), "-c", cfg2], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             text=True)
        # It reads the file and runs: ask it to stop; a config error would exit 1 by itself.
        sub = subprocess.run([os.path.join(BUILD, "tools", "tetractl"), "watch", "--endpoint", self.endpoint + "2",
                              "--count", "1", "--timeout", "20"], capture_output=True, text=True, timeout=60)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(sub.returncode, 0, sub.stderr)

    def test_python_subscriber(self):
        r = subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "python", "subscriber.py"),
                            "--endpoint", self.endpoint, "--proto-dir", os.path.join(BUILD, "python"),
                            "--count", "6", "--timeout", "20"],
                           capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stderr)
        events = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
        self.assertEqual(len(events), 6)
        seqs = [int(e["seq"]) for e in events]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + 6)))
        for e in events:
            self.assertEqual(e["bridge"], "test-site")
            self.assertIn(e["radio"], ["lvs-doctor", "nurse-satellite", "ambulance"])

    def test_tetractl_watch_json(self):
        r = subprocess.run([os.path.join(BUILD, "tools", "tetractl"), "watch", "--endpoint", self.endpoint,
                            "--json", "--topic", "status.", "--count", "2", "--timeout", "30"],
                           capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stderr)
        events = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual(len(events), 2)
        for e in events:
            self.assertIn("status", e)
            self.assertIn("value", e["status"])
            self.assertIsInstance(e["seq"], str)   # proto3 JSON: 64-bit as string

    def test_zz_no_health_data_in_logs(self):
        # Wait until every radio has published traffic, then read the log.
        for radio in ["lvs-doctor", "nurse-satellite", "ambulance"]:
            self.log.wait_for(lambda ls: any(f"{radio}: status" in l or f"{radio}: tx" in l for l in ls))
        log = self.log.text()
        self.assertIn("event seq=", log)          # INFO logging is on and refers to seq
        for secret in ["0242000160000", "7E2A", "8005", "52696E67", "Ring LVS", "1001002"]:
            self.assertNotIn(secret, log)


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0], "-v"])
