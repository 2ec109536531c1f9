/* Every string that leaves the bridge is valid UTF-8.
 *
 * A proto3 `string` must hold UTF-8; strict protobuf libraries (Python,
 * C++, Go, Java) refuse the whole message otherwise. The strings the bridge
 * sends come from terminals (external numbers, raw fields), from clients
 * (a radio name quoted back in an error), from the config and the clients
 * file: any of them may hold other bytes. protobuf-c packs whatever it is
 * given, so the bridge checks every string field of every Event and Reply
 * before packing it, and sends a repaired copy (each invalid byte becomes
 * U+FFFD) when one is not.
 *
 * The walk follows the message descriptors, so fields added to the contract
 * later are covered without a change here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

/* NULL when every string field of m (and of its sub-messages, repeated
 * fields and the set member of each oneof) is valid UTF-8; else the full
 * name of the first field that is not (e.g. "tetrabridge.v1.Reply.error"). */
const char *tb_pb_invalid_utf8(const ProtobufCMessage *m);

/* Repair every string field of m in place: a string that is not valid
 * UTF-8 is replaced by its repair (codecs/text.h tetra_utf8_repair),
 * allocated with allocator (NULL: protobuf-c's default, malloc), and the old
 * one freed with it. For messages unpacked with that allocator. Returns the
 * number of strings replaced, or -ENOMEM (m is then partly repaired, still
 * consistent). */
int tb_pb_repair_utf8(ProtobufCMessage *m, ProtobufCAllocator *allocator);

/* Pack m with every string valid UTF-8: m itself when it is (the common
 * case: one walk, one pack), else a repaired copy; m is never changed.
 * Writes into buf when the result fits in buf_size, else into a buffer
 * talloc'ed under ctx; *out says which (free it with talloc_free when it is
 * not buf). *repaired (may be NULL) is set to the number of strings
 * replaced. Returns the packed length, or -ENOMEM. */
long tb_pb_pack_utf8(const ProtobufCMessage *m, void *ctx, uint8_t *buf, size_t buf_size, uint8_t **out,
		     unsigned *repaired);

/* The same, into a buffer the caller provides once the size is known:
 * buf(len, data) returns room for len bytes (or NULL: -ENOMEM). For a
 * caller that keeps the packed message in a buffer of its own (the
 * command server hands replies to libzmq without a copy). */
typedef uint8_t *(*tb_pb_buf_cb)(size_t len, void *data);
long tb_pb_pack_utf8_to(const ProtobufCMessage *m, tb_pb_buf_cb buf, void *data, unsigned *repaired);
