/* JSON -> any protobuf-c message, by reflection over its descriptor: the
 * inverse of tb_pb_to_json (pb_json.c). See pb_json.h.
 *
 * Accepted (the proto3 JSON mapping, as a parser should be lenient):
 *   field names        lowerCamelCase ("timeUs") or the .proto name ("time_us")
 *   32-bit integers    JSON numbers (integral), or decimal strings
 *   64-bit integers    decimal strings, or JSON numbers up to 2^53
 *   float/double       JSON numbers, numeric strings, "NaN", "Infinity", "-Infinity"
 *   bool               true / false
 *   enum               the value's name, or its number
 *   string             JSON string (no NUL: a C string cannot carry it)
 *   bytes              base64, standard or URL-safe, padding optional
 *   message            JSON object
 *   repeated           JSON array
 *   null               the field's default (absent)
 * Refused, with a sentence naming the field by its path
 * ("calloutCreate.responders[1].ssi"): an unknown field, a field given
 * twice (by both names), a value of the wrong type or out of range, two
 * members of one oneof, nesting deeper than TB_PB_JSON_MAX_DEPTH.
 *
 * The message is built as protobuf_c_message_unpack builds one (malloc,
 * protobuf_c_message_init, absent strings left at the descriptor's
 * default), so protobuf_c_message_free_unpacked(msg, NULL) frees it; on an
 * error the half-built message is freed the same way, which is why every
 * count and oneof case is set only once its value is in place.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/pb_json.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/pb_json_int.h"

struct parse {
	char *err;
	size_t err_size;
	char path[512];		/* the field being read, e.g. "calloutCreate.responders[1]" */
	size_t path_len;
};

__attribute__((format(printf, 2, 3)))
static void fail(struct parse *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (!p->err || !p->err_size)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->path_len)
		snprintf(p->err, p->err_size, "field \"%s\": %s", p->path, what);
	else
		snprintf(p->err, p->err_size, "the message: %s", what);
}

/* Append ".name" (or "name" at the top) or "[i]" to the path; returns the
 * length to restore with path_pop(). */
static size_t path_push(struct parse *p, const char *name, long index)
{
	size_t old = p->path_len;
	int n;

	if (name)
		n = snprintf(p->path + old, sizeof(p->path) - old, "%s%s", old ? "." : "", name);
	else
		n = snprintf(p->path + old, sizeof(p->path) - old, "[%ld]", index);
	if (n > 0)
		p->path_len = old + (size_t)n < sizeof(p->path) ? old + (size_t)n : sizeof(p->path) - 1;
	return old;
}

static void path_pop(struct parse *p, size_t old)
{
	p->path_len = old;
	p->path[old] = '\0';
}

static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *d, const char *key)
{
	char jn[128];

	for (unsigned i = 0; i < d->n_fields; i++) {
		if (!strcmp(d->fields[i].name, key))
			return &d->fields[i];
		tb_pb_json_name(d->fields[i].name, jn, sizeof(jn));
		if (!strcmp(jn, key))
			return &d->fields[i];
	}
	return NULL;
}

static const char *json_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

/* ---- scalars ---------------------------------------------------------------- */

#define EXACT_DOUBLE_MAX 9007199254740992.0	/* 2^53: every integer up to it is exact */

/* A signed integer in [min, max] from a number or a decimal string. */
static bool get_signed(struct parse *p, const json_t *j, int64_t min, int64_t max, int64_t *out)
{
	int64_t v;

	if (json_is_integer(j)) {
		v = json_integer_value(j);
	} else if (json_is_real(j)) {
		double d = json_real_value(j);
		if (d != floor(d) || fabs(d) > EXACT_DOUBLE_MAX) {
			fail(p, "%g is not an integer (write large numbers as strings)", d);
			return false;
		}
		v = (int64_t)d;
	} else if (json_is_string(j)) {
		const char *s = json_string_value(j);
		char *end;
		const char *digits = s[0] == '-' ? s + 1 : s;

		if (!isdigit((unsigned char)digits[0])) {
			fail(p, "\"%.40s\" is not an integer", s);
			return false;
		}
		errno = 0;
		long long ll = strtoll(s, &end, 10);
		if (*end || errno == ERANGE) {
			fail(p, "\"%.40s\" is not an integer in range", s);
			return false;
		}
		v = ll;
	} else {
		fail(p, "expected an integer, got %s", json_type_name(j));
		return false;
	}
	if (v < min || v > max) {
		fail(p, "%" PRId64 " is out of range (%" PRId64 " to %" PRId64 ")", v, min, max);
		return false;
	}
	*out = v;
	return true;
}

/* An unsigned integer in [0, max] from a number or a decimal string. */
static bool get_unsigned(struct parse *p, const json_t *j, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (json_is_integer(j)) {
		json_int_t i = json_integer_value(j);
		if (i < 0) {
			fail(p, "%" JSON_INTEGER_FORMAT " is negative", i);
			return false;
		}
		v = (uint64_t)i;
	} else if (json_is_real(j)) {
		double d = json_real_value(j);
		if (d != floor(d) || d < 0 || d > EXACT_DOUBLE_MAX) {
			fail(p, "%g is not a non-negative integer (write large numbers as strings)", d);
			return false;
		}
		v = (uint64_t)d;
	} else if (json_is_string(j)) {
		const char *s = json_string_value(j);
		char *end;

		if (!isdigit((unsigned char)s[0])) {
			fail(p, "\"%.40s\" is not a non-negative integer", s);
			return false;
		}
		errno = 0;
		unsigned long long ull = strtoull(s, &end, 10);
		if (*end || errno == ERANGE) {
			fail(p, "\"%.40s\" is not an integer in range", s);
			return false;
		}
		v = ull;
	} else {
		fail(p, "expected an integer, got %s", json_type_name(j));
		return false;
	}
	if (v > max) {
		fail(p, "%" PRIu64 " is out of range (0 to %" PRIu64 ")", v, max);
		return false;
	}
	*out = v;
	return true;
}

static bool get_double(struct parse *p, const json_t *j, bool is_float, double *out)
{
	double d;

	if (json_is_number(j)) {
		d = json_number_value(j);
	} else if (json_is_string(j)) {
		const char *s = json_string_value(j);
		char *end;

		if (!strcmp(s, "NaN")) {
			d = NAN;
		} else if (!strcmp(s, "Infinity")) {
			d = INFINITY;
		} else if (!strcmp(s, "-Infinity")) {
			d = -INFINITY;
		} else {
			errno = 0;
			d = strtod(s, &end);
			/* strtod also reads "nan", "inf" and hex: only plain decimals here */
			if (!s[0] || *end || errno == ERANGE || !isfinite(d) || strpbrk(s, "xXnN")) {
				fail(p, "\"%.40s\" is not a number", s);
				return false;
			}
		}
	} else {
		fail(p, "expected a number, got %s", json_type_name(j));
		return false;
	}
	if (is_float && isfinite(d) && fabs(d) > FLT_MAX) {
		fail(p, "%g is out of range for a float", d);
		return false;
	}
	*out = d;
	return true;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Base64 (standard or URL-safe; '=' padding optional) into a malloc'ed
 * buffer. */
static bool get_bytes(struct parse *p, const json_t *j, ProtobufCBinaryData *out)
{
	const char *s;
	size_t n, o = 0, pad = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	uint8_t *buf;

	if (!json_is_string(j)) {
		fail(p, "expected base64 text, got %s", json_type_name(j));
		return false;
	}
	s = json_string_value(j);
	n = json_string_length(j);
	while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
		pad++;
	if (pad && n % 4) {
		fail(p, "is not base64 (padding)");
		return false;
	}
	n -= pad;
	if (n % 4 == 1) {
		fail(p, "is not base64 (length)");
		return false;
	}
	buf = malloc(n * 3 / 4 + 1);
	if (!buf) {
		fail(p, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(s[i]);
		if (v < 0) {
			free(buf);
			fail(p, "is not base64 (character %zu)", i + 1);
			return false;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (o == 0) {
		free(buf);
		buf = NULL;
	}
	out->data = buf;
	out->len = o;
	return true;
}

static char *get_string(struct parse *p, const json_t *j)
{
	char *s;
	size_t n;

	if (!json_is_string(j)) {
		fail(p, "expected a string, got %s", json_type_name(j));
		return NULL;
	}
	n = json_string_length(j);
	if (memchr(json_string_value(j), '\0', n)) {
		fail(p, "holds a NUL character");
		return NULL;
	}
	s = malloc(n + 1);
	if (!s) {
		fail(p, "out of memory");
		return NULL;
	}
	memcpy(s, json_string_value(j), n + 1);
	return s;
}

static bool get_enum(struct parse *p, const ProtobufCFieldDescriptor *f, const json_t *j, int *out)
{
	const ProtobufCEnumDescriptor *ed = f->descriptor;

	if (json_is_string(j)) {
		const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(ed, json_string_value(j));
		if (!v) {
			fail(p, "\"%.40s\" is not a value of %s", json_string_value(j), ed->name);
			return false;
		}
		*out = v->value;
		return true;
	}
	if (json_is_number(j)) {
		int64_t v;
		/* proto3 enums are open: any int32 is kept, as unpack keeps it */
		if (!get_signed(p, j, INT32_MIN, INT32_MAX, &v))
			return false;
		*out = (int)v;
		return true;
	}
	fail(p, "expected a name of %s, got %s", ed->name, json_type_name(j));
	return false;
}

/* ---- messages ----------------------------------------------------------------- */

static ProtobufCMessage *parse_message(struct parse *p, const ProtobufCMessageDescriptor *d, const json_t *j,
				       unsigned depth);

/* One value of field f from j into member (an element of a repeated field,
 * or the singular member). A pointer is stored only on success. */
static bool parse_value(struct parse *p, const ProtobufCFieldDescriptor *f, const json_t *j, void *member,
			unsigned depth)
{
	int64_t s;
	uint64_t u;
	double d;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if (!get_signed(p, j, INT32_MIN, INT32_MAX, &s))
			return false;
		*(int32_t *)member = (int32_t)s;
		return true;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (!get_unsigned(p, j, UINT32_MAX, &u))
			return false;
		*(uint32_t *)member = (uint32_t)u;
		return true;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if (!get_signed(p, j, INT64_MIN, INT64_MAX, &s))
			return false;
		*(int64_t *)member = s;
		return true;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (!get_unsigned(p, j, UINT64_MAX, &u))
			return false;
		*(uint64_t *)member = u;
		return true;
	case PROTOBUF_C_TYPE_FLOAT:
		if (!get_double(p, j, true, &d))
			return false;
		*(float *)member = (float)d;
		return true;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (!get_double(p, j, false, &d))
			return false;
		*(double *)member = d;
		return true;
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_is_boolean(j)) {
			fail(p, "expected true or false, got %s", json_type_name(j));
			return false;
		}
		*(protobuf_c_boolean *)member = json_is_true(j);
		return true;
	case PROTOBUF_C_TYPE_ENUM:
		return get_enum(p, f, j, (int *)member);
	case PROTOBUF_C_TYPE_STRING: {
		char *str = get_string(p, j);
		if (!str)
			return false;
		*(char **)member = str;
		return true;
	}
	case PROTOBUF_C_TYPE_BYTES:
		return get_bytes(p, j, member);
	case PROTOBUF_C_TYPE_MESSAGE: {
		ProtobufCMessage *sub = parse_message(p, f->descriptor, j, depth + 1);
		if (!sub)
			return false;
		*(ProtobufCMessage **)member = sub;
		return true;
	}
	}
	fail(p, "has a type this parser does not know");
	return false;
}

static bool parse_repeated(struct parse *p, const ProtobufCFieldDescriptor *f, const json_t *j, uint8_t *base,
			   unsigned depth)
{
	size_t *count = (size_t *)(base + f->quantifier_offset);
	void **arr = (void **)(base + f->offset);
	size_t n = json_array_size(j), sz = tb_pb_type_size(f->type);

	if (!json_is_array(j)) {
		fail(p, "expected an array, got %s", json_type_name(j));
		return false;
	}
	if (n == 0)
		return true;
	*arr = calloc(n, sz);
	if (!*arr) {
		fail(p, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_array_get(j, i);
		size_t old = path_push(p, NULL, (long)i);

		if (json_is_null(e)) {
			fail(p, "null is not an element");
			return false;
		}
		if (!parse_value(p, f, e, (uint8_t *)*arr + i * sz, depth))
			return false;
		*count = i + 1;	/* what free_unpacked must free so far */
		path_pop(p, old);
	}
	return true;
}

static bool parse_field(struct parse *p, const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
			const json_t *v, uint8_t *base, unsigned depth)
{
	void *member = base + f->offset;

	if (json_is_null(v))
		return true;	/* the default: nothing to set */
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return parse_repeated(p, f, v, base, depth);

	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		uint32_t *which = (uint32_t *)(base + f->quantifier_offset);

		if (*which && *which != f->id) {
			const ProtobufCFieldDescriptor *other = protobuf_c_message_descriptor_get_field(d, *which);
			char on[128];

			tb_pb_json_name(other ? other->name : "?", on, sizeof(on));
			fail(p, "only one of a group may be set, and \"%s\" is set too", on);
			return false;
		}
		if (!parse_value(p, f, v, member, depth))
			return false;
		*which = f->id;
		return true;
	}
	if (!parse_value(p, f, v, member, depth))
		return false;
	if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
	    f->type != PROTOBUF_C_TYPE_MESSAGE)
		*(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;	/* proto2 has_ flag */
	return true;
}

static ProtobufCMessage *parse_message(struct parse *p, const ProtobufCMessageDescriptor *d, const json_t *j,
				       unsigned depth)
{
	ProtobufCMessage *msg;
	uint8_t *seen;
	const char *key;
	json_t *v;

	if (depth > TB_PB_JSON_MAX_DEPTH) {
		fail(p, "nested deeper than %d messages", TB_PB_JSON_MAX_DEPTH);
		return NULL;
	}
	if (!json_is_object(j)) {
		fail(p, "expected an object (%s), got %s", d->short_name, json_type_name(j));
		return NULL;
	}
	msg = malloc(d->sizeof_message);
	seen = calloc(d->n_fields ? d->n_fields : 1, 1);
	if (!msg || !seen) {
		free(msg);
		free(seen);
		fail(p, "out of memory");
		return NULL;
	}
	protobuf_c_message_init(d, msg);

	json_object_foreach((json_t *)j, key, v) {
		const ProtobufCFieldDescriptor *f = find_field(d, key);
		size_t old = path_push(p, key, 0);
		bool ok;

		if (!f) {
			fail(p, "%s has no such field", d->short_name);
			goto fail;
		}
		if (seen[f - d->fields]) {
			fail(p, "is given twice (by its two names)");
			goto fail;
		}
		seen[f - d->fields] = 1;
		ok = parse_field(p, d, f, v, (uint8_t *)msg, depth);
		if (!ok)
			goto fail;
		path_pop(p, old);
	}
	free(seen);
	return msg;

fail:
	free(seen);
	protobuf_c_message_free_unpacked(msg, NULL);
	return NULL;
}

ProtobufCMessage *tb_pb_from_json(const ProtobufCMessageDescriptor *d, const json_t *j, char *err, size_t err_size)
{
	struct parse p = { .err = err, .err_size = err_size };

	if (err && err_size)
		err[0] = '\0';
	if (!d || !j) {
		fail(&p, "nothing to read");
		return NULL;
	}
	return parse_message(&p, d, j, 0);
}
