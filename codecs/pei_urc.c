/* PEI unsolicited result codes -> TETRA primitives.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A hand-rolled splitter over (ptr, len): the input need not be
 * NUL-terminated and is never read past len; no sscanf/strtol, no
 * allocation, no state.
 *
 * Conventions shared by every URC:
 *  - "+NAME:" then comma-separated fields; blanks (space, tab) around a
 *    field, and CR/LF/blanks at the end of the line, are ignored.
 *  - Optional fields (in [brackets] in docs/protocol.md §3) may be empty, and
 *    trailing optional fields may be left out; a missing or empty mandatory
 *    field, or more fields than the layout has, is TETRA_E_SYNTAX.
 *  - Non-digits in a numeric field: TETRA_E_NUMBER (no sign, no hex; the
 *    one exception is +CREG's quoted hex, see dec_creg()).
 *    A number above its field's range: TETRA_E_RANGE.
 *  - A party is an (id, type) pair: empty id -> TETRA_ID_NONE; id given with
 *    an empty type -> type inferred from the digit count (SSI/TSI), as in
 *    the +CTSDSR short forms and +CNUMF.
 *  - One field must not cost a whole message. A party whose id does not
 *    decode (a digit count no form has, a value out of range, a mandatory
 *    id left empty) comes out as TETRA_ID_UNDECODED with the field's text
 *    and the reason; a type number that is not one of EN 300 392-5's (or
 *    not a number) is ignored and the type inferred, since the digit count
 *    decides the layout anyway. A +CTSDSR whose user data does not decode
 *    as announced (no data line, not hex, shorter than the bit length, a
 *    fixed-size service with another length) comes out as UNITDATA with
 *    decode_error and the bytes as far as they were read. What still
 *    refuses a line is what leaves nothing to publish: an unknown result
 *    code, the wrong number of fields, and the fields that say what the
 *    rest means (+CTSDSR's AI service and length, call instances, ...).
 */
#include "codecs/pei_urc.h"

#include <ctype.h>
#include <string.h>

#include "codecs/sds.h"

bool tetra_pei_has_data_line(const char *line, size_t len)
{
	static const char p[] = "+CTSDSR:";
	return len >= sizeof(p) - 1 && memcmp(line, p, sizeof(p) - 1) == 0;
}

bool tetra_pei_is_data_line(const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)line[i]))
			return false;
	return true;
}

/* ---- splitter ------------------------------------------------------------ */

struct fld {
	const char *p;
	size_t n;
};

#define MAX_FIELDS 16

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Split s[0..n) at commas; each field trimmed of blanks. Returns the field
 * count (an empty parameter list is one empty field) or -1 above max. */
static int split(const char *s, size_t n, struct fld *f, int max)
{
	const char *end = s + n, *start = s;
	int k = 0;

	for (;;) {
		/* memchr scans a word at a time: most of a header is identity digits. */
		const char *c = memchr(start, ',', (size_t)(end - start));
		const char *a = start, *b = c ? c : end;
		if (k == max)
			return -1;
		while (a < b && is_blank(*a))
			a++;
		while (b > a && is_blank(b[-1]))
			b--;
		f[k].p = a;
		f[k].n = (size_t)(b - a);
		k++;
		if (!c)
			return k;
		start = c + 1;
	}
}

/* ---- numbers ------------------------------------------------------------- */

/* Mandatory unsigned decimal <= max. */
static int num(const struct fld *f, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	bool over = false;

	if (f->n == 0)
		return TETRA_E_SYNTAX;
	for (size_t i = 0; i < f->n; i++) {
		uint32_t d = (uint32_t)(unsigned char)f->p[i] - '0';
		if (d > 9)
			return TETRA_E_NUMBER;
		if (!over) {
			v = v * 10 + d;	/* v <= max < 2^32/10 before, see below */
			if (v > max)
				over = true;
		}
	}
	if (over)
		return TETRA_E_RANGE;
	*out = v;
	return TETRA_OK;
}

/* Every max used here is far below UINT32_MAX / 10, so v * 10 + d cannot
 * wrap before "over" is set. */

static inline int num_u8(const struct fld *f, uint32_t max, uint8_t *out)
{
	uint32_t v;
	int rc = num(f, max, &v);
	if (rc == TETRA_OK)
		*out = (uint8_t)v;
	return rc;
}

/* Optional: empty leaves *out at dflt. */
static inline int opt_u8(const struct fld *f, uint32_t max, uint8_t dflt, uint8_t *out)
{
	if (f->n == 0) {
		*out = dflt;
		return TETRA_OK;
	}
	return num_u8(f, max, out);
}

static inline int opt_bool(const struct fld *f, bool *out)
{
	uint8_t v = 0;
	int rc = opt_u8(f, 1, 0, &v);
	*out = v != 0;
	return rc;
}

/* ---- parties ------------------------------------------------------------- */

/* An (id, type) pair; tf may be NULL (type not in this layout). Never
 * fails: see the conventions at the top. */
static void party(const struct fld *idf, const struct fld *tf, struct tetra_identity *id)
{
	uint8_t type = TETRA_ID_NONE;
	int rc;

	if (tf && tf->n && num_u8(tf, TETRA_ID_EXT_TSI, &type) != TETRA_OK)
		type = TETRA_ID_NONE;
	rc = tetra_identity_parse(idf->p, idf->n, type, id);
	if (rc)
		tetra_identity_undecoded(idf->p, idf->n, rc, id);
}

/* A mandatory party: an empty id is TETRA_E_SYNTAX, kept as an undecoded
 * (empty) field. */
static void mandatory_party(const struct fld *idf, const struct fld *tf, struct tetra_identity *id)
{
	if (idf->n == 0)
		tetra_identity_undecoded(idf->p, 0, TETRA_E_SYNTAX, id);
	else
		party(idf, tf, id);
}

static inline bool all_digits(const struct fld *f)
{
	for (size_t i = 0; i < f->n; i++)
		if ((unsigned char)(f->p[i] - '0') > 9)
			return false;
	return true;
}

/* +CTXG TPI. Observed: TPI type 3 (PABX) with a 17-digit TSI. So: a type
 * 3/4 (external) whose value is 15-17 plain digits is read as a TSI (type
 * becomes TETRA_ID_TSI); otherwise as party(). */
static void talker(const struct fld *tf, const struct fld *idf, struct tetra_identity *id)
{
	uint32_t t;
	int rc;

	if (idf->n >= 15 && idf->n <= 17 && all_digits(idf) && tf->n && num(tf, 255, &t) == TETRA_OK &&
	    (t == TETRA_ID_PABX || t == TETRA_ID_PSTN)) {
		rc = tetra_identity_parse(idf->p, idf->n, TETRA_ID_TSI, id);
		if (rc)
			tetra_identity_undecoded(idf->p, idf->n, rc, id);
		return;
	}
	party(idf, tf, id);
}

/* ---- +CTSDSR ------------------------------------------------------------- */

/* value + 1 for hex digits, 0 otherwise */
static const uint8_t hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

#define SDS_MAX_BITS 2047	/* SDS type 4 */

/* Decode user data by its bit length into out[0 .. ceil(bits/8)).
 * The line (trimmed of blanks) must be hex throughout: TETRA_E_HEX. It must
 * hold at least ceil(bits/4) digits: TETRA_E_LENGTH. Digits beyond that
 * (Motorola's pad nibble, or more) are checked to be hex and then ignored;
 * bits past bits are zeroed. */
static int hex_bits(const char *d, size_t n, unsigned bits, uint8_t *out)
{
	size_t need = (bits + 3) / 4, i;
	const uint8_t *u;

	while (n && is_blank(*d)) {
		d++;
		n--;
	}
	while (n && is_blank(d[n - 1]))
		n--;
	u = (const uint8_t *)d;
	if (n < need) {
		/* A non-hex digit is reported before a short line. */
		for (i = 0; i < n; i++)
			if (!hexv[u[i]])
				return TETRA_E_HEX;
		return TETRA_E_LENGTH;
	}
	/* One pass: validate and convert together (the hot path of every SDS). */
	for (i = 0; i + 1 < need; i += 2) {
		uint8_t hi = hexv[u[i]], lo = hexv[u[i + 1]];
		if (!hi || !lo)
			return TETRA_E_HEX;
		out[i / 2] = (uint8_t)(((hi - 1) << 4) | (lo - 1));
	}
	if (need & 1) {
		uint8_t hi = hexv[u[need - 1]];
		if (!hi)
			return TETRA_E_HEX;
		out[need / 2] = (uint8_t)((hi - 1) << 4);
	}
	for (i = need; i < n; i++)	/* pad nibbles past the bit length */
		if (!hexv[u[i]])
			return TETRA_E_HEX;
	if (bits & 7)
		out[bits / 8] &= (uint8_t)(0xff << (8 - (bits & 7)));
	return TETRA_OK;
}

/* User data that does not decode as the header announces, kept: UNITDATA
 * with decode_error err and the leading hex digits of the line converted,
 * at most the announced bits' worth (bits past them zeroed); the data stops
 * at the first character that is not hex. */
static int sds_undecoded(const struct tetra_sds_header *h, const char *d, size_t n, int err,
			 struct tetra_prim *out)
{
	struct tetra_sds_unitdata_param *u = &out->u.unitdata;
	size_t need = (h->bit_len + 3u) / 4u, k = 0;

	osmo_prim_init(&out->oph, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA, PRIM_OP_INDICATION, NULL);
	u->hdr = *h;
	u->decode_error = (int16_t)err;
	while (d && n && is_blank(*d)) {
		d++;
		n--;
	}
	for (; d && k < n && k < need && hexv[(uint8_t)d[k]]; k++) {
		uint8_t v = (uint8_t)(hexv[(uint8_t)d[k]] - 1);
		if (k & 1)
			u->data[k / 2] |= v;
		else
			u->data[k / 2] = (uint8_t)(v << 4);
	}
	u->len = (uint16_t)((k + 1) / 2);
	if (k == need && (h->bit_len & 7))
		u->data[h->bit_len / 8] &= (uint8_t)(0xff << (8 - (h->bit_len & 7)));
	return TETRA_OK;
}

/* Header forms, told apart by field count:
 *   3: <AI>,<called>,<len>
 *   4: <AI>,<called>,<called type>,<len>
 *   6: <AI>,[<calling>],[<calling type>],<called>,<called type>,<len>
 *   7: the same plus [<e2ee>]
 * Refused: another field count; an AI service that is not 9..13 (SDS types
 * 1-4, status); a length that is not a number, or above 2047 bits
 * (TETRA_E_TOO_LONG: the buffer holds TETRA_SDS_MAX_BYTES); an e2ee flag
 * other than 0/1. Kept (see the conventions at the top): parties that do
 * not decode, and user data that does not: missing (TETRA_E_NO_DATA), not
 * hex (TETRA_E_HEX), short (TETRA_E_LENGTH), or a fixed-size service
 * announcing another size than its own (9 and 13 -> 16 bits, 10 -> 32,
 * 11 -> 64; TETRA_E_LENGTH, the data read by the announced length). */
static int dec_ctsdsr(const struct fld *f, int nf, const char *data, size_t data_len,
		      struct tetra_prim *out)
{
	static const uint16_t fixed_bits[] = { [9] = 16, [10] = 32, [11] = 64, [12] = 0, [13] = 16 };
	struct tetra_sds_header h;
	const struct fld *called, *called_t = NULL, *lenf;
	uint32_t bits;
	int rc;

	memset(&h, 0, sizeof(h));
	h.calling.type = TETRA_ID_NONE;
	switch (nf) {
	case 3:
		called = &f[1];
		lenf = &f[2];
		break;
	case 4:
		called = &f[1];
		called_t = &f[2];
		lenf = &f[3];
		break;
	case 6:
	case 7:
		called = &f[3];
		called_t = &f[4];
		lenf = &f[5];
		break;
	default:
		return TETRA_E_SYNTAX;
	}
	if ((rc = num_u8(&f[0], TETRA_AI_STATUS, &h.ai_service)))
		return rc;
	if (h.ai_service < TETRA_AI_SDS_TYPE1)
		return TETRA_E_RANGE;
	rc = num(lenf, SDS_MAX_BITS, &bits);
	if (rc == TETRA_E_RANGE)
		return TETRA_E_TOO_LONG;
	if (rc)
		return rc;
	h.bit_len = (uint16_t)bits;
	if (nf == 7 && (rc = opt_bool(&f[6], &h.e2ee)))
		return rc;
	if (nf >= 6)
		party(&f[1], &f[2], &h.calling);
	mandatory_party(called, called_t, &h.called);

	if (!data)
		return sds_undecoded(&h, NULL, 0, TETRA_E_NO_DATA, out);
	if (fixed_bits[h.ai_service] && bits != fixed_bits[h.ai_service])
		return sds_undecoded(&h, data, data_len, TETRA_E_LENGTH, out);

	if (h.ai_service == TETRA_AI_STATUS) {
		uint8_t v[2];
		uint16_t value;
		if ((rc = hex_bits(data, data_len, 16, v)))
			return sds_undecoded(&h, data, data_len, rc, out);
		value = (uint16_t)(v[0] << 8 | v[1]);
		if ((value & 0xfc00) == 0x7c00) {
			struct tetra_short_report_param *p = &out->u.short_report;
			osmo_prim_init(&out->oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SHORT_REPORT,
				       PRIM_OP_INDICATION, NULL);
			memset(p, 0, sizeof(*p));
			p->hdr = h;
			p->report_type = (uint8_t)((value >> 8) & 3);
			p->msg_ref = (uint8_t)(value & 0xff);
		} else {
			struct tetra_status_param *p = &out->u.status;
			osmo_prim_init(&out->oph, TETRA_SAP_TNSDS, TETRA_TNSDS_STATUS,
				       PRIM_OP_INDICATION, NULL);
			memset(p, 0, sizeof(*p));
			p->hdr = h;
			p->value = value;
		}
		return TETRA_OK;
	}

	/* SDS types 1-4: the user data's own decoder (codecs/sds.h) tells
	 * text, location and reports apart by protocol identifier, and passes
	 * on what it does not know (or cannot decode) as UNITDATA. */
	{
		uint8_t buf[TETRA_SDS_MAX_BYTES];
		if ((rc = hex_bits(data, data_len, bits, buf)))
			return sds_undecoded(&h, data, data_len, rc, out);
		return tetra_sds_decode(&h, buf, (bits + 7) / 8, out);
	}
}

/* ---- call control -------------------------------------------------------- */

/* +CTICN: <cc inst>,<call status>,<AI service>,[<calling type>],[<calling id>],
 * [<hook>],[<simplex>],[<e2ee>],[<comms type>],[<slots/codec>],
 * [<called type>],[<called id>],[<priority>]  (3..13 fields) */
static int dec_cticn(const struct fld *f, int nf, struct tetra_prim *out)
{
	static const struct fld none = { "", 0 };
	struct tetra_cc_setup_param p;
	const struct fld *g[13];
	int rc, i;

	if (nf < 3 || nf > 13)
		return TETRA_E_SYNTAX;
	for (i = 0; i < 13; i++)
		g[i] = i < nf ? &f[i] : &none;
	memset(&p, 0, sizeof(p));
	if ((rc = num_u8(g[0], 255, &p.cc_inst)) ||
	    (rc = num_u8(g[1], 4, &p.call_status)) ||
	    (rc = num_u8(g[2], TETRA_AI_STATUS, &p.ai_service)) ||
	    (rc = opt_bool(g[5], &p.hook)) ||
	    (rc = opt_bool(g[6], &p.simplex)) ||
	    (rc = opt_bool(g[7], &p.e2ee)) ||
	    (rc = opt_u8(g[8], 3, 0, &p.comms_type)) ||
	    (rc = opt_u8(g[9], 255, 0, &p.slots_codec)) ||
	    (rc = opt_u8(g[12], 15, 0, &p.priority)))
		return rc;
	party(g[4], g[3], &p.calling);
	party(g[11], g[10], &p.called);
	osmo_prim_init(&out->oph, TETRA_SAP_TNCC, TETRA_TNCC_SETUP, PRIM_OP_INDICATION, NULL);
	out->u.cc_setup = p;
	return TETRA_OK;
}

/* +CTCC: <cc inst>,<hook>,<simplex>,<AI service>,[<e2ee>],[<comms type>],
 * [<slots/codec>]  (4..7 fields) */
static int dec_ctcc(const struct fld *f, int nf, struct tetra_prim *out)
{
	static const struct fld none = { "", 0 };
	struct tetra_cc_connect_param p;
	uint8_t hook, simplex;
	int rc;

	if (nf < 4 || nf > 7)
		return TETRA_E_SYNTAX;
	memset(&p, 0, sizeof(p));
	if ((rc = num_u8(&f[0], 255, &p.cc_inst)) ||
	    (rc = num_u8(&f[1], 1, &hook)) ||
	    (rc = num_u8(&f[2], 1, &simplex)) ||
	    (rc = num_u8(&f[3], TETRA_AI_STATUS, &p.ai_service)) ||
	    (rc = opt_bool(nf > 4 ? &f[4] : &none, &p.e2ee)) ||
	    (rc = opt_u8(nf > 5 ? &f[5] : &none, 3, 0, &p.comms_type)) ||
	    (rc = opt_u8(nf > 6 ? &f[6] : &none, 255, 0, &p.slots_codec)))
		return rc;
	p.hook = hook;
	p.simplex = simplex;
	osmo_prim_init(&out->oph, TETRA_SAP_TNCC, TETRA_TNCC_CONNECT, PRIM_OP_INDICATION, NULL);
	out->u.cc_connect = p;
	return TETRA_OK;
}

static void tx_init(struct tetra_cc_tx_param *p, uint8_t kind)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->talker.type = TETRA_ID_NONE;
}

/* +CTXG: <cc inst>,<tx grant>,<tx rq permission>,<e2ee>,[<TPI type>],[<TPI>]
 * (4..6 fields) */
static int dec_ctxg(const struct fld *f, int nf, struct tetra_prim *out)
{
	struct tetra_cc_tx_param p;
	uint8_t e2ee;
	int rc;

	if (nf < 4 || nf > 6)
		return TETRA_E_SYNTAX;
	tx_init(&p, TETRA_TX_GRANT);
	if ((rc = num_u8(&f[0], 255, &p.cc_inst)) ||
	    (rc = num_u8(&f[1], 3, &p.tx_grant)) ||
	    (rc = num_u8(&f[2], 1, &p.tx_rq_permission)) ||
	    (rc = num_u8(&f[3], 1, &e2ee)))
		return rc;
	p.e2ee = e2ee;
	if (nf == 6)
		talker(&f[4], &f[5], &p.talker);
	/* nf == 5: a TPI type without a TPI tells nothing: no talker */
	osmo_prim_init(&out->oph, TETRA_SAP_TNCC, TETRA_TNCC_TX, PRIM_OP_INDICATION, NULL);
	out->u.cc_tx = p;
	return TETRA_OK;
}

/* +CDTXC: <cc inst>,<tx rq permission>. tx_grant is meaningless here and 0. */
static int dec_cdtxc(const struct fld *f, int nf, struct tetra_prim *out)
{
	struct tetra_cc_tx_param p;
	int rc;

	if (nf != 2)
		return TETRA_E_SYNTAX;
	tx_init(&p, TETRA_TX_CEASED);
	if ((rc = num_u8(&f[0], 255, &p.cc_inst)) ||
	    (rc = num_u8(&f[1], 1, &p.tx_rq_permission)))
		return rc;
	osmo_prim_init(&out->oph, TETRA_SAP_TNCC, TETRA_TNCC_TX, PRIM_OP_INDICATION, NULL);
	out->u.cc_tx = p;
	return TETRA_OK;
}

/* +CTXI / +CTXW / +CTXD: layouts unverified; the first field is the cc
 * instance, the rest is ignored (not even split). docs/protocol.md §3.2 names +CTXD
 * "tx ceased", so it gives TETRA_TX_CEASED like +CDTXC. */
static int dec_tx_first(const char *s, size_t n, uint8_t kind, struct tetra_prim *out)
{
	struct tetra_cc_tx_param p;
	struct fld f;
	const char *c = memchr(s, ',', n);
	int rc;

	split(s, c ? (size_t)(c - s) : n, &f, 1);
	tx_init(&p, kind);
	if ((rc = num_u8(&f, 255, &p.cc_inst)))
		return rc;
	osmo_prim_init(&out->oph, TETRA_SAP_TNCC, TETRA_TNCC_TX, PRIM_OP_INDICATION, NULL);
	out->u.cc_tx = p;
	return TETRA_OK;
}

/* +CTCR: <cc inst>,<disconnect cause 0..40> */
static int dec_ctcr(const struct fld *f, int nf, struct tetra_prim *out)
{
	struct tetra_cc_release_param p;
	int rc;

	if (nf != 2)
		return TETRA_E_SYNTAX;
	if ((rc = num_u8(&f[0], 255, &p.cc_inst)) ||
	    (rc = num_u8(&f[1], 40, &p.cause)))
		return rc;
	osmo_prim_init(&out->oph, TETRA_SAP_TNCC, TETRA_TNCC_RELEASE, PRIM_OP_INDICATION, NULL);
	out->u.cc_release = p;
	return TETRA_OK;
}

/* +CNUMF: <num type>,<identity>; the identity's layout is inferred from its
 * digit count (usually a 17-digit TSI). */
static int dec_cnumf(const struct fld *f, int nf, struct tetra_prim *out)
{
	struct tetra_own_identity_param p;
	int rc;

	if (nf != 2)
		return TETRA_E_SYNTAX;
	if (f[1].n == 0)
		return TETRA_E_SYNTAX;
	if ((rc = num_u8(&f[0], 255, &p.num_type)))
		return rc;
	party(&f[1], NULL, &p.id);
	osmo_prim_init(&out->oph, TETRA_SAP_TNMM, TETRA_TNMM_OWN_IDENTITY, PRIM_OP_INDICATION,
		       NULL);
	out->u.own_identity = p;
	return TETRA_OK;
}

/* ---- SDS send result ------------------------------------------------------ */

/* +CMGS: <sds instance>[,<sds status>[,<message reference>]]  (1..3 fields).
 * As the answer to AT+CMGS it means "taken by the terminal"; unsolicited
 * later it reports the send on the air (status 4 sent, 5 failed as
 * observed). Empty optional fields are absent. */
static int dec_cmgs(const struct fld *f, int nf, struct tetra_prim *out)
{
	struct tetra_send_result_param p;
	int rc;

	if (nf < 1 || nf > 3)
		return TETRA_E_SYNTAX;
	memset(&p, 0, sizeof(p));
	if ((rc = num_u8(&f[0], 255, &p.sds_inst)))
		return rc;
	if (nf > 1 && f[1].n) {
		if ((rc = num_u8(&f[1], 255, &p.status)))
			return rc;
		p.has_status = true;
	}
	if (nf > 2 && f[2].n) {
		if ((rc = num_u8(&f[2], 255, &p.msg_ref)))
			return rc;
		p.has_msg_ref = true;
	}
	osmo_prim_init(&out->oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SEND_RESULT, PRIM_OP_INDICATION, NULL);
	out->u.send_result = p;
	return TETRA_OK;
}

/* ---- terminal information (TNMM) ------------------------------------------ */

/* +CTOM: <AI mode> 0..6 */
static int dec_ctom(const struct fld *f, int nf, struct tetra_prim *out)
{
	struct tetra_mode_param p;
	int rc;

	if (nf != 1)
		return TETRA_E_SYNTAX;
	if ((rc = num_u8(&f[0], 6, &p.ai_mode)))
		return rc;
	osmo_prim_init(&out->oph, TETRA_SAP_TNMM, TETRA_TNMM_OPERATING_MODE, PRIM_OP_INDICATION, NULL);
	out->u.mode = p;
	return TETRA_OK;
}

/* +CTGS: <group type>,<called id>[,<group type>,<called id>]...
 * Only the first pair is decoded (which group a terminal lists first when
 * it scans several is unverified); the rest of the line is not even split,
 * so any number of scan groups fits. Group type 0..7; the id's layout is
 * inferred from its digit count; an empty id (group type 0, "none") gives
 * TETRA_ID_NONE. */
static int dec_ctgs(const char *s, size_t n, struct tetra_prim *out)
{
	struct tetra_group_param p;
	const char *c1 = memchr(s, ',', n), *c2;
	struct fld f[2];
	int rc;

	if (!c1)
		return TETRA_E_SYNTAX;
	c2 = memchr(c1 + 1, ',', (size_t)(s + n - (c1 + 1)));
	split(s, (size_t)((c2 ? c2 : s + n) - s), f, 2);
	memset(&p, 0, sizeof(p));
	if ((rc = num_u8(&f[0], 7, &p.group_type)))
		return rc;
	party(&f[1], NULL, &p.group);
	osmo_prim_init(&out->oph, TETRA_SAP_TNMM, TETRA_TNMM_GROUP, PRIM_OP_INDICATION, NULL);
	out->u.group = p;
	return TETRA_OK;
}

#define CSQ_UNKNOWN 99

/* +CSQ: <rssi>,<ber>: rssi 0..31 or 99 (unknown), ber 0..7 or 99.
 * dBm = -113 + 2 * rssi (so 0 is -113 dBm or less, 31 is -51 or more). */
static int dec_csq(const struct fld *f, int nf, struct tetra_prim *out)
{
	struct tetra_signal_param p;
	int rc;

	if (nf != 2)
		return TETRA_E_SYNTAX;
	memset(&p, 0, sizeof(p));
	if ((rc = num_u8(&f[0], CSQ_UNKNOWN, &p.rssi)) ||
	    (rc = num_u8(&f[1], CSQ_UNKNOWN, &p.ber)))
		return rc;
	if ((p.rssi > 31 && p.rssi != CSQ_UNKNOWN) || (p.ber > 7 && p.ber != CSQ_UNKNOWN))
		return TETRA_E_RANGE;
	p.known = p.rssi != CSQ_UNKNOWN;
	p.dbm = p.known ? (int16_t)(-113 + 2 * p.rssi) : 0;
	osmo_prim_init(&out->oph, TETRA_SAP_TNMM, TETRA_TNMM_SIGNAL, PRIM_OP_INDICATION, NULL);
	out->u.signal = p;
	return TETRA_OK;
}

/* Hex digits of a field in double quotes ("00C3"), at most max_digits. */
static int quoted_hex(const struct fld *f, unsigned max_digits, uint32_t *out)
{
	const uint8_t *u = (const uint8_t *)f->p + 1;
	size_t n = f->n - 2;
	uint32_t v = 0;

	if (n == 0)
		return TETRA_E_SYNTAX;
	for (size_t i = 0; i < n; i++) {
		if (!hexv[u[i]])
			return TETRA_E_NUMBER;
		v = v << 4 | (uint32_t)(hexv[u[i]] - 1);
		if (i >= max_digits)
			return TETRA_E_RANGE;
	}
	*out = v;
	return TETRA_OK;
}

static inline bool is_quoted(const struct fld *f)
{
	return f->n >= 2 && f->p[0] == '"' && f->p[f->n - 1] == '"';
}

/* +CREG: <reg stat>[,<LA>[,<MNI>]]  (1..3 fields; empty LA/MNI are absent)
 *
 * UNVERIFIED: no public source shows how a TETRA terminal prints LA and
 * MNI. Decided here:
 *  - plain digits are decimal, like every other PEI number: LA 0..65535
 *    (a TETRA LA is 14 bits; 16 are allowed so that a terminal using the
 *    wider 3GPP LAC does not lose the event); MNI as the TSI prints it,
 *    MCC then a 5-digit MNC ("90116383" or "090116383": 6..9 digits, the
 *    last 5 are the MNC), MCC <= 1023 and MNC <= 16383;
 *  - a field in double quotes is hex, as 3GPP TS 27.007 prints +CREG's
 *    LAC ("00C3"): LA up to 4 hex digits; MNI up to 6, the 24-bit
 *    MCC(10) MNC(14) of EN 300 392-2.
 * A quoted field can never be mistaken for a decimal one, so both are
 * accepted without guessing. */
static int dec_creg(const struct fld *f, int nf, struct tetra_prim *out)
{
	struct tetra_registration_param p;
	uint32_t v;
	int rc;

	if (nf < 1 || nf > 3)
		return TETRA_E_SYNTAX;
	memset(&p, 0, sizeof(p));
	if ((rc = num_u8(&f[0], 5, &p.stat)))
		return rc;
	if (nf > 1 && f[1].n) {
		rc = is_quoted(&f[1]) ? quoted_hex(&f[1], 4, &v) : num(&f[1], 0xffff, &v);
		if (rc)
			return rc;
		p.has_la = true;
		p.la = v;
	}
	if (nf > 2 && f[2].n) {
		if (is_quoted(&f[2])) {
			if ((rc = quoted_hex(&f[2], 6, &v)))
				return rc;
			p.mcc = (uint16_t)(v >> 14);
			p.mnc = (uint16_t)(v & 0x3fff);
		} else {
			struct fld mcc = { f[2].p, f[2].n - 5 }, mnc = { f[2].p + f[2].n - 5, 5 };
			uint32_t c, m;
			if (f[2].n < 6 || f[2].n > 9)
				return all_digits(&f[2]) ? TETRA_E_RANGE : TETRA_E_NUMBER;
			if ((rc = num(&mcc, 1023, &c)) || (rc = num(&mnc, 16383, &m)))
				return rc;
			p.mcc = (uint16_t)c;
			p.mnc = (uint16_t)m;
		}
		p.has_mni = true;
	}
	osmo_prim_init(&out->oph, TETRA_SAP_TNMM, TETRA_TNMM_REGISTRATION, PRIM_OP_INDICATION, NULL);
	out->u.registration = p;
	return TETRA_OK;
}

/* ---- answers to commands a bridge or a technician may send ------------- */

/* The parameters of an answer as sent, for the event: see
 * TETRA_ANSWER_TEXT_MAX. */
static void answer_text(const char *s, size_t n, char *out)
{
	size_t k = 0;

	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	for (; k < n && k < TETRA_ANSWER_TEXT_MAX; k++) {
		unsigned char c = (unsigned char)s[k];
		out[k] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[k] = '\0';
}

static const uint32_t pow10_u32[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
				      100000000, 1000000000 };

/* A decimal number "i[.f]" of at most int_digits integer digits and 9
 * decimals, the whole field. */
static int decimal(const char *s, size_t n, unsigned int_digits, double *out)
{
	uint32_t ip = 0, fp = 0;
	size_t i = 0, ni = 0, nf = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, ni++) {
		if (ni == int_digits)
			return TETRA_E_RANGE;
		ip = ip * 10 + (uint32_t)(s[i] - '0');
	}
	if (ni == 0)
		return n ? TETRA_E_NUMBER : TETRA_E_SYNTAX;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nf++) {
			if (nf == 9)
				return TETRA_E_RANGE;
			fp = fp * 10 + (uint32_t)(s[i] - '0');
		}
	}
	if (i != n)
		return TETRA_E_NUMBER;
	*out = ip + (double)fp / pow10_u32[nf];
	return TETRA_OK;
}

/* "hh:mm:ss" (1 or 2 digits each) */
static int time_of_day(const struct fld *f, uint8_t *h, uint8_t *m, uint8_t *sec)
{
	uint8_t v[3];
	size_t i = 0;

	for (int k = 0; k < 3; k++) {
		size_t start = i;
		unsigned x = 0;

		for (; i < f->n && i - start < 2 && f->p[i] >= '0' && f->p[i] <= '9'; i++)
			x = x * 10 + (unsigned)(f->p[i] - '0');
		if (i == start)
			return f->n ? TETRA_E_NUMBER : TETRA_E_SYNTAX;
		v[k] = (uint8_t)x;
		if (k < 2) {
			if (i == f->n || f->p[i] != ':')
				return TETRA_E_SYNTAX;
			i++;
		}
	}
	if (i != f->n)
		return TETRA_E_SYNTAX;
	if (v[0] > 23 || v[1] > 59 || v[2] > 60)
		return TETRA_E_RANGE;
	*h = v[0];
	*m = v[1];
	*sec = v[2];
	return TETRA_OK;
}

/* "<H>: <deg>_<min.frac>": a hemisphere letter (pos or neg, either case),
 * an optional ':' and blanks, whole degrees (at most deg_digits, <= max),
 * '_', decimal minutes (< 60). Degrees, signed. */
static int coordinate(const struct fld *f, char pos, char neg, unsigned deg_digits, unsigned max,
		      double *out)
{
	const char *p = f->p, *end = f->p + f->n, *us;
	double min, deg;
	int sign, rc;

	if (f->n == 0)
		return TETRA_E_SYNTAX;
	if ((*p | 0x20) == (pos | 0x20))
		sign = 1;
	else if ((*p | 0x20) == (neg | 0x20))
		sign = -1;
	else
		return TETRA_E_SYNTAX;
	p++;
	if (p < end && *p == ':')
		p++;
	while (p < end && is_blank(*p))
		p++;
	us = memchr(p, '_', (size_t)(end - p));
	if (!us)
		return TETRA_E_SYNTAX;
	{
		struct fld d = { p, (size_t)(us - p) };
		uint32_t whole;
		if (d.n > deg_digits)
			return all_digits(&d) ? TETRA_E_RANGE : TETRA_E_NUMBER;
		if ((rc = num(&d, max, &whole)))
			return rc;
		deg = whole;
	}
	if ((rc = decimal(us + 1, (size_t)(end - us - 1), 2, &min)))
		return rc;
	if (min >= 60.0)
		return TETRA_E_RANGE;
	deg += min / 60.0;
	if (deg > max)
		return TETRA_E_RANGE;
	*out = sign * deg;
	return TETRA_OK;
}

/* +GPSPOS: <hh:mm:ss>,<N|S>: <dd>_<mm.mmmm>,<E|W>: <ddd>_<mm.mmmm>,<satellites>
 * e.g. "+GPSPOS: 12:34:56,N: 52_20.9931,E: 013_22.6631,7": the answer of
 * Motorola terminals to AT+GPSPOS? (not in EN 300 392-5).
 * UNVERIFIED: the layout is that of one public PEI client (ftl/tetra-pei,
 * ctrl/command.go: a regular expression and its demo answer), not of a
 * vendor manual: time of the fix in UTC, latitude and longitude as degrees
 * '_' decimal minutes, satellites in use. What a terminal without a fix
 * prints is unknown. So each part is decoded on its own and kept when it
 * decodes; the first part that does not sets decode_error; the answer's
 * text is always kept. Only a line that is not "+GPSPOS:" is refused. */
static int dec_gpspos(const char *params, size_t plen, struct tetra_prim *out)
{
	struct tetra_position_param *p = &out->u.position;
	struct fld f[MAX_FIELDS];
	int nf, rc;

	osmo_prim_init(&out->oph, TETRA_SAP_TNMM, TETRA_TNMM_POSITION, PRIM_OP_INDICATION, NULL);
	memset(p, 0, sizeof(*p));
	answer_text(params, plen, p->text);
	nf = split(params, plen, f, MAX_FIELDS);
	if (nf != 4) {
		p->decode_error = TETRA_E_SYNTAX;
		return TETRA_OK;
	}
	if ((rc = time_of_day(&f[0], &p->hour, &p->minute, &p->second)) == TETRA_OK)
		p->has_time = true;
	else
		p->decode_error = (int16_t)rc;
	if ((rc = coordinate(&f[1], 'N', 'S', 2, 90, &p->latitude)) == TETRA_OK &&
	    (rc = coordinate(&f[2], 'E', 'W', 3, 180, &p->longitude)) == TETRA_OK) {
		p->has_position = true;
	} else {
		p->latitude = p->longitude = 0.0;
		if (!p->decode_error)
			p->decode_error = (int16_t)rc;
	}
	if ((rc = num_u8(&f[3], 255, &p->satellites)) == TETRA_OK)
		p->has_satellites = true;
	else if (!p->decode_error)
		p->decode_error = (int16_t)rc;
	return TETRA_OK;
}

/* One value or span "a" / "a-b" (decimal, low <= high) inside a list. */
static int value_span(const char *s, size_t n, struct tetra_value_span *v)
{
	const char *dash = memchr(s, '-', n);
	struct fld a, b;
	uint32_t lo, hi;
	int rc;

	a.p = s;
	a.n = dash ? (size_t)(dash - s) : n;
	b.p = dash ? dash + 1 : s;
	b.n = dash ? n - a.n - 1 : n;
	while (a.n && is_blank(a.p[a.n - 1]))
		a.n--;
	while (b.n && is_blank(*b.p)) {
		b.p++;
		b.n--;
	}
	if ((rc = num(&a, 99999999, &lo)) || (rc = num(&b, 99999999, &hi)))
		return rc;
	if (lo > hi)
		return TETRA_E_RANGE;
	v->low = lo;
	v->high = hi;
	return TETRA_OK;
}

/* "+NAME: (<list>),(<list>),..." where a list is "a", "a-b", comma
 * separated (V.250 §5.7.3: the answer to a test command AT+NAME=?), e.g.
 * "+CMGS: (0-255),(0-2047)". A parameter may also stand without
 * parentheses. Decoded: the numbers of each parameter, at most
 * TETRA_SUPPORTED_MAX_PARAMS parameters of TETRA_SUPPORTED_MAX_SPANS spans
 * (more: TETRA_E_NO_SPACE, the rest only in text). A parameter that is not
 * a list of numbers (quoted strings, say) keeps no spans and sets
 * decode_error; unbalanced parentheses: TETRA_E_SYNTAX and nothing decoded.
 * The text is always kept. What each parameter means is the command's:
 * for +CMGS, +CNUMS and +CNUMD no public source says (unverified). */
static int dec_supported(const char *name, size_t name_len, const char *s, size_t n,
			 struct tetra_prim *out)
{
	struct tetra_supported_values_param *p = &out->u.supported;
	const char *end = s + n;

	osmo_prim_init(&out->oph, TETRA_SAP_TNMM, TETRA_TNMM_SUPPORTED_VALUES, PRIM_OP_INDICATION, NULL);
	memset(p, 0, sizeof(*p));
	if (name_len > sizeof(p->command) - 1)
		name_len = sizeof(p->command) - 1;
	memcpy(p->command, name, name_len);
	answer_text(s, n, p->text);

	while (s < end) {
		const char *a, *b;	/* the parameter's list, without parentheses */
		int err = TETRA_OK;

		while (s < end && is_blank(*s))
			s++;
		if (s < end && *s == '(') {
			const char *close = memchr(s, ')', (size_t)(end - s));
			if (!close || memchr(s + 1, '(', (size_t)(close - s - 1))) {
				p->decode_error = TETRA_E_SYNTAX;
				p->n_params = 0;
				return TETRA_OK;
			}
			a = s + 1;
			b = close;
			s = close + 1;
			while (s < end && is_blank(*s))
				s++;
			if (s < end && *s != ',') {
				p->decode_error = TETRA_E_SYNTAX;
				p->n_params = 0;
				return TETRA_OK;
			}
		} else {
			const char *c = memchr(s, ',', (size_t)(end - s));
			a = s;
			b = c ? c : end;
			s = b;
			if (memchr(a, ')', (size_t)(b - a))) {
				p->decode_error = TETRA_E_SYNTAX;
				p->n_params = 0;
				return TETRA_OK;
			}
		}
		if (s < end)
			s++;	/* the ',' between parameters */
		if (p->n_params == TETRA_SUPPORTED_MAX_PARAMS) {
			if (!p->decode_error)
				p->decode_error = TETRA_E_NO_SPACE;
			continue;
		}
		/* the list: spans at commas */
		while (a < b && is_blank(*a))
			a++;
		while (a < b) {
			const char *c = memchr(a, ',', (size_t)(b - a));
			const char *e = c ? c : b;
			struct tetra_value_span v;
			uint8_t *ns = &p->param[p->n_params].n_spans;
			int rc;

			while (e > a && is_blank(e[-1]))
				e--;
			if ((rc = value_span(a, (size_t)(e - a), &v))) {
				*ns = 0;	/* not a list of numbers: text only */
				err = rc;
				break;
			}
			if (*ns == TETRA_SUPPORTED_MAX_SPANS) {
				if (!err)
					err = TETRA_E_NO_SPACE;
			} else {
				p->param[p->n_params].span[(*ns)++] = v;
			}
			a = c ? c + 1 : b;
			while (a < b && is_blank(*a))
				a++;
		}
		if (err && !p->decode_error)
			p->decode_error = (int16_t)err;
		p->n_params++;
	}
	return TETRA_OK;
}

/* +CNUMS / +CNUMD: <num type>,<identity>[,<alias>]
 * e.g. "+CNUMS: 1,09011638300001001,\"BRANN-1\"": one line of the answer to
 * AT+CNUMS? (static identities: groups and others programmed into the
 * terminal) or AT+CNUMD? (dynamic ones: attached by the network).
 * UNVERIFIED: no vendor manual or public decoder shows these answers; the
 * layout here is +CNUMF's (<num type>,<identity>, which is observed) with
 * an optional alias, as EN 300 392-5 names the parameters. So: the num
 * type and the identity are decoded when they are there (the identity's
 * layout by its digit count, the type inferred; one that does not decode
 * is kept as sent), everything after the identity is the alias (quotes
 * removed), and the text is always kept. A line of another form (one
 * field) keeps only its text, with TETRA_E_SYNTAX. The answer to the test
 * commands, "+CNUMS: (..)", is a supported-values answer (dec_supported). */
static int dec_cnum_list(uint8_t list, const char *params, size_t plen, struct tetra_prim *out)
{
	struct tetra_identity_entry_param *p = &out->u.identity_entry;
	const char *c1 = memchr(params, ',', plen), *c2 = NULL, *end = params + plen;
	struct fld f[2];
	int rc;

	osmo_prim_init(&out->oph, TETRA_SAP_TNMM, TETRA_TNMM_IDENTITY_ENTRY, PRIM_OP_INDICATION, NULL);
	memset(p, 0, sizeof(*p));
	p->list = list;
	p->id.type = TETRA_ID_NONE;
	answer_text(params, plen, p->text);
	if (!c1) {
		p->decode_error = TETRA_E_SYNTAX;
		return TETRA_OK;
	}
	c2 = memchr(c1 + 1, ',', (size_t)(end - c1 - 1));
	split(params, (size_t)((c2 ? c2 : end) - params), f, 2);
	if ((rc = num_u8(&f[0], 255, &p->num_type)) == TETRA_OK)
		p->has_num_type = true;
	else
		p->decode_error = (int16_t)rc;
	mandatory_party(&f[1], NULL, &p->id);
	if (p->id.type == TETRA_ID_UNDECODED && !p->decode_error)
		p->decode_error = p->id.error;
	if (c2) {
		const char *a = c2 + 1, *b = end;
		size_t k = 0;

		while (a < b && is_blank(*a))
			a++;
		while (b > a && is_blank(b[-1]))
			b--;
		if (b - a >= 2 && *a == '"' && b[-1] == '"') {
			a++;
			b--;
		}
		for (; a + k < b && k < TETRA_ALIAS_MAX; k++) {
			unsigned char ch = (unsigned char)a[k];
			p->alias[k] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
		}
		p->alias[k] = '\0';
	}
	return TETRA_OK;
}

/* True when a result code's parameters are V.250 lists of supported values. */
static bool is_test_answer(const char *s, size_t n)
{
	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	return n && *s == '(';
}

/* ---- link ---------------------------------------------------------------- */

/* "+CME ERROR: <n>" as a line of its own. The AT engine takes the ones that
 * end a command; a trace decoder, or a terminal reporting one unasked, gets
 * LINK_CME_ERROR. Numeric form only (AT+CMEE=1, what init sets): verbose
 * text is TETRA_E_NUMBER. n up to 65535 (EN 300 392-5 lists 0..43; vendors
 * add their own). */
static int dec_cme_error(const struct fld *f, int nf, struct tetra_prim *out)
{
	uint32_t n;
	int rc;

	if (nf != 1)
		return TETRA_E_SYNTAX;
	if ((rc = num(&f[0], 0xffff, &n)))
		return rc;
	osmo_prim_init(&out->oph, TETRA_SAP_LINK, TETRA_LINK_CME_ERROR, PRIM_OP_INDICATION, NULL);
	memset(&out->u.link, 0, sizeof(out->u.link));
	out->u.link.own.type = TETRA_ID_NONE;
	out->u.link.cme = (int)n;
	return TETRA_OK;
}

/* ---- dispatch ------------------------------------------------------------ */

enum urc {
	URC_NONE,
	URC_CTSDSR,
	URC_CTICN,
	URC_CTCC,
	URC_CTXG,
	URC_CDTXC,
	URC_CTXI,
	URC_CTXW,
	URC_CTXD,
	URC_CTCR,
	URC_CNUMF,
	URC_CMGS,
	URC_CTOM,
	URC_CTGS,
	URC_CSQ,
	URC_CREG,
	URC_CME_ERROR,
	URC_GPSPOS,
	URC_CNUMS,
	URC_CNUMD,
};

static enum urc urc_lookup(const char *s, size_t n)
{
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, sizeof(lit) - 1) == 0)
	switch (n) {
	case 3:
		if (IS("CSQ")) return URC_CSQ;
		break;
	case 4:
		if (IS("CTCC")) return URC_CTCC;
		if (IS("CTXG")) return URC_CTXG;
		if (IS("CTXI")) return URC_CTXI;
		if (IS("CTXW")) return URC_CTXW;
		if (IS("CTXD")) return URC_CTXD;
		if (IS("CTCR")) return URC_CTCR;
		if (IS("CMGS")) return URC_CMGS;
		if (IS("CTOM")) return URC_CTOM;
		if (IS("CTGS")) return URC_CTGS;
		if (IS("CREG")) return URC_CREG;
		break;
	case 5:
		if (IS("CTICN")) return URC_CTICN;
		if (IS("CDTXC")) return URC_CDTXC;
		if (IS("CNUMF")) return URC_CNUMF;
		if (IS("CNUMS")) return URC_CNUMS;
		if (IS("CNUMD")) return URC_CNUMD;
		break;
	case 6:
		if (IS("CTSDSR")) return URC_CTSDSR;
		if (IS("GPSPOS")) return URC_GPSPOS;
		break;
	}
	return URC_NONE;
#undef IS
}

int tetra_pei_decode(const char *line, size_t len, const char *data, size_t data_len,
		     struct tetra_prim *out)
{
	struct fld f[MAX_FIELDS];
	const char *params;
	size_t i, plen;
	enum urc u;
	int nf;

	if (!line || !out)
		return TETRA_E_UNKNOWN_URC;
	while (len && is_blank(line[len - 1]))
		len--;
	if (len < 2 || line[0] != '+')
		return TETRA_E_UNKNOWN_URC;
	for (i = 1; i < len && line[i] >= 'A' && line[i] <= 'Z'; i++)
		;
	u = urc_lookup(line + 1, i - 1);
	if (u == URC_NONE) {
		/* the one result code whose name has a blank in it */
		static const char cme[] = "+CME ERROR";
		if (len < sizeof(cme) - 1 || memcmp(line, cme, sizeof(cme) - 1) != 0)
			return TETRA_E_UNKNOWN_URC;
		u = URC_CME_ERROR;
		i = sizeof(cme) - 1;
	}
	if (i == len || line[i] != ':')
		return TETRA_E_SYNTAX;
	params = line + i + 1;
	plen = len - i - 1;

	/* Any result code but +CTSDSR (it announces a data line) and +CME
	 * ERROR may be the answer to its test command. */
	if (u != URC_CTSDSR && u != URC_CME_ERROR && is_test_answer(params, plen))
		return dec_supported(line, i, params, plen, out);

	if (u == URC_CTXI || u == URC_CTXW)
		return dec_tx_first(params, plen, u == URC_CTXI ? TETRA_TX_INTERRUPT : TETRA_TX_WAIT,
				    out);
	if (u == URC_CTXD)
		return dec_tx_first(params, plen, TETRA_TX_CEASED, out);
	if (u == URC_CTGS)
		return dec_ctgs(params, plen, out);
	if (u == URC_GPSPOS)
		return dec_gpspos(params, plen, out);
	if (u == URC_CNUMS || u == URC_CNUMD)
		return dec_cnum_list(u == URC_CNUMS ? TETRA_IDENTITIES_STATIC : TETRA_IDENTITIES_DYNAMIC,
				     params, plen, out);

	nf = split(params, plen, f, MAX_FIELDS);
	if (nf < 0)
		return TETRA_E_SYNTAX;

	switch (u) {
	case URC_CTSDSR:
		return dec_ctsdsr(f, nf, data, data_len, out);
	case URC_CTICN:
		return dec_cticn(f, nf, out);
	case URC_CTCC:
		return dec_ctcc(f, nf, out);
	case URC_CTXG:
		return dec_ctxg(f, nf, out);
	case URC_CDTXC:
		return dec_cdtxc(f, nf, out);
	case URC_CTCR:
		return dec_ctcr(f, nf, out);
	case URC_CNUMF:
		return dec_cnumf(f, nf, out);
	case URC_CMGS:
		return dec_cmgs(f, nf, out);
	case URC_CTOM:
		return dec_ctom(f, nf, out);
	case URC_CSQ:
		return dec_csq(f, nf, out);
	case URC_CREG:
		return dec_creg(f, nf, out);
	case URC_CME_ERROR:
		return dec_cme_error(f, nf, out);
	default:
		return TETRA_E_UNKNOWN_URC;
	}
}
