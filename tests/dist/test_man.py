#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The manuals say what the programs do: every option a program's --help
lists is documented in its man page, and every option the man page
documents is in --help (tetractl: per command). Each page renders without
a groff warning (what lintian's check reads).

Options of --help: the option lines (indented, starting with "-") and the
[-x] groups of the Usage line. Options of a man page: the tags (the line
after .TP) of its OPTIONS section, or for a tetractl command of its own .SS
section plus the sections it names ("Takes the CONNECTION OPTIONS ...").

Usage (ctest): test_man.py BUILD_DIR SOURCE_DIR
"""

import os
import re
import subprocess
import sys
import unittest

BUILD = SOURCE = None

OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)")


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, f"{args} exited {r.returncode}: {r.stderr}"
    return r.stdout


def help_options(text):
    opts = set()
    for line in text.split("\n"):
        if line.startswith("Usage:") or line.startswith(" " * 6 + "[") or line.lstrip().startswith("[--"):
            opts.update(re.findall(r"\[(--?[A-Za-z0-9][\w-]*)", line))
        m = re.match(r"^ {1,8}(-[A-Za-z0-9], )?(--[a-z][\w-]*)?", line)
        if m and (m.group(1) or m.group(2)):
            opts.update(OPTION.findall(m.group(0)))
    return opts


def roff_plain(line):
    """A roff line without its macro, font escapes and quotes."""
    line = re.sub(r"^\.[A-Z]{1,2}\s*", "", line)
    line = re.sub(r"\\f[BIRP]", "", line).replace("\\-", "-").replace('"', " ")
    return line


class ManPage:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.lines = f.read().split("\n")
        # sections: (level, title) -> lines
        self.sections = {}
        key = None
        for line in self.lines:
            m = re.match(r'^\.(SH|SS)\s+"?([^"]*)"?\s*$', line)
            if m:
                key = (m.group(1), roff_plain(m.group(2)).strip())
                self.sections[key] = []
            elif key:
                self.sections[key].append(line)

    def tags(self, body):
        opts = set()
        for i, line in enumerate(body[:-1]):
            if line.startswith(".TP"):
                opts.update(OPTION.findall(roff_plain(body[i + 1])))
        return opts

    def section(self, title, level="SH"):
        key = (level, title)
        assert key in self.sections, f"no .{level} {title} in the man page"
        return self.sections[key]

    def options(self, title, level="SH"):
        """The tags of a section and of the OPTIONS sections its text names."""
        body = self.section(title, level)
        opts = self.tags(body)
        text = " ".join(roff_plain(l) for l in body if not l.startswith(".TP"))
        for (lvl, other) in self.sections:
            if other.endswith(" OPTIONS") and other != title and other in text:
                opts |= self.tags(self.sections[(lvl, other)])
        return opts


def man_path(name):
    return os.path.join(SOURCE, "docs", "man", name)


class ManPages(unittest.TestCase):
    def assert_same(self, what, helped, documented):
        self.assertFalse(helped - documented, f"{what}: in --help, not in the man page")
        self.assertFalse(documented - helped, f"{what}: in the man page, not in --help")

    def test_tetra_bridged(self):
        helped = help_options(run(os.path.join(BUILD, "bridge", "tetra-bridged"), "--help"))
        self.assertIn("--check", helped)
        self.assert_same("tetra-bridged", helped, ManPage(man_path("tetra-bridged.8")).options("OPTIONS"))

    def test_tetra_web(self):
        binary = os.path.join(BUILD, "web", "tetra-web")
        helped = help_options(run(binary, "--help"))
        self.assertIn("--check", helped)
        self.assert_same("tetra-web", helped, ManPage(man_path("tetra-web.8")).options("OPTIONS"))

    def test_tetra_sim(self):
        helped = help_options(run(os.path.join(BUILD, "tools", "tetra-sim"), "--help"))
        self.assertIn("--link-dir", helped)
        self.assert_same("tetra-sim", helped, ManPage(man_path("tetra-sim.1")).options("OPTIONS"))

    def test_tetractl_and_each_command(self):
        ctl = os.path.join(BUILD, "tools", "tetractl")
        top = run(ctl, "--help")
        page = ManPage(man_path("tetractl.1"))
        self.assert_same("tetractl", help_options(top), page.options("OPTIONS"))

        commands = re.findall(r"^  ([a-z][\w-]*)  ", top.split("Commands:", 1)[1], re.M)
        documented = {title.split()[0]: title for (lvl, title) in page.sections
                      if lvl == "SS" and title[:1].islower()}
        self.assertEqual(sorted(commands), sorted(documented),
                         "the commands of `tetractl --help` and the .SS sections of tetractl.1")
        for cmd in commands:
            text = run(ctl, cmd, "--help")
            subs = re.findall(r"^  ([a-z][\w-]*)  ", text.split("Commands", 1)[1], re.M) if "Commands" in text else []
            # A command with commands of its own (callout): the options of
            # all of them make its section's.
            helped = set().union(*(help_options(run(ctl, cmd, sub, "--help")) for sub in subs)) if subs \
                else help_options(text)
            self.assertTrue(helped, f"tetractl {cmd} --help lists no option")
            self.assert_same(f"tetractl {cmd}", helped, page.options(documented[cmd], "SS"))

    def test_pages_render_without_warnings(self):
        # As lintian reads them.
        env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
        for name in ("tetra-bridged.8", "tetra-web.8", "tetractl.1", "tetra-sim.1", "tetra-bridge.cfg.5"):
            r = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", man_path(name)],
                               capture_output=True, text=True, env=env, timeout=60)
            self.assertEqual((r.returncode, r.stderr), (0, ""), name)

    def test_the_checker_sees_a_difference(self):
        # A test that cannot fail is none: an option only one side has is found.
        self.assertEqual(help_options("Usage: x [-q]\n  -a, --all   all\n      --only  only\n"),
                         {"-q", "-a", "--all", "--only"})
        page = ManPage.__new__(ManPage)
        page.sections = {("SH", "OPTIONS"): [".TP", ".BR \\-a \", \" \\-\\-all", "All."]}
        self.assertEqual(page.options("OPTIONS"), {"-a", "--all"})


if __name__ == "__main__":
    BUILD, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
