/* Every string that leaves the bridge is valid UTF-8; see pb_utf8.h.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "ipc/pb_utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "codecs/text.h"

#define TB_PB_NAME_MAX 192	/* "package.Message.field" */

/* Where field f's values are in m: *n values at *vals (one for a singular
 * field). false when f holds nothing (an unset oneof member, a NULL). */
static bool field_values(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, size_t *n, void **vals)
{
	const char *base = (const char *)m;

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		*n = *(const size_t *)(base + f->quantifier_offset);
		*vals = *(void *const *)(base + f->offset);
		return *n > 0 && *vals;
	}
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		if (*(const uint32_t *)(base + f->quantifier_offset) != f->id)
			return false;
	}
	*n = 1;
	*vals = (void *)(base + f->offset);
	return true;
}

/* Visit every string slot (char **) of m, depth first, with the message
 * that holds it (d) and its field (f). visit returns non-zero to stop;
 * walk returns that value. */
typedef int (*slot_cb)(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f, char **slot,
		       void *data);

static int walk(const ProtobufCMessage *m, slot_cb visit, void *data)
{
	const ProtobufCMessageDescriptor *d;

	if (!m || !(d = m->descriptor))
		return 0;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		size_t n;
		void *vals;
		int rc;

		if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (!field_values(m, f, &n, &vals))
			continue;
		for (size_t k = 0; k < n; k++) {
			if (f->type == PROTOBUF_C_TYPE_STRING) {
				char **slot = (char **)vals + k;

				if (*slot && (rc = visit(d, f, slot, data)))
					return rc;
			} else {
				const ProtobufCMessage *sub = ((const ProtobufCMessage *const *)vals)[k];

				if (sub && (rc = walk(sub, visit, data)))
					return rc;
			}
		}
	}
	return 0;
}

/* The first string field that is not valid UTF-8, named in full. */
static int find_invalid(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f, char **slot,
			void *data)
{
	char *name = data;

	if (tetra_utf8_valid(*slot, strlen(*slot)))
		return 0;
	snprintf(name, TB_PB_NAME_MAX, "%s.%s", d->name, f->name);
	return 1;
}

const char *tb_pb_invalid_utf8(const ProtobufCMessage *m)
{
	static __thread char name[TB_PB_NAME_MAX];

	return walk(m, find_invalid, name) ? name : NULL;
}

struct repair_ctx {
	ProtobufCAllocator *a;
	int n;
};

static int repair_slot(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f, char **slot,
		       void *data)
{
	struct repair_ctx *c = data;
	size_t len = strlen(*slot), need;
	char *fixed;

	if (tetra_utf8_valid(*slot, len))
		return 0;
	need = tetra_utf8_repair(*slot, len, NULL, 0);
	fixed = c->a ? c->a->alloc(c->a->allocator_data, need + 1) : malloc(need + 1);
	if (!fixed)
		return -ENOMEM;
	tetra_utf8_repair(*slot, len, fixed, need + 1);
	/* protobuf-c points unset strings at its shared default; never free that. */
	if (*slot != f->default_value && *slot != protobuf_c_empty_string) {
		if (c->a)
			c->a->free(c->a->allocator_data, *slot);
		else
			free(*slot);
	}
	*slot = fixed;
	c->n++;
	return 0;
}

int tb_pb_repair_utf8(ProtobufCMessage *m, ProtobufCAllocator *allocator)
{
	struct repair_ctx c = { .a = allocator };
	int rc = walk(m, repair_slot, &c);

	return rc < 0 ? rc : c.n;
}

long tb_pb_pack_utf8_to(const ProtobufCMessage *m, tb_pb_buf_cb buf, void *data, unsigned *repaired)
{
	ProtobufCMessage *copy = NULL;
	uint8_t *out;
	size_t len;
	int n = 0;

	if (repaired)
		*repaired = 0;
	if (tb_pb_invalid_utf8(m)) {
		/* Rare: a copy through pack + unpack, repaired, packed again. */
		uint8_t *tmp;

		len = protobuf_c_message_get_packed_size(m);
		tmp = malloc(len ? len : 1);
		if (!tmp)
			return -ENOMEM;
		protobuf_c_message_pack(m, tmp);
		copy = protobuf_c_message_unpack(m->descriptor, NULL, len, tmp);
		free(tmp);
		if (!copy)
			return -ENOMEM;
		n = tb_pb_repair_utf8(copy, NULL);
		if (n < 0) {
			protobuf_c_message_free_unpacked(copy, NULL);
			return -ENOMEM;
		}
		m = copy;
	}
	len = protobuf_c_message_get_packed_size(m);
	out = buf(len, data);
	if (out)
		protobuf_c_message_pack(m, out);
	if (copy)
		protobuf_c_message_free_unpacked(copy, NULL);
	if (!out)
		return -ENOMEM;
	if (repaired)
		*repaired = (unsigned)n;
	return (long)len;
}

struct stack_or_ctx {
	void *ctx;
	uint8_t *buf;
	size_t buf_size;
	uint8_t *got;
};

static uint8_t *stack_or_ctx(size_t len, void *data)
{
	struct stack_or_ctx *sc = data;

	sc->got = len <= sc->buf_size ? sc->buf : talloc_size(sc->ctx, len ? len : 1);
	return sc->got;
}

long tb_pb_pack_utf8(const ProtobufCMessage *m, void *ctx, uint8_t *buf, size_t buf_size, uint8_t **out,
		     unsigned *repaired)
{
	struct stack_or_ctx sc = { ctx, buf, buf_size, NULL };
	long len = tb_pb_pack_utf8_to(m, stack_or_ctx, &sc, repaired);

	*out = sc.got;
	return len;
}
