/* Codec throughput, single thread: messages per second per core.
 *
 * Decoders: from the PEI bytes a terminal prints (the +CTSDSR header line and
 * its hex user-data line) to a filled struct tetra_prim, as the radio link
 * does it: tetra_pei_decode() on the two lines, then the SDS-TL / LIP /
 * text decoders on the user data (codecs/sds.h) when the PEI decoder hands
 * the SDS on undecoded. "lines" starts from the two lines (framed already);
 * "bytes" adds the PEI framer (codecs/pei_framer.h) on the raw
 * "<hdr>\r\n<hex>\r\n" stream, as it comes off the tty.
 * Encoders: from the values to what the bridge hands the terminal.
 *
 * Method: for each case, warm up for ~0.2 s while estimating the rate; then
 * 5 runs of a fixed iteration count sized to ~1 s each (--seconds); report
 * the median and min/max rate. Every iteration's output is folded into a
 * checksum that is printed, and each result is checked once before timing,
 * so the compiler cannot drop the work and the figures are for correct
 * decodes, not error paths.
 *
 *   bench_codecs [--seconds S] [--runs N] [--iters N] [--filter SUBSTRING] [--smoke]
 *
 * --iters N: no warm-up, exactly N iterations per run (for profilers:
 * valgrind --tool=callgrind counts instructions per message exactly).
 * --smoke: check every case and run a few iterations only (a ctest test).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codecs/codec_err.h"
#include "codecs/pei_urc.h"
#include "codecs/tetra_prim.h"
#include "codecs/pei_framer.h"
#include "bench_util.h"
#if TB_HAVE_LIP
#include "codecs/lip.h"
#endif
#if TB_HAVE_TEXT
#include "codecs/text.h"
#endif
#if TB_HAVE_SDS_ENCODE
#include "codecs/sds_encode.h"
#endif
#if TB_HAVE_SDS_ENCODE && !TB_HAVE_LIP
#error "the encoder cases need codecs/lip.h too"
#endif

#ifndef TB_BENCH_COMPILER
#define TB_BENCH_COMPILER "unknown"
#endif

/* Keep a value alive without costing more than a register move. */
#define ESCAPE(p) __asm__ volatile("" : : "g"(p) : "memory")

static volatile uint64_t sink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_codecs: %s\n", what);
	exit(1);
}

/* ---- the messages --------------------------------------------------------- */

#define CALLING "09011638300023404"
#define CALLED "09011638300000001"

static const char status_hdr[] = "+CTSDSR: 13," CALLING ",1," CALLED ",1,16";
static const char status_hex[] = "8004";

static const char text_hdr[] = "+CTSDSR: 12," CALLING ",1," CALLED ",1,120";
static const char text_hex[] = "82029C01746573746D657373616765";	/* "testmessage" */

/* A realistic Norwegian ISO 8859-1 message (filled in at start-up). */
static const char nor_text[] =
	"Pasient 84 \xe5r, falt i hjemmet p\xe5 F\xf8rde. Mistanke om hoftebrudd. "
	"Ambulanse p\xe5 vei, ETA 15 min. Ring legevakta 116117 ved endring.";
static char nor_hdr[96];
static char nor_hex[2 * (4 + sizeof(nor_text)) + 1];

static const char lip_hdr[] = "+CTSDSR: 12," CALLING ",1," CALLED ",1,84";
static const char lip_hex[] = "0A01AC608A7A20D8000000";	/* Motorola: 22 digits for 84 bits */

struct sds_msg {
	const char *hdr;
	size_t hdr_len;
	const char *hex;
	size_t hex_len;
	char raw[TB_PEI_LINE_MAX * 2];	/* "<hdr>\r\n<hex>\r\n" */
	size_t raw_len;
};

static struct sds_msg m_status, m_text, m_nor, m_lip;

static void msg_init(struct sds_msg *m, const char *hdr, const char *hex)
{
	m->hdr = hdr;
	m->hdr_len = strlen(hdr);
	m->hex = hex;
	m->hex_len = strlen(hex);
	m->raw_len = (size_t)snprintf(m->raw, sizeof(m->raw), "%s\r\n%s\r\n", hdr, hex);
}

static void messages_init(void)
{
	size_t n = strlen(nor_text), i;
	char *h = nor_hex;

	h += sprintf(h, "82029D01");	/* TRANSFER, no report, ref 0x9D, no timestamp, 8859-1 */
	for (i = 0; i < n; i++)
		h += sprintf(h, "%02X", (uint8_t)nor_text[i]);
	snprintf(nor_hdr, sizeof(nor_hdr), "+CTSDSR: 12," CALLING ",1," CALLED ",1,%zu", (4 + n) * 8);
	if ((4 + n) * 8 > 2047)
		die("Norwegian text too long for one SDS");

	msg_init(&m_status, status_hdr, status_hex);
	msg_init(&m_text, text_hdr, text_hex);
	msg_init(&m_nor, nor_hdr, nor_hex);
	msg_init(&m_lip, lip_hdr, lip_hex);
}

/* ---- decoding: the path the radio link takes --------------------------------- */

/* Two lines -> primitive: tetra_pei_decode() parses the header and the hex
 * and hands SDS user data to the SDS decoder (codecs/sds.h), which
 * dispatches on the PID to text, LIP, SDS-TL. */
static int decode_lines(const char *hdr, size_t hl, const char *hex, size_t xl, struct tetra_prim *p)
{
	return tetra_pei_decode(hdr, hl, hex, xl, p);
}

static uint64_t prim_sum(const struct tetra_prim *p)
{
	uint64_t s = (uint64_t)p->oph.primitive << 32;

	switch (p->oph.primitive) {
	case TETRA_TNSDS_STATUS:
		return s + p->u.status.value + p->u.status.hdr.calling.ssi;
	case TETRA_TNSDS_TEXT:
		return s + p->u.text.text_len + (uint8_t)p->u.text.text[p->u.text.text_len - 1];
	case TETRA_TNSDS_LOCATION:
		return s + (uint64_t)(p->u.location.latitude * 1e5) + p->u.location.reason;
	case TETRA_TNSDS_UNITDATA:
		return s + p->u.unitdata.len + p->u.unitdata.data[p->u.unitdata.len - 1];
	default:
		return s;
	}
}

static uint64_t bench_lines(const void *arg, uint64_t iters)
{
	const struct sds_msg *m = arg;
	static struct tetra_prim p;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < iters; i++) {
		ESCAPE(m);
		if (decode_lines(m->hdr, m->hdr_len, m->hex, m->hex_len, &p))
			die("decode failed");
		ESCAPE(&p);
		sum += prim_sum(&p);
	}
	return sum;
}

/* The framer's callback as the radio link uses it: a +CTSDSR header waits
 * for its data line. */
struct framed {
	char hdr[TB_PEI_LINE_MAX + 1];
	size_t hdr_len;
	struct tetra_prim p;
	uint64_t sum;
	int err;
};

static void on_line(const char *line, size_t len, void *data)
{
	struct framed *fr = data;

	if (fr->hdr_len) {
		if (decode_lines(fr->hdr, fr->hdr_len, line, len, &fr->p))
			fr->err++;
		fr->hdr_len = 0;
		fr->sum += prim_sum(&fr->p);
	} else if (tetra_pei_has_data_line(line, len)) {
		memcpy(fr->hdr, line, len + 1);
		fr->hdr_len = len;
	} else {
		fr->err++;
	}
}

static uint64_t bench_bytes(const void *arg, uint64_t iters)
{
	const struct sds_msg *m = arg;
	static struct tb_pei_framer f;
	static struct framed fr;

	fr.sum = 0;
	fr.err = 0;
	fr.hdr_len = 0;
	tb_pei_framer_init(&f, on_line, &fr);
	for (uint64_t i = 0; i < iters; i++) {
		ESCAPE(m);
		tb_pei_framer_feed(&f, (const uint8_t *)m->raw, m->raw_len);
	}
	if (fr.err)
		die("framed decode failed");
	return fr.sum;
}

/* ---- encoders ------------------------------------------------------------- */

struct bcase {
	const char *name;
	uint64_t (*fn)(const void *arg, uint64_t iters);
	const void *arg;
	const char *result;	/* what it produces, for the report */
	double goal, ref;	/* M msg/s, 0 = none */
};


/* Values -> the hex user data of AT+CMGS (what the AT engine writes after
 * the "> " prompt): the encoder, then tetra_sds_hex(). */
#if TB_HAVE_SDS_ENCODE
static uint64_t bench_enc_status(const void *arg, uint64_t iters)
{
	static struct tetra_sds_pdu pdu;
	static char hex[8];
	uint64_t sum = 0;

	for (uint64_t i = 0; i < iters; i++) {
		uint16_t v = (uint16_t)(0x8000 | (i & 0xff));
		ESCAPE(&v);
		if (tetra_status_encode(v, &pdu) || tetra_sds_hex(&pdu, hex, sizeof(hex)) != 4)
			die("status encode failed");
		ESCAPE(hex);
		sum += (uint8_t)hex[3];
	}
	return sum;
}

static uint64_t bench_enc_text(const void *arg, uint64_t iters)
{
	const char *text = arg;
	size_t len = strlen(text);
	static struct tetra_sds_pdu pdu;
	static char hex[2 * TETRA_SDS_MAX_BYTES + 1];
	uint64_t sum = 0;

	for (uint64_t i = 0; i < iters; i++) {
		ESCAPE(text);
		if (tetra_sds_encode_text(text, len, (uint8_t)i, 0, 0, &pdu, 1) != 1)
			die("text encode failed");
		int n = tetra_sds_hex(&pdu, hex, sizeof(hex));
		if (n <= 0)
			die("hex failed");
		ESCAPE(hex);
		sum += (uint64_t)n + (uint8_t)hex[n - 1];
	}
	return sum;
}

static struct tetra_location_param lip_in;

static uint64_t bench_enc_lip(const void *arg, uint64_t iters)
{
	static struct tetra_sds_pdu pdu;
	static char hex[32];
	uint64_t sum = 0;
	size_t bits;

	for (uint64_t i = 0; i < iters; i++) {
		lip_in.reason = (uint8_t)i;
		ESCAPE(&lip_in);
		pdu.data[0] = TETRA_PID_LIP;
		if (tetra_lip_encode_short(&lip_in, pdu.data + 1, sizeof(pdu.data) - 1, &bits))
			die("LIP encode failed");
		pdu.bits = (uint16_t)(8 + bits);
		if (tetra_sds_hex(&pdu, hex, sizeof(hex)) != 21)
			die("hex failed");
		ESCAPE(hex);
		sum += (uint8_t)hex[20];
	}
	return sum;
}

/* The Norwegian text as UTF-8, as the bridge gets it from a client. */
static char nor_utf8[2 * sizeof(nor_text)];

static int add_encode_cases(struct bcase *c, int n)
{
	size_t k = 0;

	for (const uint8_t *u = (const uint8_t *)nor_text; *u; u++) {
		if (*u < 0x80) {
			nor_utf8[k++] = (char)*u;
		} else {
			nor_utf8[k++] = (char)(0xc0 | *u >> 6);
			nor_utf8[k++] = (char)(0x80 | (*u & 0x3f));
		}
	}
	lip_in.has_position = true;
	lip_in.longitude = 37.65033;
	lip_in.latitude = 55.73393;
	lip_in.has_velocity = true;
	lip_in.velocity_kmh = 42;
	lip_in.has_direction = true;
	lip_in.direction_deg = 90;
	lip_in.has_reason = true;

	c[n++] = (struct bcase){ "encode status -> hex", bench_enc_status, NULL, "16 bits, 4 digits", 0, 0 };
	c[n++] = (struct bcase){ "encode text 11 chars -> hex", bench_enc_text, "testmessage",
				 "0x82 8859-1, 120 bits", 0, 0 };
	c[n++] = (struct bcase){ "encode text 128 chars -> hex", bench_enc_text, nor_utf8,
				 "0x82 8859-1, 1056 bits", 0, 0 };
	c[n++] = (struct bcase){ "encode LIP short -> hex", bench_enc_lip, NULL, "0x0A, 84 bits", 0, 0 };
	return n;
}
#endif

/* ---- checks ----------------------------------------------------------------- */

static const char *prim_kind(const struct tetra_prim *p)
{
	return tetra_prim_name(&p->oph);
}

/* Each decode case must give the expected primitive, so the figures are for
 * correct decodes. Returns what the path produced, for the report. */
static const char *check_decode(const struct sds_msg *m, const char *name)
{
	static struct tetra_prim p;
	int rc = decode_lines(m->hdr, m->hdr_len, m->hex, m->hex_len, &p);

	if (rc) {
		fprintf(stderr, "bench_codecs: %s: %s\n", name, tetra_codec_strerror(rc));
		exit(1);
	}
	if (m == &m_status) {
		if (p.oph.primitive != TETRA_TNSDS_STATUS || p.u.status.value != 0x8004 ||
		    p.u.status.hdr.calling.ssi != 23404)
			die("status: wrong result");
	} else if (p.oph.primitive == TETRA_TNSDS_TEXT) {
		if (m == &m_text && strcmp(p.u.text.text, "testmessage") != 0)
			die("text: wrong result");
		size_t want = 0;
		for (const char *c = nor_text; *c; c++)
			want += (uint8_t)*c >= 0x80 ? 2 : 1;	/* å ø: 2 bytes of UTF-8 */
		if (m == &m_nor && (p.u.text.text_len != want ||
				    strstr(p.u.text.text, "p\xc3\xa5 F\xc3\xb8rde") == NULL))
			die("Norwegian text: wrong result");
	} else if (p.oph.primitive == TETRA_TNSDS_LOCATION) {
		if (fabs(p.u.location.longitude - 37.65033) > 1e-4 ||
		    fabs(p.u.location.latitude - 55.73393) > 1e-4)
			die("LIP: wrong result");
	} else if (p.oph.primitive != TETRA_TNSDS_UNITDATA) {
		die("unexpected primitive");
	}
#if TB_HAVE_SDS
	if (m != &m_status && p.oph.primitive == TETRA_TNSDS_UNITDATA) {
		fprintf(stderr, "bench_codecs: %s: still unit data (decode_error %s)\n", name,
			tetra_codec_strerror(p.u.unitdata.decode_error));
		exit(1);
	}
#endif
	return prim_kind(&p);
}

/* ---- the runner ------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void run_case(const struct bcase *c, double seconds, int runs, uint64_t fixed, bool smoke)
{
	double rates[32], t0, dt;
	uint64_t iters = 64;

	if (smoke) {
		sink += c->fn(c->arg, 100);
		printf("  %-40s ok (%s)\n", c->name, c->result);
		return;
	}
	if (fixed) {
		iters = fixed;	/* --iters: no warm-up, exactly this many per run */
	} else {
		/* warm-up: double the count until one batch takes >= 0.2 s */
		for (;;) {
			t0 = now_s();
			sink += c->fn(c->arg, iters);
			dt = now_s() - t0;
			if (dt >= 0.2)
				break;
			iters *= dt < 0.02 ? 8 : 2;
		}
		iters = (uint64_t)((double)iters / dt * seconds);
		if (iters < 1)
			iters = 1;
	}
	for (int r = 0; r < runs; r++) {
		t0 = now_s();
		sink += c->fn(c->arg, iters);
		dt = now_s() - t0;
		rates[r] = (double)iters / dt / 1e6;
	}
	qsort(rates, (size_t)runs, sizeof(rates[0]), cmp_double);
	printf("  %-40s %7.2f  %7.2f  %7.2f  %6.0f ns", c->name, rates[runs / 2], rates[0],
	       rates[runs - 1], 1e3 / rates[runs / 2]);
	if (c->goal > 0)
		printf("  %5.1f %-4s", c->goal, rates[runs / 2] >= c->goal ? "met" : "MISS");
	else
		printf("  %10s", "");
	if (c->ref > 0)
		printf("  %4.1f  x%.1f", c->ref, rates[runs / 2] / c->ref);
	printf("   %s\n", c->result);
	fflush(stdout);
}

static void print_header(int argc, char **argv, double seconds, int runs)
{
	char cpu[256];

	if (!bench_cpu_model(cpu, sizeof(cpu)))
		snprintf(cpu, sizeof(cpu), "unknown");
	printf("tetra-bridge codec benchmark (single thread)\n");
	printf("cpu:      %s\n", cpu);
	printf("compiler: %s\n", TB_BENCH_COMPILER);
	printf("flags:    %s\n", TB_BENCH_FLAGS);
	bench_print_command("command: ", argc, argv);
	printf("method:   warm-up ~0.2 s, then %d runs of a fixed count (~%.1f s each); median [min, max]\n",
	       runs, seconds);
	printf("\n  %-40s %7s  %7s  %7s  %9s  %10s  %9s   %s\n", "case (M msg/s)", "median", "min", "max",
	       "per msg", "goal", "ref  gain", "result");
}

int main(int argc, char **argv)
{
	double seconds = 1.0;
	int runs = 5;
	bool smoke = false;
	const char *filter = NULL;
	uint64_t fixed = 0;
	struct bcase cases[32];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--smoke"))
			smoke = true;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			fixed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
			filter = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--seconds S] [--runs N] [--iters N] [--filter SUBSTRING] [--smoke]\n",
				argv[0]);
			return 2;
		}
	}
	if (runs < 1 || runs > 31 || !(seconds > 0))
		die("bad --runs or --seconds");

	messages_init();

	/* goals and the reference open decoders' figures (M msg/s per core) */
	cases[n++] = (struct bcase){ "decode status, lines", bench_lines, &m_status,
				     check_decode(&m_status, "status"), 10, 2.4 };
	cases[n++] = (struct bcase){ "decode status, bytes (framer)", bench_bytes, &m_status,
				     check_decode(&m_status, "status"), 0, 0 };
	cases[n++] = (struct bcase){ "decode text 11 chars, lines", bench_lines, &m_text,
				     check_decode(&m_text, "text"), 3, 0.7 };
	cases[n++] = (struct bcase){ "decode text 11 chars, bytes (framer)", bench_bytes, &m_text,
				     check_decode(&m_text, "text"), 0, 0 };
	cases[n++] = (struct bcase){ "decode text 128 chars 8859-1, lines", bench_lines, &m_nor,
				     check_decode(&m_nor, "Norwegian text"), 3, 0.7 };
	cases[n++] = (struct bcase){ "decode text 128 chars 8859-1, bytes", bench_bytes, &m_nor,
				     check_decode(&m_nor, "Norwegian text"), 0, 0 };
	cases[n++] = (struct bcase){ "decode LIP short 84 bits, lines", bench_lines, &m_lip,
				     check_decode(&m_lip, "LIP"), 10, 2.6 };
	cases[n++] = (struct bcase){ "decode LIP short 84 bits, bytes", bench_bytes, &m_lip,
				     check_decode(&m_lip, "LIP"), 0, 0 };
#if TB_HAVE_SDS_ENCODE
	n = add_encode_cases(cases, n);
#endif

	print_header(argc, argv, seconds, runs);
	for (int i = 0; i < n; i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		run_case(&cases[i], seconds, runs, fixed, smoke);
	}
	printf("\nchecksum %016llx\n", (unsigned long long)sink);
#if !TB_HAVE_SDS_ENCODE
	printf("note: codecs/sds_encode.h not built yet: no encoder cases\n");
#endif
	return 0;
}
