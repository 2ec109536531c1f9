/* The topic kind of an event body: the first half of "<kind>.<radio>".
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "ipc/tetra_bridge.pb-c.h"

/* "radio", "status", "short_report", "sds", "call_setup", "call_connect",
 * "tx", "call_release", "text", "text_incomplete", "location",
 * "location_control", "delivery_report", "send_result", "radio_info",
 * "link_error"; "event" for an event without a body. */
const char *tb_event_kind(const Tetrabridge__V1__Event *ev);
