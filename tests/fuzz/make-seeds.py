#!/usr/bin/python3
# Writes the seed corpus of every fuzz target, tests/fuzz/corpus/<target>/,
# from the example vectors of docs/protocol.md §11 and a few
# hand-made edge cases. The files are checked in; run this after changing a
# target's input format or adding vectors (files named regress-* are inputs
# that once failed, kept as they are):
#
#   tests/fuzz/make-seeds.py            # rewrites tests/fuzz/corpus/
#
# Input formats (each fuzz_<target>.c says the same at its top):
#   pei_framer     byte 0: how the stream is cut into reads; then the stream
#   pei_decode     result line, '\n', user-data line (optional)
#   sds_decode     byte 0: AI service 9 + (b & 3), 13 when b & 8, b >> 5 when
#                  b & 0x10; b & 4: announced bit length from bytes 1-2
#                  (big-endian, & 0xfff), else exact (octets * 8 minus
#                  byte 1 & 7); bytes 3..: user data (PID first)
#   lip_decode     byte 0: b & 0x80 PID 0x83 (else 0x0A), b & 0x40 NULL
#                  header, b & 7 pad bits cut off the last octet; then the
#                  LIP PDU without its PID
#   text_to_utf8   byte 0: coding scheme; byte 1: small output buffer size;
#                  byte 2 low 3 bits: bits cut off the end; then the text
#   callout_decode byte 0: the SDS-TL flags octet; then the call-out payload
#                  (after the SDS-TL header)
#   concat         byte 0: slots; byte 1: timeout; then 5-byte operations
#                  (op 0 a text part, 1 an SDS part, 2-3 time and expiry)
#   roundtrip      byte 0: which encoder; then the values it encodes
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

HDR = "+CTSDSR: 12,09011638300023404,1,09011638300000001,1,"
STATUS_HDR = "+CTSDSR: 13,09011638300023404,1,09011638300000001,1,16"

# (hex incl. PID, bits): the examples of docs/protocol.md §11
SDS = [
    ("0201746573746D657373616765", 104, "simple_text"),
    ("82029C01746573746D657373616765", 120, "tl_text"),
    ("82029C81045A8F746573746D657373616765", 144, "tl_text_timestamp"),
    ("8A02C981045A8F050003C90201746573746D657373616765", 192, "udh_concat"),
    ("821000C9", 32, "sds_report"),
    ("822001C9", 32, "sds_ack"),
    ("0A01AC608A7A20D8000000", 84, "lip_short"),
    ("0A0088BD4247F737FFE810", 84, "lip_short_unknown"),
    ("0A4E73DDA841F55809493CC081", 104, "lip_long"),
]

# The captured call-out alert (docs/protocol.md §11, §14): SDS-TL header
# C3 00 11, then the payload.
CALLOUT_CAPTURED = ("C300110D1657111104144C155DFF54657374FE0A5465737454657374546573745465737454657374"
                    "546573745465737454657374546573740A5465737454657374546573740A5465737454657374546573"
                    "745465737454657374546573745465737454657374546573740A54657374")

NORWEGIAN = ("Pasient 84 år, falt i hjemmet på Førde. Mistanke om hoftebrudd. "
             "Ambulanse på vei, ETA 15 min. Ring legevakta 116117 ved endring.")


def hexbytes(h):
    return bytes.fromhex(h + ("0" if len(h) % 2 else ""))


class Bits:
    def __init__(self):
        self.v, self.n = 0, 0

    def put(self, value, width):
        self.v = (self.v << width) | (value & ((1 << width) - 1))
        self.n += width
        return self

    def bytes(self):
        pad = (-self.n) % 8
        return ((self.v << pad).to_bytes((self.n + pad) // 8, "big"), pad)


def gsm7_pack(septets):
    v, n, out = 0, 0, bytearray()
    for s in septets:
        v |= s << n
        n += 7
        while n >= 8:
            out.append(v & 0xff)
            v >>= 8
            n -= 8
    if n:
        out.append(v & 0xff)
    return bytes(out), len(septets) * 7


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def tl_text(text_bytes, coding, ref=0x42):
    return bytes([0x82, 0x02, ref, coding]) + text_bytes


def seeds_pei_decode():
    t = "pei_decode"
    urcs = {
        "cticn": "+CTICN: 1,0,0,5,09011638300023404,1,1,0,1,1,5,09011638300000001,0",
        "ctcc": "+CTCC: 1,1,1,0,0,1,1",
        "ctcr": "+CTCR: 1,1",
        "ctxg": "+CTXG: 1,3,0,0,3,09011638300023404",
        "ctxg_short": "+CTXG: 1,0,0,0",
        "cdtxc": "+CDTXC: 1,0",
        "ctxi": "+CTXI: 1,0",
        "ctxw": "+CTXW: 1",
        "ctom": "+CTOM: 0",
        "ctgs": "+CTGS: 1,09011638300000001",
        "cmgs": "+CMGS: 0,4,201",
        "cnumf": "+CNUMF: 6,09011638300023404",
        "cnumf_tsi15": "+CNUMF: 6,242100109876543",
        "csq": "+CSQ: 20,99",
        "creg": "+CREG: 1,1001,24200016",
        "creg_hex": "+CREG: 1,\"03E9\",\"3C8010\"",
        "creg_short": "+CREG: 5,12,090116383",
        "ctxd": "+CTXD: 6,0",
        "cme": "+CME ERROR: 35",
        # answers to commands (layouts in codecs/pei_urc.c)
        "gpspos": "+GPSPOS: 12:34:56,N: 52_20.9931,E: 013_22.6631,7",
        "gpspos_south_west": "+GPSPOS: 1:02:03,s:33_52,w:070_40.5,12",
        "cmgs_test": "+CMGS: (0-255),(0-2047)",
        "ctom_test": "+CTOM: ( 0 , 2 - 5,7 ) , (), 3",
        "cnums": "+CNUMS: 1,09011638300001001,\"BRANN-1\"",
        "cnumd": "+CNUMD: 1,242100100000101",
        "cnums_test": "+CNUMS: (0-63)",
    }
    for name, line in urcs.items():
        write(t, name, line.encode())
    write(t, "status", (STATUS_HDR + "\n8004").encode())
    write(t, "status_short_form", b"+CTSDSR: 13,2345678,16\n8004")
    write(t, "status_4field", b"+CTSDSR: 13,09011638300023404,1,16\n8004")
    write(t, "short_report", (STATUS_HDR + "\n7E9C").encode())
    write(t, "status_e2ee", b"+CTSDSR: 13,1234567,0,2345678,0,16,1\n8004")
    for h, bits, name in SDS:
        write(t, "sds_" + name, (HDR + str(bits) + "\n" + h).encode())
    # Sepura: 21 digits for 84 bits (odd nibble count)
    write(t, "sds_lip_short_sepura", (HDR + "84\n0A01AC608A7A20D800000").encode())
    nor = tl_text(NORWEGIAN.encode("latin-1"), 1)
    write(t, "sds_tl_text_norwegian", (HDR + str(len(nor) * 8) + "\n" + nor.hex().upper()).encode())
    write(t, "sds_type1", b"+CTSDSR: 9,1234567,0,2345678,0,16\nBEEF")
    write(t, "sds_callout_captured",
          ("+CTSDSR: 12,262100101234567,1,262100102345678,1,824,1\n" + CALLOUT_CAPTURED).encode())
    # TSIs as German and Norwegian terminals print them (15 digits), and a
    # 16-digit one with a leading 0
    write(t, "status_tsi15", b"+CTSDSR: 13,262100101234567,1,242100102345678,1,16\n8004")
    write(t, "status_tsi16_zero", b"+CTSDSR: 13,0242100101234567,1,2345678,0,16\n8004")
    # kept, not refused: an identity that does not decode, a header without
    # its data line, data that is not hex or short, a status of 32 bits
    write(t, "status_bad_calling", b"+CTSDSR: 13,10241638300023404,1,2345678,0,16\n8004")
    write(t, "sds_no_data", (HDR + "104").encode())
    write(t, "sds_bad_hex", (HDR + "32\n8220Z1C9").encode())
    write(t, "sds_short", (HDR + "104\n0201746573").encode())
    write(t, "status_32", b"+CTSDSR: 13,1234567,0,2345678,0,32\n80040000")
    write(t, "cticn_bad_called", b"+CTICN: 1,0,0,1,262100101234567,1,1,0,1,1,1,123456789,0")


def seeds_framer():
    t = "pei_framer"
    write(t, "sds_crlf", b"\x00\r\n" + (STATUS_HDR + "\r\n8004\r\n").encode())
    write(t, "sds_bytewise", b"\x80" + (HDR + "120\r\n82029C01746573746D657373616765\r\n").encode())
    write(t, "lines_lf_cr", b"\x01OK\n+CTCR: 1,1\r+CTXG: 1,3,0,0,3,09011638300023404\r\n\r\nOK\r\n")
    write(t, "prompt", b"\x02AT+CMGS=2345678,16\r> 8004\x1a\r\nOK\r\n")
    write(t, "garbage", b"\x03\x00\x01+CT\x7fSQ: 2\t0,99\x1b\r\n\xff\xfe\r\n")
    write(t, "overlong", b"\x04" + b"A" * 1100 + b"\r\nOK\r\n")
    write(t, "exact_max", b"\x05" + b"B" * 1024 + b"\r\n" + b"C" * 1025 + b"\n")


def seeds_sds():
    t = "sds_decode"
    for h, bits, name in SDS:
        data = hexbytes(h)
        # b0: AI 12 (9 + 3), length from bytes 1-2
        write(t, name, bytes([0x07]) + struct.pack(">H", bits) + data)
    nor = tl_text(NORWEGIAN.encode("latin-1"), 1)
    write(t, "tl_text_norwegian", bytes([0x07]) + struct.pack(">H", len(nor) * 8) + nor)
    utf16 = tl_text("Blåbærsyltetøy ÆØÅ €".encode("utf-16-be"), 26)
    write(t, "tl_text_utf16", bytes([0x07]) + struct.pack(">H", len(utf16) * 8) + utf16)
    # exact-length form (b0 & 4 clear): AI 12, no pad bits
    write(t, "exact_tl_text", bytes([0x03, 0x00, 0x00]) + hexbytes("82029C01746573746D657373616765"))
    # storage block: validity 7, forward type 1 (SSI 24 bits)
    b = Bits().put(0x82, 8).put(0, 4).put(1, 2).put(0, 1).put(1, 1).put(0x17, 8)
    b.put(7, 5).put(1, 3).put(2345678, 24).put(0, 1).put(1, 7)
    for c in b"stored":
        b.put(c, 8)
    data, _ = b.bytes()
    write(t, "tl_text_storage", bytes([0x07]) + struct.pack(">H", b.n) + data)
    write(t, "status", bytes([0x0C, 0x00, 16]) + b"\x80\x04")
    write(t, "short_report", bytes([0x0C, 0x00, 16]) + b"\x7e\x9c")
    write(t, "status_bad_len", bytes([0x0C, 0x00, 24]) + b"\x80\x04\x00")
    write(t, "other_ai", bytes([0x30, 0x00, 0x00]) + b"\x80\x04")
    # SDS types 1-3 (AI 9-11): fixed 16/32/64 bits
    write(t, "type1", bytes([0x04, 0x00, 16]) + b"\xbe\xef")
    write(t, "type2", bytes([0x05, 0x00, 32]) + b"\x82\x10\x00\xc9")
    write(t, "type3", bytes([0x06, 0x00, 64]) + b"\x02\x01hello!")
    gsm, nbits = gsm7_pack([0x68, 0x65, 0x6C, 0x6C, 0x6F, 0x00, 0x01, 0x1B, 0x65])
    d = bytes([0x82, 0x02, 0x10, 0x00]) + gsm
    write(t, "tl_text_gsm7", bytes([0x07]) + struct.pack(">H", 32 + nbits) + d)
    captured = hexbytes(CALLOUT_CAPTURED)
    write(t, "callout_captured", bytes([0x07]) + struct.pack(">H", len(captured) * 8) + captured)
    answer = bytes([0xC3, 0x04, 0x22]) + callout_answer(text="Ja".encode())
    write(t, "callout_answer", bytes([0x07]) + struct.pack(">H", len(answer) * 8) + answer)
    write(t, "callout_truncated", bytes([0x07]) + struct.pack(">H", 40) + hexbytes("C302270D16"))
    # a concatenated call-out, part 1 of 2 (PID 0x8C)
    part = hexbytes("8C0030050201C3") + hexbytes(CALLOUT_CAPTURED)[3:20]
    write(t, "concat_tl_callout_part1", bytes([0x07]) + struct.pack(">H", len(part) * 8) + part)


def seeds_lip():
    t = "lip_decode"
    write(t, "short", bytes([0x04]) + hexbytes("01AC608A7A20D8000000"))
    write(t, "short_unknown", bytes([0x04]) + hexbytes("0088BD4247F737FFE810"))
    write(t, "short_null_hdr", bytes([0x44]) + hexbytes("01AC608A7A20D8000000"))
    write(t, "long", bytes([0x00]) + hexbytes("4E73DDA841F55809493CC081"))
    # immediate location report request: type 01, ext 0001, prio 0, report type 1, O-bit 0
    data, pad = Bits().put(1, 2).put(1, 4).put(0, 2).put(1, 2).put(0, 1).bytes()
    write(t, "immediate_request", bytes([pad]) + data)
    # long report, time type 2, shape 5 (circle + altitude), velocity 5, ack + msg ref
    b = Bits().put(1, 2).put(3, 4).put(2, 2).put(14, 5).put(15, 5).put(29, 6).put(42, 6)
    b.put(5, 4).put(0x6B1F8F, 25).put(0x4A4B22, 24).put(20, 6).put(0, 1).put(350, 11)
    b.put(5, 3).put(40, 7).put(64, 8).put(1, 1).put(0, 1).put(3, 8).put(0x2A, 8)
    data, pad = b.bytes()
    write(t, "long_circle_alt", bytes([pad]) + data)
    # long report, time type 1, shape 3 (ellipse), velocity 7, PID 0x83
    b = Bits().put(1, 2).put(3, 4).put(1, 2).put(2, 2).put(3, 4).put(0x0123456, 25)
    b.put(0x345678, 24).put(10, 6).put(12, 6).put(90, 8).put(7, 3).put(50, 7).put(2, 3)
    b.put(0x85, 8).put(1, 3).put(128, 8).put(3, 3).put(0, 1).put(1, 1).put(0x55, 8)
    data, pad = b.bytes()
    write(t, "long_ellipse_vel7_pid83", bytes([0x80 | pad]) + data)
    # report ack (ext 0100)
    data, pad = Bits().put(1, 2).put(4, 4).put(0, 8).bytes()
    write(t, "report_ack", bytes([pad]) + data)


def seeds_text():
    t = "text_to_utf8"

    def w(name, coding, data, cut=0, small=0):
        write(t, name, bytes([coding, small, cut]) + data)

    w("latin1_testmessage", 1, b"testmessage")
    w("latin1_norwegian", 1, NORWEGIAN.encode("latin-1"), small=20)
    w("latin9_euro", 13, "Pris 250 € for Åse".encode("iso8859-15"))
    w("utf16_norwegian", 26, "Blåbær ÆØÅ 😀".encode("utf-16-be"))
    w("utf16_lone_surrogate", 26, b"\xd8\x3d\x00\x41\xdc\x00", small=3)
    w("utf16_odd", 26, "ab".encode("utf-16-be") + b"\x00", cut=0)
    gsm, nbits = gsm7_pack([0x48, 0x69, 0x00, 0x01, 0x02, 0x1B, 0x65, 0x1B, 0x14, 0x1B, 0x1B, 0x1B])
    w("gsm7_ext", 0, gsm, cut=(len(gsm) * 8 - nbits))
    w("gsm7_hello", 0, gsm7_pack([0x68, 0x65, 0x6C, 0x6C, 0x6F])[0], small=4)
    w("cp865", 23, "Sjøsyk på fjorden".encode("cp865"))
    w("cp437", 14, bytes(range(0x80, 0x100)))
    w("viscii", 27, bytes(range(0, 0x100)))
    w("latin2_all", 2, bytes(range(0, 0x100)))
    w("reserved", 28, b"abc")
    w("nul", 1, b"a\x00b")


def callout_head(lead=0x0D, kind=1, number=0x65, severity=7):
    return bytes([lead, kind << 4 | number >> 4, (number & 0x0F) << 4 | severity])


def callout_alert(sender=0x1111, receivers=(0x144C, 0x155D), text="Brann i Florø sentrum".encode("latin-1"),
                  sep=True, **head):
    b = callout_head(**head) + struct.pack(">HB", sender, 2 * len(receivers))
    b += b"".join(struct.pack(">H", r) for r in receivers)
    return b + (b"\xff" if sep else b"") + text


def callout_answer(text=b"", sep=True, **head):
    head.setdefault("kind", 3)
    return callout_head(**head) + (b"\xff" if sep else b"") + text


def seeds_callout():
    t = "callout_decode"
    # byte 0: the SDS-TL flags octet (report request in bits 2-3)
    write(t, "captured", bytes([0x00]) + hexbytes(CALLOUT_CAPTURED)[3:])
    write(t, "alert_norwegian", bytes([0x04]) + callout_alert())
    write(t, "alert_max", bytes([0x0C]) + callout_alert(receivers=tuple(range(32)), text=b"x" * 94))
    write(t, "alert_no_separator", bytes([0x00]) + callout_alert(text=b"AB", sep=False))
    write(t, "alert_odd_count", bytes([0x00]) + callout_head() + b"\x11\x11\x03\x14\x4c\x15\xff")
    write(t, "alert_long_text", bytes([0x00]) + callout_alert(text=NORWEGIAN.encode("latin-1") * 3))
    write(t, "answer_ja", bytes([0x04]) + callout_answer(text=b"Ja", lead=0x01, severity=2))
    write(t, "answer_no_separator", bytes([0x00]) + callout_answer(text=b"Nei", sep=False))
    write(t, "answer_empty", bytes([0x00]) + callout_answer(sep=False))
    write(t, "other_kind", bytes([0x00]) + callout_head(kind=2) + b"\x12\x34\xff")
    write(t, "truncated", bytes([0x00]) + b"\x0d\x16")


def seeds_roundtrip():
    t = "roundtrip"
    # byte 0 % 5 selects the encoder (see fuzz_roundtrip.c)
    write(t, "status", bytes([0]) + b"\x80\x04")
    write(t, "status_short_report", bytes([0]) + b"\x7e\x9c")
    write(t, "status_emergency", bytes([0]) + b"\x00\x00")
    write(t, "text_ascii", bytes([1, 0x9c, 0, 0, 0]) + "testmessage".encode())
    write(t, "text_norwegian", bytes([1, 0x10, 1, 0, 0xC9]) + NORWEGIAN.encode())
    write(t, "text_latin9", bytes([1, 0x11, 3, 0, 0]) + "Pris 250 € for Åse".encode())
    write(t, "text_utf16", bytes([1, 0x12, 2, 0, 0]) + "Blåbær 😀 ÆØÅ".encode())
    write(t, "text_long_8bit_ref", bytes([1, 0x20, 0, 0, 0x42]) + (NORWEGIAN * 4).encode())
    write(t, "text_long_16bit_ref", bytes([1, 0xFE, 1, 0x12, 0x34]) + ("Ål " * 300).encode())
    write(t, "text_invalid_utf8", bytes([1, 0, 0, 0, 0]) + b"abc\xc3(")
    # LIP short: lon, lat as int32 fractions of 180 / 90 degrees
    def lip(lon, lat, te, pe, vel, dirdeg, addtype, val):
        return (bytes([2]) + struct.pack(">iiBBHHBB", int(lon / 180 * 2**31), int(lat / 90 * 2**31),
                                         te, pe, vel, int(dirdeg / 360 * 65536), addtype, val))
    write(t, "lip_short", lip(37.65033, 55.73393, 0, 0, 0, 0, 0, 0))
    write(t, "lip_short_forde", lip(5.8553, 61.4522, 1, 2, 64 * 80, 337.5, 0, 129))
    write(t, "lip_short_edges", lip(179.9999999, 89.9999999, 3, 7, 0xffff, 359.99, 1, 0xff))
    write(t, "lip_short_west", lip(-179.9999, -89.9999, 2, 5, 64 * 1000, 11.25, 0, 2))
    # call-out: flags (bit 0 answer, bits 1-2 report request), lead, number,
    # severity, sender, receiver count, receivers, text
    write(t, "callout_alert", bytes([3, 0, 0x0D, 0x65, 7]) + struct.pack(">HBHH", 0x1111, 2, 0x144C, 0x155D) +
          "Brann i Florø sentrum".encode("latin-1"))
    write(t, "callout_alert_bad_severity", bytes([3, 0, 0x0D, 1, 16]) + struct.pack(">HB", 1, 0))
    write(t, "callout_alert_too_many", bytes([3, 2, 0x0D, 1, 1]) + struct.pack(">HB", 1, 33))
    write(t, "callout_alert_long_text", bytes([3, 0, 0x0D, 2, 3]) + struct.pack(">HB", 1, 0) + b"y" * 95)
    write(t, "callout_answer", bytes([3, 3, 0x01, 0x65, 2, 0, 0, 0]) + b"Ja, kommer")
    write(t, "report_received", bytes([4, 0x82, 0x00, 0xC9]))
    write(t, "report_lip_tl", bytes([4, 0x83, 0x02, 0x01]))
    write(t, "report_no_tl", bytes([4, 0x0A, 0x00, 0x01]))


def seeds_concat():
    t = "concat"

    def ops(*o):
        return b"".join(bytes(x) for x in o)
    # slots, timeout; then (op, sender, ref, total, part)
    write(t, "two_parts", bytes([2, 50]) + ops((0, 0, 0xC9, 2, 1), (0, 0, 0xC9, 2, 2)))
    write(t, "reverse_dup", bytes([2, 50]) + ops((0, 1, 7, 3, 3), (0, 1, 7, 3, 3), (0, 1, 7, 3, 1),
                                                 (0, 1, 7, 3, 2)))
    write(t, "interleaved", bytes([3, 50]) + ops((0, 0, 1, 2, 1), (0, 1, 1, 2, 1), (0, 0, 2, 2, 2),
                                                 (0, 1, 1, 2, 2), (0, 0, 1, 2, 2), (0, 0, 2, 2, 1)))
    write(t, "evict_one_slot", bytes([1, 50]) + ops((0, 0, 1, 3, 1), (0, 1, 2, 3, 1), (0, 2, 3, 3, 1),
                                                    (3, 0, 0, 0, 0), (0, 0, 1, 3, 2)))
    write(t, "expire", bytes([2, 1]) + ops((0, 0, 0x85, 16, 16), (2, 0, 1, 0, 0), (0, 0, 0x85, 16, 1)))
    write(t, "long_16_parts", bytes([4, 200]) + ops(*[(1, 3, 0x90, 16, i) for i in range(16, 0, -1)]))
    write(t, "bad_parts", bytes([0, 0]) + ops((0, 0, 0, 0, 0), (0, 0, 0, 2, 3), (0, 0, 0, 17, 1),
                                              (0, 0, 0, 1, 1)))
    # op 1: parts of a concatenated SDS; a text and an SDS with one key are two messages
    write(t, "sds_and_text", bytes([2, 50]) + ops((1, 2, 0x30, 2, 2), (0, 2, 0x30, 2, 1), (1, 2, 0x30, 2, 2),
                                                  (1, 2, 0x30, 2, 1), (0, 2, 0x30, 2, 2)))
    write(t, "sds_given_up", bytes([1, 1]) + ops((1, 0, 0x85, 3, 1), (1, 0, 0x85, 3, 3), (2, 0, 1, 0, 0),
                                                 (1, 1, 0x86, 17, 1), (1, 1, 0x86, 1, 1)))


def main():
    targets = ["pei_framer", "pei_decode", "sds_decode", "lip_decode", "text_to_utf8",
               "callout_decode", "concat", "roundtrip"]
    # regenerate the seeds; keep the regress-* files (inputs that once
    # failed, copied here from a build's artifacts)
    for tg in targets:
        d = os.path.join(OUT, tg)
        for f in os.listdir(d) if os.path.isdir(d) else []:
            if not f.startswith("regress-"):
                os.remove(os.path.join(d, f))
    seeds_framer()
    seeds_pei_decode()
    seeds_sds()
    seeds_lip()
    seeds_text()
    seeds_callout()
    seeds_concat()
    seeds_roundtrip()
    n = sum(len(os.listdir(os.path.join(OUT, tg))) for tg in targets)
    print(f"{n} seed files under {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
