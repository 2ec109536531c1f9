#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every string the daemon sends is valid UTF-8, also when what it quotes
is not.

A proto3 string must be UTF-8; Debian's python3-protobuf (the C++
implementation) refuses a whole message that breaks this, as C++, Go and
Java clients do. Every Reply and Event the Python tests receive goes
through such a parser (tbtest.Commander / Subscriber), so each of those
tests checks it too; this one makes the daemon quote bytes that are not
UTF-8:

  * a command naming a radio "\\xffnurse-1" gets UNKNOWN_RADIO, with the
    name quoted as U+FFFD + "nurse-1";
  * the same for the other commands that name a radio, and a malformed
    command whose bytes are not UTF-8 anywhere;
  * the daemon keeps serving afterwards, and the log names no radio bytes.

Run by ctest: test_utf8.py BUILD_DIR SOURCE_DIR. No sleeps: every wait is
bounded and waits for a reply or a log line.
"""

import os
import shutil
import sys
import tempfile
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbtest  # noqa: E402

BUILD = SOURCE = None
pb = None
FFFD = "\ufffd"


def with_bad_radio(cmd, field):
    """cmd serialised with its radio name's first byte replaced by 0xFF."""
    getattr(cmd, field).radio = "Xnurse-1"
    raw = cmd.SerializeToString()
    assert raw.count(b"Xnurse-1") == 1
    return raw.replace(b"Xnurse-1", b"\xffnurse-1")


class Utf8Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tb-utf8-")
        vty_port = tbtest.free_port()
        path = tbtest.write_config(cls.dir, "utf8-test", vty_port,
                                   ["radio nurse-1", " transport sim", " sim-identity 02420001600002001"])
        cls.daemon = tbtest.Daemon(BUILD, path, vty_port)
        cls.daemon.start(online=1)
        cls.ctx = zmq.Context()
        cls.cmd = tbtest.Commander(pb, cls.ctx, f"ipc://{cls.dir}/commands")

    @classmethod
    def tearDownClass(cls):
        cls.cmd.close()
        cls.ctx.term()
        cls.daemon.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def request_raw(self, raw):
        reply = self.cmd.request(raw=raw)   # parsed strictly: invalid UTF-8 raises
        self.assertIsNotNone(reply, "no reply")
        return reply

    def test_unknown_radio_is_quoted_as_utf8(self):
        for field, build in (("send_status", lambda c: setattr(c.send_status, "value", 0x8005)),
                             ("send_text", lambda c: setattr(c.send_text, "text", "hei")),
                             ("request_location", lambda c: None)):
            with self.subTest(command=field):
                c = pb.Command()
                c.request_id = 42
                getattr(c, field).to.type = pb.IDENTITY_SSI
                getattr(c, field).to.ssi = 2001
                build(c)
                reply = self.request_raw(with_bad_radio(c, field))
                self.assertEqual(reply.request_id, 42)
                self.assertEqual(reply.code, pb.Reply.UNKNOWN_RADIO)
                self.assertIn(FFFD + "nurse-1", reply.error)

    def test_malformed_bytes_get_a_readable_reply(self):
        reply = self.request_raw(b"\xff\xfe\x80\xc0garbage")
        self.assertEqual(reply.code, pb.Reply.MALFORMED)
        self.assertTrue(reply.error)

    def test_still_serving(self):
        c = pb.Command()
        c.list_radios.SetInParent()
        reply = self.cmd.request(c)
        self.assertEqual(reply.code, pb.Reply.OK)
        self.assertEqual([r.name for r in reply.radios.radios], ["nurse-1"])
        self.assertNotIn("\ufffdnurse", self.daemon.log.text())


if __name__ == "__main__":
    tbtest.main(globals())
