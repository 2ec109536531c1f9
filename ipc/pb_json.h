/* Any protobuf-c message <-> JSON following the proto3 JSON mapping
 * (lowerCamelCase names, 64-bit integers as strings, enums by name, bytes as
 * base64, oneof members only when set). Scalar fields at their default
 * value are emitted too (the mapping's "emit defaults" option), so a status
 * value 0 (emergency) is visible rather than absent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* Returns a new reference, or NULL on allocation failure. */
json_t *tb_pb_to_json(const ProtobufCMessage *msg);

/* How deep tb_pb_from_json() follows nested messages. */
#define TB_PB_JSON_MAX_DEPTH 32

/* JSON -> a new message of type d (pb_json_parse.c): the inverse of
 * tb_pb_to_json, lenient as the mapping asks (both field names, 64-bit
 * integers as strings or numbers, enums by name or number, null for the
 * default). Free the message with protobuf_c_message_free_unpacked(m, NULL).
 * NULL with a sentence in err (err_size bytes) naming the field, e.g.
 * `field "calloutAck.id": "x" is not a non-negative integer`, for an
 * unknown field, a wrong type, a value out of range, two members of one
 * oneof, or nesting deeper than TB_PB_JSON_MAX_DEPTH. */
ProtobufCMessage *tb_pb_from_json(const ProtobufCMessageDescriptor *d, const json_t *j, char *err,
				  size_t err_size);
