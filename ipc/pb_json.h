/* Any protobuf-c message -> JSON following the proto3 JSON mapping
 * (lowerCamelCase names, 64-bit integers as strings, enums by name, bytes as
 * base64, oneof members only when set). Scalar fields at their default
 * value are emitted too (the mapping's "emit defaults" option), so a status
 * value 0 (emergency) is visible rather than absent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* Returns a new reference, or NULL on allocation failure. */
json_t *tb_pb_to_json(const ProtobufCMessage *msg);
