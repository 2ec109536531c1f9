/* Any protobuf-c message -> JSON (proto3 JSON mapping), by reflection over
 * ProtobufCMessageDescriptor. See pb_json.h.
 *
 * Mapping:
 *   field names        lowerCamelCase from the .proto name ("time_us" -> "timeUs")
 *   int32/uint32/...   JSON numbers
 *   int64/uint64/...   JSON strings (decimal), as proto3 JSON demands
 *   float/double       JSON numbers; NaN and infinities as "NaN",
 *                      "Infinity", "-Infinity"
 *   bool               true/false
 *   enum               the value's name as in the .proto ("STATE_ONLINE");
 *                      a number without a name stays a number
 *   string             JSON string (invalid UTF-8 replaced by U+FFFD)
 *   bytes              standard base64 with padding
 *   message            nested object; an unset (NULL) singular message is
 *                      omitted, a selected oneof message that is NULL is {}
 *   repeated           JSON array (empty array when there are no elements)
 *   oneof              only the member selected by the case field
 * Singular scalars are always emitted, at their default value too (the
 * mapping's "emit defaults"), so that e.g. status value 0 (emergency) is
 * visible. proto2 optional scalars without their has_ flag are omitted.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/pb_json.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/text.h"
#include "ipc/pb_json_int.h"

void tb_pb_json_name(const char *name, char *out, size_t out_size)
{
	bool upper = false;
	size_t o = 0;

	for (; *name && o + 1 < out_size; name++) {
		if (*name == '_') {
			upper = true;
			continue;
		}
		out[o++] = upper ? (char)toupper((unsigned char)*name) : *name;
		upper = false;
	}
	out[o] = '\0';
}

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static json_t *json_base64(const uint8_t *data, size_t len)
{
	size_t out_len = 4 * ((len + 2) / 3);
	char *out = malloc(out_len + 1);
	size_t i, o = 0;
	json_t *j;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 0x3f];
		out[o++] = b64_alphabet[(v >> 12) & 0x3f];
		out[o++] = b64_alphabet[(v >> 6) & 0x3f];
		out[o++] = b64_alphabet[v & 0x3f];
	}
	if (i < len) {
		uint32_t v = (uint32_t)data[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		out[o++] = b64_alphabet[(v >> 18) & 0x3f];
		out[o++] = b64_alphabet[(v >> 12) & 0x3f];
		out[o++] = (i + 1 < len) ? b64_alphabet[(v >> 6) & 0x3f] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	j = json_stringn(out, o);
	free(out);
	return j;
}

/* A JSON string from s; bytes that are not valid UTF-8 become U+FFFD. */
static json_t *json_string_lossy(const char *s)
{
	size_t n, need;
	char *out;
	json_t *j;

	if (!s)
		return json_string("");
	j = json_string(s);
	if (j)
		return j;
	n = strlen(s);
	need = tetra_utf8_repair(s, n, NULL, 0);
	out = malloc(need + 1);
	if (!out)
		return NULL;
	tetra_utf8_repair(s, n, out, need + 1);
	j = json_stringn(out, need);
	free(out);
	return j;
}

static json_t *json_double(double d)
{
	if (isnan(d))
		return json_string("NaN");
	if (isinf(d))
		return json_string(d > 0 ? "Infinity" : "-Infinity");
	return json_real(d);
}

static json_t *json_u64(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static json_t *json_i64(int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return json_string(buf);
}

static json_t *message_to_json(const ProtobufCMessage *msg);

/* One value of field f stored at member (an element of a repeated field, or
 * the singular member itself). */
static json_t *value_to_json(const ProtobufCFieldDescriptor *f, const void *member)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)member);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)member);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_i64(*(const int64_t *)member);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return json_u64(*(const uint64_t *)member);
	case PROTOBUF_C_TYPE_FLOAT:
		return json_double(*(const float *)member);
	case PROTOBUF_C_TYPE_DOUBLE:
		return json_double(*(const double *)member);
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)member);
	case PROTOBUF_C_TYPE_ENUM: {
		int v = *(const int *)member;
		const ProtobufCEnumValue *ev =
			protobuf_c_enum_descriptor_get_value(f->descriptor, v);
		if (ev && ev->name)
			return json_string(ev->name);
		return json_integer(v);
	}
	case PROTOBUF_C_TYPE_STRING:
		return json_string_lossy(*(char *const *)member);
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *bd = member;
		return json_base64(bd->data, bd->data ? bd->len : 0);
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sub = *(ProtobufCMessage *const *)member;
		if (!sub)
			return json_object();
		return message_to_json(sub);
	}
	}
	return json_null();
}

size_t tb_pb_type_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	}
	return 0;
}

static bool is_pointer_type(ProtobufCType t)
{
	return t == PROTOBUF_C_TYPE_STRING || t == PROTOBUF_C_TYPE_MESSAGE;
}

static json_t *message_to_json(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const uint8_t *base = (const uint8_t *)msg;
	json_t *obj = json_object();
	unsigned i;

	if (!obj)
		return NULL;

	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *member = base + f->offset;
		char name[128];
		json_t *v;

		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
			if (which != f->id)
				continue;
		} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL) {
			/* proto2 optional (and proto3 "optional"): present only when set */
			if (is_pointer_type(f->type)) {
				if (!*(void *const *)member)
					continue;
			} else if (!*(const protobuf_c_boolean *)(base + f->quantifier_offset)) {
				continue;
			}
		} else if (f->label == PROTOBUF_C_LABEL_NONE || f->label == PROTOBUF_C_LABEL_REQUIRED) {
			/* proto3 singular: an unset message is absent, scalars always emitted */
			if (f->type == PROTOBUF_C_TYPE_MESSAGE && !*(void *const *)member)
				continue;
		}

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + f->quantifier_offset);
			const uint8_t *arr = *(const uint8_t *const *)member;
			size_t sz = tb_pb_type_size(f->type), k;

			v = json_array();
			if (!v)
				goto fail;
			for (k = 0; arr && k < n; k++) {
				json_t *e = value_to_json(f, arr + k * sz);
				if (!e || json_array_append_new(v, e) < 0) {
					json_decref(v);
					goto fail;
				}
			}
		} else {
			v = value_to_json(f, member);
			if (!v)
				goto fail;
		}

		tb_pb_json_name(f->name, name, sizeof(name));
		if (json_object_set_new(obj, name, v) < 0)
			goto fail;
	}
	return obj;

fail:
	json_decref(obj);
	return NULL;
}

json_t *tb_pb_to_json(const ProtobufCMessage *msg)
{
	if (!msg || !msg->descriptor)
		return NULL;
	return message_to_json(msg);
}
