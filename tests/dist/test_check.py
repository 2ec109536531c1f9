#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`tetra-bridged --check -c FILE` (the unit's ExecStartPre=): 0 and
"FILE is fine" for a good config, without opening anything the config
names; 1 and the sentence a start would print for a broken one. And every
program's --version says the VERSION file's version.

Usage (ctest): test_check.py BUILD_DIR SOURCE_DIR
"""

import os
import subprocess
import sys
import tempfile
import unittest

BUILD = SOURCE = None


def daemon(*args):
    return subprocess.run([os.path.join(BUILD, "bridge", "tetra-bridged"), *args], capture_output=True,
                          text=True, timeout=30)


class Check(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="tb-check-")
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, lines):
        path = os.path.join(self.d, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def assert_fine(self, path, flag="--check"):
        r = daemon(flag, "-c", path)
        self.assertEqual((r.returncode, r.stdout), (0, f"tetra-bridged: {path} is fine\n"), r.stderr)

    def assert_wrong(self, path, sentence):
        r = daemon("--check", "-c", path)
        self.assertEqual(r.returncode, 1, f"--check passed a broken config:\n{r.stdout}{r.stderr}")
        self.assertIn(sentence, r.stderr)
        self.assertNotIn("is fine", r.stdout)

    def test_shipped_configs_are_fine(self):
        # The package's conffile and the demo.
        self.assert_fine(os.path.join(SOURCE, "examples", "tetra-bridge.cfg"))
        self.assert_fine(os.path.join(SOURCE, "examples", "demo.cfg"), flag="-t")

    def test_check_opens_nothing(self):
        d = self.d
        path = self.write("bridge.cfg", [
            "line vty", " bind 127.0.0.1 0", "bridge",
            f" events bind ipc://{d}/events", f" commands bind ipc://{d}/commands", f" state-dir {d}/var",
            "radio r", " transport sim"])
        self.assert_fine(path)
        self.assertEqual(sorted(os.listdir(d)), ["bridge.cfg"], "--check bound a socket or made the journal")

    def test_a_wrong_line_is_named(self):
        path = self.write("bad.cfg", ["bridge", " id one", " id two"])
        self.assert_wrong(path, f"{path} line 3 is wrong")
        self.assert_wrong(self.write("unknown.cfg", ["bridge", " colour blue"]), "line 2 is wrong")

    def test_what_a_config_cannot_mean(self):
        # The key files the config names are read (a missing one is named) ...
        path = self.write("nokey.cfg", ["bridge", " curve server-key server.key"])
        self.assert_wrong(path, "cannot read server key file")
        # ... and half a CURVE setup is refused.
        subprocess.run([os.path.join(BUILD, "tools", "tetractl"), "keygen", os.path.join(self.d, "server")],
                       check=True, capture_output=True, timeout=30)
        path = self.write("curve.cfg", ["bridge", " curve server-key server.key"])
        self.assert_wrong(path, "curve clients")
        path = self.write("notransport.cfg", ["radio r", " profile motorola"])
        self.assert_wrong(path, "transport")

    def test_a_missing_file(self):
        path = os.path.join(self.d, "nowhere.cfg")
        r = daemon("--check", "-c", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("nowhere.cfg", r.stderr)


class Version(unittest.TestCase):
    def test_every_program_says_the_version_file(self):
        with open(os.path.join(SOURCE, "VERSION")) as f:
            version = f.readline().strip()
        self.assertRegex(version, r"^\d+\.\d+\.\d+$")
        for prog in (["bridge", "tetra-bridged"], ["tools", "tetractl"], ["tools", "tetra-sim"]):
            r = subprocess.run([os.path.join(BUILD, *prog), "--version"], capture_output=True, text=True,
                               timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.split()[-1], version, f"{prog[-1]} --version: {r.stdout!r}")


if __name__ == "__main__":
    BUILD, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
