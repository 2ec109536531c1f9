/* Private to pb_json.c and pb_json_parse.c: what both directions of the
 * proto3 JSON mapping need to agree on. Not for any other code; the public
 * side is ipc/pb_json.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

/* The proto3 JSON name of a .proto field name into out (out_size bytes,
 * cut to fit): each '_' dropped and the letter after it upper-cased
 * ("time_us" -> "timeUs"). */
void tb_pb_json_name(const char *name, char *out, size_t out_size);

/* The size of one element of a field of type t in a protobuf-c message
 * (a repeated field's array stride). */
size_t tb_pb_type_size(ProtobufCType t);
