#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`tetractl web-user add` and `list` as an administrator uses them.

Run by ctest: test_web_user.py BUILD_DIR SOURCE_DIR (Debian's
/usr/bin/python3). TB_TETRACTL in the environment overrides the program.

The line written has the form `name role $argon2id$...` (that the hash
verifies is the unit test test_web_users: Python's standard library has no
argon2); the file is made with mode 0640; a name already listed, a bad
name or role, an empty or short password, a file with a wrong line or
that others may write are refused with a sentence and the exit status
the manual gives, and nothing is written; list prints names and roles,
never a hash. Each add hashes once (about 0.1 s, more under ASan): few.
"""

import os
import pty
import re
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = SOURCE = None
EX_USAGE = 64
LINE = re.compile(r"^([A-Za-z0-9._-]{1,63}) (observer|dispatcher|admin) "
                  r"\$argon2id\$v=19\$m=65536,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+\n$")
PASSWORD = "correct horse battery"


def tetractl_path():
    return os.environ.get("TB_TETRACTL") or os.path.join(BUILD, "tools", "tetractl")


def ctl(*args, input=None):
    # stdin is a pipe, never the terminal: without --password-stdin there is
    # no terminal to ask on (start_new_session: no controlling terminal).
    return subprocess.run([tetractl_path(), *args], capture_output=True, text=True, timeout=120,
                          input=input if input is not None else "", start_new_session=True)


class WebUser(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tb-webuser.", dir="/tmp")
        self.users = os.path.join(self.dir, "web-users")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def add(self, name, role, password=PASSWORD + "\n", *extra):
        return ctl("web-user", "add", name, role, "--users", self.users, "--password-stdin", *extra,
                   input=password)

    def content(self):
        with open(self.users, encoding="utf-8") as f:
            return f.read()

    def assert_refused(self, r, status, says):
        self.assertEqual(r.returncode, status, r.stderr)
        self.assertIn(says, r.stderr)
        self.assertNotIn(PASSWORD, r.stderr + r.stdout)

    def test_add_makes_the_file_and_lines(self):
        r = self.add("kari", "dispatcher")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("added kari (dispatcher)", r.stdout)
        st = os.stat(self.users)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o640)
        text = self.content()
        self.assertRegex(text, LINE)
        self.assertTrue(text.startswith("kari dispatcher $argon2id$"))
        self.assertNotIn(PASSWORD, text)

        # a second user is appended; the first line stays as it was
        r = self.add("ola.n", "admin")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = self.content().splitlines(keepends=True)
        self.assertEqual(lines[0], text)
        self.assertEqual(len(lines), 2)
        self.assertRegex(lines[1], LINE)
        self.assertTrue(lines[1].startswith("ola.n admin "))
        # the same password, another salt: another hash
        self.assertNotEqual(lines[0].split()[2], lines[1].split()[2])

        r = ctl("web-user", "list", "--users", self.users)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([l.split() for l in r.stdout.splitlines()], [["kari", "dispatcher"], ["ola.n", "admin"]])
        self.assertNotIn("$", r.stdout)

        # the name is taken: refused before the password is read
        r = self.add("kari", "observer")
        self.assert_refused(r, 1, "the user 'kari' is already listed in " + self.users)
        self.assertEqual(len(self.content().splitlines()), 2)

    def test_appends_after_a_last_line_without_newline(self):
        with open(self.users, "w") as f:
            f.write("# users of tetra-web")
        os.chmod(self.users, 0o600)
        r = self.add("per", "observer")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = self.content().split("\n")
        self.assertEqual(lines[0], "# users of tetra-web")
        self.assertRegex(lines[1] + "\n", LINE)
        # an existing file keeps its mode
        self.assertEqual(stat.S_IMODE(os.stat(self.users).st_mode), 0o600)

    def test_refusals(self):
        # usage errors: nothing hashed, no file made
        for args, says in ((["kari nordmann", "admin"], "the name must be"),
                           (["kari@lvs", "admin"], "the name must be"),
                           (["", "admin"], "the name must be"),
                           (["kari", "boss"], 'unknown role "boss"'),
                           (["kari", "none"], 'unknown role "none"'),
                           (["kari"], "NAME and ROLE are needed"),
                           (["kari", "admin", "extra"], 'unexpected argument "extra"')):
            with self.subTest(args=args):
                r = ctl("web-user", "add", *args, "--users", self.users, "--password-stdin", input=PASSWORD)
                self.assert_refused(r, EX_USAGE, says)
                self.assertIn("Try 'tetractl web-user add --help'", r.stderr)
        r = ctl("web-user", "add", "kari", "admin", "--users", self.users, "--bogus", input=PASSWORD)
        self.assertEqual(r.returncode, EX_USAGE, r.stderr)
        r = ctl("web-user", "frob")
        self.assert_refused(r, EX_USAGE, 'unknown web-user command "frob"')
        r = ctl("web-user")
        self.assertEqual(r.returncode, EX_USAGE)

        # passwords: empty, nothing at all, short (characters, not bytes), too long
        for password, says in (("\n", "the password is empty"),
                               ("", "the password is empty"),
                               ("123456789\n", "shorter than 10 characters"),
                               ("æøåæøåæøå\n", "shorter than 10 characters"),
                               ("x" * 2000 + "\n", "longer than 1024 bytes")):
            with self.subTest(password=password[:12]):
                r = self.add("kari", "admin", password)
                self.assert_refused(r, 1, says)
        self.assertFalse(os.path.exists(self.users), "a refused add made the file")

        # no terminal and no --password-stdin: a sentence that says what to do
        r = ctl("web-user", "add", "kari", "admin", "--users", self.users)
        self.assert_refused(r, 1, "--password-stdin")
        self.assertFalse(os.path.exists(self.users))

        # exactly 10 characters (non-ASCII) are enough
        r = self.add("kari", "admin", "æøåæøåæøåæ\n")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_wrong_files_are_refused(self):
        with open(self.users, "w") as f:
            f.write("kari admin not-a-hash\n")
        os.chmod(self.users, 0o640)
        r = self.add("ola", "observer")
        self.assert_refused(r, 1, self.users + " line 1: the third field is not an argon2id password hash")
        r = ctl("web-user", "list", "--users", self.users)
        self.assert_refused(r, 1, "line 1")
        self.assertNotIn("not-a-hash", r.stderr)
        with open(self.users, "w") as f:
            f.write("# nobody\n")
        os.chmod(self.users, 0o666)
        r = self.add("ola", "observer")
        self.assert_refused(r, 1, "may be changed by other users")
        self.assertEqual(self.content(), "# nobody\n")
        r = ctl("web-user", "list", "--users", os.path.join(self.dir, "missing"))
        self.assert_refused(r, 1, "cannot read users file")
        # a folder that is not there: the file cannot be made
        r = ctl("web-user", "add", "ola", "observer", "--users", os.path.join(self.dir, "no", "users"),
                "--password-stdin", input=PASSWORD)
        self.assert_refused(r, 1, "cannot write the users file")

    def on_terminal(self, *answers):
        """Run add on a pseudo-terminal, answering each prompt in turn;
        (everything the terminal showed, exit status)."""
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(tetractl_path(), ["tetractl", "web-user", "add", "kari", "admin", "--users", self.users])
        shown = b""
        prompts = [b"Password: ", b"again: "]

        def read_until(what, seconds=60):
            nonlocal shown
            deadline = time.monotonic() + seconds
            while what not in shown and time.monotonic() < deadline:
                r, _, _ = select.select([fd], [], [], 0.5)
                if r:
                    try:
                        data = os.read(fd, 4096)
                    except OSError:     # the child is gone
                        return
                    if not data:
                        return
                    shown += data

        try:
            for prompt, answer in zip(prompts, answers):
                read_until(prompt)
                self.assertIn(prompt, shown, "no prompt for the password")
                os.write(fd, answer.encode() + b"\n")
            read_until(b"\0")      # to the end
        finally:
            # The child's exit, as an event: its pidfd turns readable.
            pidfd = os.pidfd_open(pid)
            exited, _, _ = select.select([pidfd], [], [], 60)
            os.close(pidfd)
            if not exited:      # stuck (a failed test): not left behind
                os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            os.close(fd)
        return shown.decode(errors="replace"), os.waitstatus_to_exitcode(status)

    def test_terminal_without_echo(self):
        shown, status = self.on_terminal(PASSWORD, PASSWORD + "!")
        self.assertEqual(status, 1, shown)
        self.assertIn("the two passwords differ", shown)
        self.assertNotIn(PASSWORD, shown)
        self.assertFalse(os.path.exists(self.users))

        shown, status = self.on_terminal(PASSWORD, PASSWORD)
        self.assertEqual(status, 0, shown)
        self.assertNotIn(PASSWORD, shown)      # never echoed
        self.assertIn("added kari (admin)", shown)
        self.assertRegex(self.content(), LINE)

    def test_help(self):
        r = ctl("web-user", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("/etc/tetra-bridge/web-users", r.stdout)
        r = ctl("web-user", "add", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--password-stdin", r.stdout)
        r = ctl("--help")
        self.assertIn("web-user", r.stdout)


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]])
