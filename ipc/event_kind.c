/* The topic kind of an event body (see the end of tetra_bridge.proto).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/event_kind.h"

const char *tb_event_kind(const Tetrabridge__V1__Event *ev)
{
	if (!ev)
		return "event";
	switch (ev->body_case) {
	case TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE:
		return "radio";
	case TETRABRIDGE__V1__EVENT__BODY_STATUS:
		return "status";
	case TETRABRIDGE__V1__EVENT__BODY_SHORT_REPORT:
		return "short_report";
	case TETRABRIDGE__V1__EVENT__BODY_SDS_RAW:
		return "sds";
	case TETRABRIDGE__V1__EVENT__BODY_CALL_SETUP:
		return "call_setup";
	case TETRABRIDGE__V1__EVENT__BODY_CALL_CONNECT:
		return "call_connect";
	case TETRABRIDGE__V1__EVENT__BODY_TX:
		return "tx";
	case TETRABRIDGE__V1__EVENT__BODY_CALL_RELEASE:
		return "call_release";
	case TETRABRIDGE__V1__EVENT__BODY_TEXT:
		return "text";
	case TETRABRIDGE__V1__EVENT__BODY_TEXT_INCOMPLETE:
		return "text_incomplete";
	case TETRABRIDGE__V1__EVENT__BODY_LOCATION:
		return "location";
	case TETRABRIDGE__V1__EVENT__BODY_LOCATION_CONTROL:
		return "location_control";
	case TETRABRIDGE__V1__EVENT__BODY_DELIVERY_REPORT:
		return "delivery_report";
	case TETRABRIDGE__V1__EVENT__BODY_SEND_RESULT:
		return "send_result";
	case TETRABRIDGE__V1__EVENT__BODY_RADIO_INFO:
		return "radio_info";
	case TETRABRIDGE__V1__EVENT__BODY_LINK_ERROR:
		return "link_error";
	case TETRABRIDGE__V1__EVENT__BODY_OUTGOING:
		return "outgoing";
	case TETRABRIDGE__V1__EVENT__BODY_LOST:
		return "lost";
	case TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU:
		return "callout_pdu";
	case TETRABRIDGE__V1__EVENT__BODY_CALLOUT:
		return "callout";
	case TETRABRIDGE__V1__EVENT__BODY__NOT_SET:
	default:
		return "event";
	}
}
