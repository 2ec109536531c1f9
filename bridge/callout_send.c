/* What the tracker sends: alerts and stand-downs, through the radio's
 * outgoing queue like every message a client sends (bridge/outbox.h), so
 * that they are stored, retried and reported the same way.
 *
 *   text (the default; any terminal): an immediate SDS-TL text
 *     "<SEVERITY> #<id>: <text>" asking for "received" and "consumed"
 *     reports; the reports move the responder to delivered and read.
 *   callout: a TCCA Simple Call-Out alert (SDS-TL PID 195, codecs/callout.h)
 *     with the call-out's 8-bit number and severity, asking for the same
 *     reports. Whether Nødnett terminals take it is unverified
 *     (docs/protocol.md).
 *   stand-down: a text "<id>: stood down (<why>)" without reports, for
 *     either method: the Simple Call-Out "clear" is not public.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "bridge/outbox.h"
#include "bridge/radio.h"
#include "codecs/callout.h"
#include "codecs/text.h"
#include "common/logging.h"

#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x

/* The lead octet of alerts the bridge sends: 0x0D as in one source's captures. */
#define TB_CALLOUT_LEAD 0x0D

static struct tb_outbox *outbox_of(struct tb_callout *co)
{
	struct tb_radio *radio = tb_radio_find(co->t->bridge, co->radio);

	return radio ? radio->outbox : NULL;
}

static int submit(struct tb_callout *co, struct tb_out_request *req, uint64_t *message_id, char **why)
{
	struct tb_outbox *ob = outbox_of(co);
	struct tb_out_queued q = { 0 };
	void *tmp = talloc_new(NULL);
	char *errmsg = NULL;
	int code;

	if (!ob) {
		*why = talloc_asprintf(NULL, "radio %s has no outgoing queue", co->radio);
		talloc_free(tmp);
		return -ENODEV;
	}
	req->client = co->created_by;
	code = tb_outbox_submit(ob, tmp, req, &q, &errmsg);
	if (code != CODE(OK)) {
		*why = talloc_asprintf(NULL, "the alert could not be queued: %s", errmsg ? errmsg : "refused");
		talloc_free(tmp);
		return -EBUSY;
	}
	if (message_id)
		*message_id = q.message_id;
	talloc_free(tmp);
	return 0;
}

/* The alert as a Simple Call-Out payload (after the SDS-TL header). */
static int callout_payload(const struct tb_callout *co, uint8_t *out, size_t out_size)
{
	uint8_t text[TB_CALLOUT_TEXT_MAX];
	size_t bits = 0;
	struct tetra_callout_msg m = {
		.lead = TB_CALLOUT_LEAD,
		.kind = TETRA_CALLOUT_KIND_ALERT,
		.number = co->air_number,
		.severity = co->severity,
		.has_sender = true,
	};

	if (tetra_text_from_utf8(co->text, strlen(co->text), TETRA_TEXT_8859_1, text, sizeof(text), &bits) < 0)
		return -EINVAL;
	m.text = text;
	m.text_len = bits / 8;
	return tetra_callout_encode(&m, out, out_size);
}

int tb_callout_send_alert(struct tb_responder *r, char **why)
{
	struct tb_callout *co = r->co;
	const struct tb_callout_config *cfg = co->t->bridge->callout_cfg;
	struct tb_out_request req = {
		.to = r->id,
		.report_request = 3,	/* received and consumed */
		/* An alert that cannot go out before the next re-alert is of no use. */
		.deadline_s = (uint32_t)osmo_tdef_get(tb_callout_tdefs, TB_T_REALERT, OSMO_TDEF_S, 40),
	};
	uint8_t payload[256];
	char *text = NULL;
	int rc, n;

	/* Delivery reports would come from the group's number, which sends
	 * none: a group alert asks for none (its members answer). */
	if (r->is_group)
		req.report_request = 0;

	if (co->method == TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT) {
		n = callout_payload(co, payload, sizeof(payload));
		if (n < 0) {
			*why = talloc_strdup(NULL, "the call-out text does not fit the Simple Call-Out alert");
			return -EINVAL;
		}
		req.kind = TB_OUT_CALLOUT;
		req.payload = payload;
		req.payload_len = (size_t)n;
	} else {
		text = talloc_asprintf(NULL, "%s #%" PRIu64 ": %s", tb_severity_name(cfg, co->severity), co->id,
				       co->text ? co->text : "");
		if (!text) {
			*why = talloc_strdup(NULL, "out of memory");
			return -ENOMEM;
		}
		req.kind = TB_OUT_TEXT;
		req.text = text;
		req.text_len = strlen(text);
		req.immediate = true;
	}
	uint64_t message_id = 0;

	rc = submit(co, &req, &message_id, why);
	if (rc == 0)
		tb_responder_set_message(r, message_id);
	talloc_free(text);
	return rc;
}

void tb_callout_send_stand_down(struct tb_responder *r, const char *why)
{
	struct tb_callout *co = r->co;
	char *text = talloc_asprintf(NULL, "#%" PRIu64 ": stood down (%s)", co->id, why);
	struct tb_out_request req = { .kind = TB_OUT_TEXT, .to = r->id };
	char *err = NULL;

	if (!text)
		return;
	req.text = text;
	req.text_len = strlen(text);
	req.immediate = true;
	if (submit(co, &req, NULL, &err) < 0) {
		LOGP(DCALLOUT, LOGL_NOTICE, "call-out %" PRIu64 ": a stand-down could not be queued\n", co->id);
		talloc_free(err);
	}
	talloc_free(text);
}
