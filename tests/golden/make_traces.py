#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the golden PEI traces tests/golden/*.pei: the raw bytes a terminal
prints, built here field by field so that each line says what it holds.

  make_traces.py [DIR]      (default: the directory of this script)

The traces are the test input and are checked in; run this only to change
them, then `cmake --build <build> --target golden-update` and review the
new expected output. PDUs are packed MSB first as EN 300 392-2 §29 and
TS 100 392-18-1 lay them out (see docs/protocol.md §5-§7; lines marked
"example" are the vectors of its §11).
"""
import os, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

class Bits:
    def __init__(self): self.v = 0; self.n = 0
    def put(self, val, n):
        assert 0 <= val < (1 << n), (val, n)
        self.v = (self.v << n) | val; self.n += n; return self
    def s(self, val, n):  # two's complement
        return self.put(val & ((1 << n) - 1), n)
    def bytes_(self, b):
        for x in b: self.put(x, 8)
        return self
    def hex(self, whole_octets=False):
        """hex digits for n bits: Motorola sends whole octets, Sepura whole nibbles"""
        nib = (self.n + 3) // 4
        if whole_octets: nib = (self.n + 7) // 8 * 2
        v = self.v << (nib * 4 - self.n)
        return "%0*X" % (nib, v)

def hdr(ai, bits, calling="1234567", ctype=0, called="2345678", dtype=0):
    return "+CTSDSR: %d,%s,%d,%s,%d,%d" % (ai, calling, ctype, called, dtype, bits)

def sds(b, calling="1234567", ctype=0, called="2345678", dtype=0, motorola=True):
    return [hdr(12, b.n, calling, ctype, called, dtype), b.hex(whole_octets=motorola)]

def lat_code(deg): return round(deg * (1 << 24) / 180.0)
def lon_code(deg): return round(deg * (1 << 25) / 360.0)

def lip_short(lat, lon, elapsed=0, poserr=1, vel=0, direction=0, addtype=0, data=0, pid=0x0A):
    b = Bits().put(pid, 8).put(0, 2).put(elapsed, 2).s(lon_code(lon), 25).s(lat_code(lat), 24)
    return b.put(poserr, 3).put(vel, 7).put(direction, 4).put(addtype, 1).put(data, 8)

def gsm7(text):
    septets = [ord(c) if c != '@' else 0 for c in text]  # ASCII subset of the default alphabet
    v = 0; nbits = 0; out = []
    for s in septets:
        v |= s << nbits; nbits += 7
        while nbits >= 8:
            out.append(v & 0xff); v >>= 8; nbits -= 8
    if nbits: out.append(v & 0xff)
    return out, len(septets) * 7

def write(name, lines, eol="\r\n"):
    with open(os.path.join(OUT, name), "wb") as f:
        for l in lines:
            f.write((l if isinstance(l, bytes) else l.encode("latin-1")) + eol.encode())

# ---- statuses and short reports ------------------------------------------
write("status.pei", [
    "AT+CTSP=1,2,20", "OK",
    hdr(13, 16), "8004",
    "+CTSDSR: 13,09011638300023404,1,09011638300000001,1,16", "8001",
    hdr(13, 16, "02420001600002001", 1, "02420001600000100", 1), "0000",
    "+CTSDSR: 13,2345678,16", "8002",
    "+CTSDSR: 13,2345678,0,16", "fffe",
    hdr(13, 16), "7E9C",
    hdr(13, 16), "7FC9",
    hdr(13, 16), "7C01",
    hdr(13, 16), "7D02",
    "+CTSDSR: 13,1234567,0,2345678,0,16,1", "8003",
    hdr(13, 16), "7BFF",
])

# ---- call control ---------------------------------------------------------
write("call.pei", [
    "AT+CTSP=2,0,0", "OK",
    "+CTICN: 1,0,0,5,09011638300023404,1,1,0,1,1,5,09011638300000001,0",
    "+CTXG: 1,3,0,0,3,09011638300023404",
    "+CDTXC: 1,0",
    "+CTXG: 1,3,0,0,3,09011638300023405",
    "+CTXI: 1,1",
    "+CTXW: 1",
    "+CTXD: 1",
    "+CTXG: 1,0,1,0",
    "+CTCR: 1,14",
    "+CTICN: 2,2,0,1,1234567,0,0,1,0,1,1,2345678,15",
    "+CTCC: 2,0,0,0,1,0,1",
    "+CTXG: 2,0,0,1",
    "+CTCR: 2,1",
    "+CTICN:3,0,0,3,+4722334455,0,0,0,0,1,,,",
    "+CTCR: 3,23",
])

# ---- text -----------------------------------------------------------------
def text_simple(pid, coding, payload):
    return Bits().put(pid, 8).put(0, 1).put(coding, 7).bytes_(payload)

def transfer(pid, ref, rr=0, storage=None):
    b = Bits().put(pid, 8).put(0, 4).put(rr, 2).put(1, 1).put(1 if storage else 0, 1).put(ref, 8)
    if storage:
        validity, ftype, addr = storage
        b.put(validity, 5).put(ftype, 3)
        if ftype == 1: b.put(addr, 24)
    return b

def texthdr(b, coding, ts=None):
    if ts:
        tf, month, day, hour, minute = ts
        b.put(1, 1).put(coding, 7).put(tf, 2).put(0, 2).put(month, 4).put(day, 5).put(hour, 5).put(minute, 6)
    else:
        b.put(0, 1).put(coding, 7)
    return b

def udh(b, ref, total, part):
    return b.bytes_([5, 0, 3, ref, total, part])

l1 = lambda s: list(s.encode("latin-1"))
u16 = lambda s: list(s.encode("utf-16-be"))
text = ["AT+CTSP=1,3,130", "OK", "AT+CTSP=1,3,137", "OK", "AT+CTSP=1,3,138", "OK"]
text += sds(text_simple(0x02, 1, l1("testmessage")))                       # example: simple text
text += sds(text_simple(0x02, 1, l1("Pasient på båre, rom 3")))
g, gbits = gsm7("Kom til legevakt")                                          # 16 septets: 14 whole octets
text += sds(Bits().put(0x02, 8).put(0, 1).put(0, 7).bytes_(g))
text += sds(text_simple(0x02, 26, u16("Blåbærsyltetøy ÆØÅ")))
text += sds(text_simple(0x02, 13, l1("Pris 100 ") + [0xA4]))               # 8859-15 euro
text += sds(text_simple(0x09, 1, l1("STOPP: kjør til Førde")))               # simple immediate text
text += sds(texthdr(transfer(0x82, 0x9C), 1).bytes_(l1("testmessage")))     # example: TRANSFER
text += sds(texthdr(transfer(0x82, 0x9C), 1, (0, 4, 11, 10, 15)).bytes_(l1("testmessage")))
text += sds(texthdr(transfer(0x82, 0x21, rr=3), 1, (1, 12, 24, 23, 59)).bytes_(l1('Linje 1\nLinje 2 "sitat"\ttab')))
text += sds(texthdr(transfer(0x82, 0x22, rr=1, storage=(7, 7, 0)), 1).bytes_(l1("lagret 2 min")))
text += sds(texthdr(transfer(0x82, 0x23, storage=(31, 1, 2345679)), 1).bytes_(l1("videresendt")))
text += sds(texthdr(transfer(0x89, 0x24, rr=2), 1).bytes_(l1("Hastemelding")))  # immediate text, SDS-TL
# concatenated, 3 parts, out of order: 3, 1, 2 -> one text at the line of part 2
parts = ["Del en av tre. ", "Del to av tre. ", "Del tre av tre."]
for n in (3, 1):
    text += sds(udh(texthdr(transfer(0x8A, 0x30 + n), 1), 0x10, 3, n).bytes_(l1(parts[n - 1])),
                calling="02420001600002001", ctype=1)
text += sds(texthdr(transfer(0x82, 0x25), 1).bytes_(l1("en annen melding mellom delene")))
text += sds(udh(texthdr(transfer(0x8A, 0x32), 1), 0x10, 3, 2).bytes_(l1(parts[1])),
            calling="02420001600002001", ctype=1)
# the same part twice: the repeat is dropped
text += sds(udh(texthdr(transfer(0x8A, 0x40, rr=1), 1, (0, 4, 11, 10, 15)), 0xC9, 2, 1).bytes_(l1("testmessage")))
text += sds(udh(texthdr(transfer(0x8A, 0x40, rr=1), 1, (0, 4, 11, 10, 15)), 0xC9, 2, 1).bytes_(l1("testmessage")))
text += sds(udh(texthdr(transfer(0x8A, 0x41, rr=1), 1), 0xC9, 2, 2).bytes_(l1(" part two")))
# one part missing: given up at the end as text_incomplete
text += sds(udh(texthdr(transfer(0x8A, 0x50), 1), 0x11, 3, 1).bytes_(l1("Første del, ")))
text += sds(udh(texthdr(transfer(0x8A, 0x52), 1), 0x11, 3, 3).bytes_(l1("tredje del.")))
# example: UDH, part 1 of 2, ref 0xC9 from another sender: also incomplete
text += [hdr(12, 192, "7654321"), "8A02C981045A8F050003C90201746573746D657373616765"]
write("text.pei", text)

# ---- LIP ------------------------------------------------------------------
lip = ["AT+CTSP=1,3,10", "OK"]
lip += [hdr(12, 84), "0A01AC608A7A20D8000000"]          # example: short, Moscow
lip += [hdr(12, 84), "0A0088BD4247F737FFE810"]          # example: short, Leipzig, unknowns
lip += [hdr(12, 104), "0A4E73DDA841F55809493CC081"]      # example: long, day 14 15:29:42
lip += sds(lip_short(-33.45694, -70.64827, elapsed=1, poserr=2, vel=28, direction=12, data=3))  # Santiago: S W
lip += sds(lip_short(64.14660, -21.94260, elapsed=2, poserr=3, vel=60, direction=4, addtype=1, data=0x5A))  # Reykjavik: N W
lip += sds(lip_short(-33.86882, 151.20930, elapsed=3, poserr=7, vel=127, direction=8, data=2))  # Sydney: S E, emergency
lip += sds(lip_short(61.45200, 5.85720, poserr=0, vel=50, direction=2, data=129))   # Førde
# long: point + altitude (shape 4), time elapsed, velocity + direction (type 5), ack requested + message reference
b = Bits().put(0x0A, 8).put(1, 2).put(3, 4).put(1, 2).put(1, 2).put(4, 4)
b.s(lon_code(-3.70379), 25).s(lat_code(40.41678), 24).put(0, 1).put(201 + 667, 11)
b.put(5, 3).put(40, 7).put(192, 8).put(1, 1).put(0, 1).put(4, 8).put(0x2A, 8)
lip += sds(b)
# long: circle (shape 2) with horizontal uncertainty, no time, no velocity, user data
b = Bits().put(0x0A, 8).put(1, 2).put(3, 4).put(0, 2).put(2, 4)
b.s(lon_code(-58.38156), 25).s(lat_code(-34.60372), 24).put(10, 6).put(0, 3).put(0, 1).put(1, 1).put(0x7F, 8)
lip += sds(b)
# long: no shape (shape 0), time type 0, velocity none: a report without a position
b = Bits().put(0x0A, 8).put(1, 2).put(3, 4).put(0, 2).put(0, 4).put(0, 3).put(0, 1).put(0, 1).put(21, 8)
lip += sds(b)
# immediate location report request (extension 1): priority 0, long report preferred
b = Bits().put(0x0A, 8).put(1, 2).put(1, 4).put(0, 2).put(1, 2).put(0, 1)
lip += sds(b)
# location report acknowledgement (extension 4): fields not decoded
b = Bits().put(0x0A, 8).put(1, 2).put(4, 4).put(0, 2)
lip += sds(b)
# LIP with SDS-TL (PID 0x83): TRANSFER ref 0x77 asking for a "received" report
b = transfer(0x83, 0x77, rr=1)
sb = lip_short(59.91273, 10.74609, poserr=1, vel=10, direction=6, data=16)   # Oslo
b.put(sb.v & ((1 << (sb.n - 8)) - 1), sb.n - 8)
lip += sds(b)
# a LIP PDU cut short: stays raw with the reason
lip += [hdr(12, 40), "0A01AC608A"]
write("lip.pei", lip)

# ---- delivery reports and send results -------------------------------------
rep = ["AT+CTSP=1,3,130", "OK"]
rep += [hdr(12, 32), "821000C9"]                      # example: REPORT received, ref 0xC9
rep += [hdr(12, 32), "822001C9"]                      # example: ACK, ref 0xC9
rep += [hdr(12, 32), "821802C9"]                      # REPORT consumed, ack required
rep += [hdr(12, 32), "82104B10"]                      # REPORT failed: not registered
rep += [hdr(12, 32), "82102211"]                      # REPORT temporary: stored, not reachable
rep += [hdr(12, 32), "89100212"]                      # REPORT consumed, immediate text PID
rep += ["AT+CTSDS=12,0,0,0,1", "OK",
        "AT+CMGS=2345678,120", b"> 82029C01746573746D657373616765\x1a", "+CMGS: 0", "OK",
        "+CMGS: 0,4,156",
        "AT+CTSDS=13,0", "OK",
        "AT+CMGS=2345678,16", "> ", b"8004\x1a", "+CMGS: 1", "OK",
        "+CMGS: 1,5",
        "+CMGS: 2,,7"]
rep += [hdr(13, 16), "7E9C"]                          # short report: received ref 0x9C
write("report.pei", rep)

# ---- terminal information --------------------------------------------------
write("mm.pei", [
    "AT+CNUMF?", "+CNUMF: 6,09011638300023404", "OK",
    "AT+CTOM?", "+CTOM: 0", "OK",
    "+CTOM: 1",
    "+CTOM: 6",
    "+CTGS: 1,09011638300000001",
    "+CTGS: 2,09011638300000101,3,09011638300000102,4,09011638300000103",
    "+CTGS: 0,",
    "AT+CSQ?", "+CSQ: 20,99", "OK",
    "+CSQ: 0,0",
    "+CSQ: 99,99",
    "+CREG: 0",
    "+CREG: 1,1001,24200016",
    "+CREG: 5,\"03E9\",\"3C8010\"",
    "+CREG: 2,,",
    "AT+CTSDS=13,0", "+CME ERROR: 31",
    "+CME ERROR: 3",
    "+CME ERROR: 99",
    # a +CNUMF nobody asked for: published as reported, never the radio's
    # own (a trace cannot tell: every +CNUMF line comes out this way)
    "+CNUMF: 6,242100109876543",
], eol="\n")

# ---- answers to commands a bridge or a technician may send -------------------
# (layouts from public clients, not from vendor manuals: see codecs/pei_urc.c)
ans = [
    # +GPSPOS (Motorola): UTC time, degrees_minutes, satellites in use
    "AT+GPSPOS?", "+GPSPOS: 12:34:56,N: 52_20.9931,E: 013_22.6631,7", "OK",
    "AT+GPSPOS?", "+GPSPOS: 07:05:00,N: 69_40.0000,E: 018_57.0000,4", "OK",
    "+GPSPOS: 23:59:59,S: 33_52.1000,W: 070_40.5000,11",
    # a part that does not decode: the rest is kept, with the answer as sent
    "+GPSPOS: 12:34:56,N: 91_00.0000,E: 013_22.6631,7",
    # a layout nobody has seen: only the text
    "+GPSPOS: no fix",
    # test commands: the values each parameter takes (V.250's lists)
    "AT+CMGS=?", "+CMGS: (0-255),(0-2047)", "OK",
    "AT+CTOM=?", "+CTOM: (0-1,6)", "OK",
    "+CMGS: (\"SSI\",\"TSI\"),(0-2047)",     # not numbers: kept as text
    # an SDS send result is still one
    "+CMGS: 3,4,201",
    # the terminal's static and dynamic identities, one line each
    "AT+CNUMS?",
    "+CNUMS: 1,02420100100001001,\"BRANN-1\"",
    "+CNUMS: 1,242100100001002,\"BRANN-2\"",
    "+CNUMS: 1,1003",
    "OK",
    "AT+CNUMD?", "+CNUMD: 1,262100100000101,\"THW\"", "OK",
    "AT+CNUMS=?", "+CNUMS: (0-63)", "OK",
    "+CNUMS: 1,123456789,\"X\"",     # an identity that does not decode: kept
    "+CNUMD: 3",                      # another form: only the text
]
write("answers.pei", ans)

# ---- garbage ----------------------------------------------------------------
garb = [
    "hello world",
    "+CTICN: 1,x,0",
    "+CTCR: 1,99",
    hdr(13, 16),                     # header without its data line: kept raw ...
    "+CTCR: 1,1",                    # ... then a line of its own
    "DEADBEEF",                      # hex without a header
    hdr(13, 16), "80G4",             # data that is not hex: the header is alone (raw)
    hdr(12, 120), "8202",            # data shorter than its bit length: raw, what came
    hdr(13, 32), "80040000",         # a status must be 16 bits: raw
    "+CTSDSR: 14,2345678,16", "8004",  # AI service out of range: refused
    b"+CTCR: 2,\x001",               # a NUL inside a line: dropped by the framer
    b"+CTCR: 3,2\r+CTCR: 4,3",       # a bare CR ends a line too
    "+CTXQ: 1",                      # unknown result code
    "RING",
    "NO CARRIER",
    "A" * 1100,                      # longer than any PEI line
    "+CME ERROR: SIM failure",       # verbose +CME ERROR: not decoded
    "+CNUMF: 6,123",                 # a reported identity
    "",
    "   ",
    hdr(13, 16), "8005",             # and a good one at the end
    hdr(13, 16),                     # a header at the very end of the input
]
with open(os.path.join(OUT, "garbage.pei"), "wb") as f:
    for i, l in enumerate(garb):
        l = l if isinstance(l, bytes) else l.encode("latin-1")
        f.write(l + (b"\n" if i % 2 else b"\r\n"))

# ---- vendor forms -------------------------------------------------------------
ven = [
    # Motorola: 84 bits in 22 hex digits (a pad nibble), full header with e2ee
    "+CTSDSR: 12,09011638300023404,1,09011638300000001,1,84,0", "0A01AC608A7A20D8000000",
    # Sepura: 84 bits in 21 hex digits (an odd number of nibbles)
    "+CTSDSR: 12,09011638300023404,1,09011638300000001,1,84", "0A01AC608A7A20D800000",
    # a non-zero pad nibble is not data
    "+CTSDSR: 12,09011638300023404,1,09011638300000001,1,84", "0A01AC608A7A20D800000F",
    # the short header forms
    "+CTSDSR: 12,2345678,84", "0A0088BD4247F737FFE81",
    "+CTSDSR: 12,09011638300000001,1,84", "0A0088BD4247F737FFE810",
    # 16-digit TSI (MCC without its leading zero), lower-case hex, trailing blanks
    "+CTSDSR: 13,9011638300023404,1,9011638300000001,1,16  ", "8004  ",
    # 15-digit TSIs as German and Norwegian terminals print them: MCC(3)
    # MNC(4) SSI(8), here 262 / 1001 and 242 (Nodnett) / 1001
    "+CTSDSR: 13,262100101234567,1,262100102345678,1,16", "8004",
    "+CTSDSR: 12,242100101234567,1,242100102345678,1,104", "0201746573746D657373616765",
    # 16 digits with a leading 0: MCC(4) MNC(4)
    "+CTSDSR: 13,0242100101234567,1,2345678,0,16", "8005",
    # identities that do not decode (9 digits; MCC above 1023): the message
    # comes out all the same, the field as sent with the reason
    "+CTSDSR: 12,123456789,0,2345678,0,104", "0201746573746D657373616765",
    "+CTSDSR: 13,10241638300023404,1,2345678,,16", "8006",
    # status with a pad nibble after it
    "+CTSDSR: 13,1234567,0,2345678,0,16", "80040",
    # simple text in 104 bits sent as 27 digits by a terminal padding to nibbles+1
    hdr(12, 104), "0201746573746D6573736167650",
]
write("vendor.pei", ven)

# ---- call-out (TCCA simple call-out, PID 0xC3; docs/protocol.md §15) -------------
def callout_head(lead, kind, number, severity):
    return Bits().put(lead, 8).put(kind, 4).put(number, 8).put(severity, 4)

def callout_alert(b, sender, receivers, text, sep=True):
    b.put(sender, 16).put(2 * len(receivers), 8)
    for r in receivers: b.put(r, 16)
    if sep: b.put(0xFF, 8)
    return b.bytes_(text)

def octets(b):
    assert b.n % 8 == 0
    return list(b.v.to_bytes(b.n // 8, "big"))

def concat_parts(outer, ref, pid, payload, sizes, tl_ref=0x30):
    """The parts of a concatenated SDS (PID 0x0C, or 0x8C with SDS-TL):
    header PDU type 0, 4-bit reference, total, part; part 1 carries the
    embedded PID; the payload cut into pieces of the given sizes."""
    parts, off = [], 0
    for i, n in enumerate(sizes):
        b = transfer(0x8C, tl_ref + i) if outer == 0x8C else Bits().put(0x0C, 8)
        b.put(0, 3).put(0, 1).put(ref, 4).put(len(sizes), 8).put(i + 1, 8)
        if i == 0: b.put(pid, 8)
        parts.append(b.bytes_(payload[off:off + n]))
        off += n
    assert off == len(payload)
    return parts

CO_FROM, CO_TO = "262100101234567", "262100102345678"
long_text = l1("Pasient 84 år, falt i hjemmet på Førde. Mistanke om hoftebrudd. Ambulanse på vei, "
               "ETA 15 min. Ring legevakta 116117 ved endring. Nøkkel i postkassen, hund i huset. "
               "Pårørende (datter) varslet og på vei, ankommer om ca. 30 min. Pasienten er orientert, "
               "smerter i venstre hofte, ingen hodeskade.")
long_alert = octets(callout_alert(callout_head(0x0D, 1, 0x2A, 3), 0x1111, [0x144C], long_text))
co = ["AT+CTSP=1,3,195", "OK"]
# captured (the alert of docs/protocol.md §15, as the terminal printed it)
CAPTURED = ("C300110D1657111104144C155DFF54657374FE0A5465737454657374546573745465737454657374546573745465"
            "737454657374546573740A5465737454657374546573740A54657374546573745465737454657374546573745465"
            "7374546573740A54657374")
assert len(CAPTURED) == 824 // 4
co += ["+CTSDSR: 12,262100101234567,1,262100102345678,1,824,1", CAPTURED]
# answers: with an 0xFF before the text, asking for a "received" report; without it
co += sds(transfer(0xC3, 0x22, rr=1).bytes_(octets(callout_head(0x01, 3, 0x65, 2))).put(0xFF, 8)
          .bytes_(l1("Ja, kommer")), CO_TO, 1, CO_FROM, 1)
co += sds(transfer(0xC3, 0x23).bytes_(octets(callout_head(0x0D, 3, 0x65, 2))).bytes_(l1("Nei")),
          CO_TO, 1, CO_FROM, 1)
# a kind nobody described (2): number and severity, the rest kept
co += sds(transfer(0xC3, 0x24).bytes_(octets(callout_head(0x0D, 2, 0x66, 1))).bytes_([0x12, 0x34, 0xFF]))
# an alert without the 0xFF: what follows the receivers is kept as rest
co += sds(transfer(0xC3, 0x25).bytes_(octets(callout_alert(callout_head(0x0D, 1, 0x67, 15), 0x0001,
                                                            [0x0002, 0x0003], [0x41, 0x42], sep=False))))
# an alert to nobody, without text
co += sds(transfer(0xC3, 0x26).bytes_(octets(callout_alert(callout_head(0x01, 1, 0x00, 0), 0xFFFF, [], []))))
# a long alert in a concatenated SDS with SDS-TL: part 2 comes first, a status between
p = concat_parts(0x8C, 5, 0xC3, long_alert, [200, len(long_alert) - 200])
co += sds(p[1], CO_FROM, 1, CO_TO, 1)
co += [hdr(13, 16), "8004"]
co += sds(p[0], CO_FROM, 1, CO_TO, 1)
# the same without SDS-TL (PID 0x0C) in three parts, part 2 repeated
p = concat_parts(0x0C, 6, 0xC3, long_alert, [100, 100, len(long_alert) - 200])
co += sds(p[0]) + sds(p[1]) + sds(p[1]) + sds(p[2])
# call-outs that do not decode stay raw with the reason: cut short; an odd
# receiver octet count; a concatenated one whole but cut short
co += sds(transfer(0xC3, 0x27).put(0x0D, 8).put(0x16, 8))
co += sds(transfer(0xC3, 0x28).bytes_([0x0D, 0x16, 0x57, 0x11, 0x11, 0x03, 0x14, 0x4C, 0x15, 0xFF]))
p = concat_parts(0x8C, 7, 0xC3, [0x0D, 0x16, 0x57, 0x11], [2, 2])
co += sds(p[0]) + sds(p[1])
# a concatenated SDS of another protocol, whole: its parts as they came
p = concat_parts(0x8C, 8, 0x82, [0x01] + l1("lang tekst i to deler"), [10, 12])
co += sds(p[1]) + sds(p[0])
# a delivery report about a call-out
co += sds(Bits().put(0xC3, 8).put(1, 4).put(0, 4).put(0x00, 8).put(0x11, 8), CO_TO, 1, CO_FROM, 1)
# part 1 of 3 of a call-out that never completes: given up at the end
p = concat_parts(0x8C, 9, 0xC3, long_alert, [120, 120, len(long_alert) - 240])
co += sds(p[0], CO_FROM, 1, CO_TO, 1)
write("callout.pei", co)
