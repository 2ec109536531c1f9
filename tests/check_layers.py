#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The layer rule, read from the #include lines, so it cannot break quietly.

Each folder of the daemon owns one layer and may include only the layers
below it (docs/architecture.md §2):

    codecs  <-  radio-drivers  <-  bridge
    codecs  <-  ipc            <-  bridge
    tools: ipc and codecs; tetra-sim also the simulated terminal
    web (tetra-web, a client of bridges): ipc and common, never the bridge

common/ (log categories, counter groups, the checked config reader) is for
every layer but the codecs, which never log and count only in their own
structs.
A project header is included as "layer/file.h"; system headers (<...>) are
not checked. Generated headers in the build tree count as their layer
("ipc/tetra_bridge.pb-c.h", "codecs/charset_tables.h", "ipc/version.h").

Usage: check_layers.py SOURCE_DIR. Exit 0 when every include is allowed,
1 with one line per offending include ("file:line: includes X").
"""

import os
import re
import sys
import tempfile

ALLOWED = {
    "codecs": {"codecs"},
    "common": {"common"},
    "radio-drivers": {"radio-drivers", "codecs", "common"},
    "ipc": {"ipc", "codecs", "common"},
    "bridge": {"bridge", "radio-drivers", "ipc", "codecs", "common"},
    "tools": {"tools", "ipc", "codecs", "common"},
    "web": {"web", "ipc", "common"},
}
# Single files with a wider allowance, and why.
EXCEPTIONS = {
    # tetra-sim serves simulated terminals on ptys: the radio layer's simulator.
    "tools/tetra_sim.c": {"radio-drivers/sim_terminal.h"},
    # tetractl web-user writes tetra-web's users file with tetra-web's own code.
    "tools/ctl_web_user.c": {"web/users.h"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def check(src):
    bad = []
    for layer, allowed in ALLOWED.items():
        root = os.path.join(src, layer)
        for dirpath, _, files in os.walk(root):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, src)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        inc = m.group(1)
                        if "/" not in inc:
                            bad.append(f"{rel}:{n}: includes \"{inc}\": name the layer (\"{layer}/{inc}\")")
                            continue
                        target = inc.split("/", 1)[0]
                        if target in allowed or inc in EXCEPTIONS.get(rel, ()):
                            continue
                        bad.append(f"{rel}:{n}: includes \"{inc}\": {layer}/ may include only "
                                   f"{', '.join(sorted(allowed))}")
    return bad


def self_test():
    """The check catches what it must, on a tree made for it: a test that
    cannot fail would be no test."""
    with tempfile.TemporaryDirectory() as d:
        files = {
            "codecs/a.c": '#include "codecs/a.h"\n#include "common/logging.h"\n',
            "ipc/b.c": '#include "radio-drivers/usb.h"\n',
            "tools/tetra_sim.c": '#include "radio-drivers/sim_terminal.h"\n',
            "tools/c.c": '  #  include "radio-drivers/sim_terminal.h"\n#include <zmq.h>\n',
            "bridge/d.c": '#include "radio-drivers/usb.h"\n#include "ipc/publisher.h"\n#include "x.h"\n',
            "web/e.c": '#include "ipc/pb_json.h"\n#include "bridge/roster.h"\n',
        }
        for rel, text in files.items():
            os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(d, rel), "w") as f:
                f.write(text)
        got = sorted(line.split(":")[0] + ":" + line.split(":")[1] for line in check(d))
        want = ["bridge/d.c:3", "codecs/a.c:2", "ipc/b.c:1", "tools/c.c:1", "web/e.c:2"]
        assert got == want, f"the layer check itself is broken: {got} != {want}"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    self_test()
    bad = check(sys.argv[1])
    for line in bad:
        print(line)
    if bad:
        print(f"{len(bad)} include(s) break the layer rule (docs/architecture.md §2)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
