/* Event publisher: ZeroMQ PUB, two frames per event ("<kind>.<radio>",
 * packed Event). See publisher.h.
 *
 * Socket options: ZMQ_LINGER 1000 ms (queued events get one second to leave
 * on close), ZMQ_SNDHWM TB_PUBLISHER_HWM events per subscriber (see
 * publisher.h: a subscriber further behind sees the gap in seq and
 * replays; with the journal nobody needs a deeper queue, and 200 stalled
 * subscribers hold 25 MiB, not 2.5 GiB as with 100 000).
 *
 * Health data: events are referred to by seq only, never by content.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/publisher.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <talloc.h>
#include <zmq.h>

#include "common/counters.h"
#include "common/logging.h"
#include "ipc/event_kind.h"
#include "ipc/security.h"

#define TB_PUB_LINGER_MS	1000
/* Events packed into a stack buffer up to this size; larger ones (big SDS)
 * are packed into a talloc'ed buffer. */
#define TB_PUB_STACK_BUF	1024
#define TB_PUB_TOPIC_BUF	128

struct tb_publisher {
	void *sock;
	char *endpoint;		/* as bound, after ZMQ_LAST_ENDPOINT */
	struct rate_ctr_group *ctrs;	/* enum tb_publisher_ctr */
};

static const struct rate_ctr_desc pub_ctr_desc[] = {
	[TB_PUB_CTR_SENT] = { "published", "Events published" },
	[TB_PUB_CTR_DROPPED] = { "not_sent", "Events the socket did not take (subscribers replay them)" },
};

static const struct rate_ctr_group_desc pub_ctrg_desc = {
	.group_name_prefix = "pub",
	.group_description = "Event stream (ZeroMQ PUB)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(pub_ctr_desc),
	.ctr_desc = pub_ctr_desc,
};

static int tb_publisher_talloc_destructor(struct tb_publisher *p)
{
	if (p->sock) {
		zmq_close(p->sock);
		p->sock = NULL;
	}
	return 0;
}

/* "cannot <action> events socket <endpoint>: <reason>" */
static void set_error(void *ctx, int *err, char **errmsg, int e, const char *action, const char *endpoint)
{
	if (err)
		*err = -e;
	if (errmsg)
		*errmsg = talloc_asprintf(ctx, "cannot %s events socket %s: %s", action,
					  endpoint ? endpoint : "(null)", zmq_strerror(e));
}

struct tb_publisher *tb_publisher_alloc(void *ctx, void *zmq_ctx, const char *endpoint,
					const struct tb_security *sec, int *err, char **errmsg)
{
	struct tb_publisher *p;
	int linger = TB_PUB_LINGER_MS;
	int hwm = TB_PUBLISHER_HWM;
	char last[256];
	size_t last_len = sizeof(last);
	int e;

	if (err)
		*err = 0;
	if (errmsg)
		*errmsg = NULL;

	if (!zmq_ctx || !endpoint || !*endpoint) {
		set_error(ctx, err, errmsg, EINVAL, "bind", endpoint);
		return NULL;
	}

	p = talloc_zero(ctx, struct tb_publisher);
	if (!p) {
		set_error(ctx, err, errmsg, ENOMEM, "bind", endpoint);
		return NULL;
	}
	talloc_set_destructor(p, tb_publisher_talloc_destructor);
	p->ctrs = tb_ctr_group_alloc(p, &pub_ctrg_desc, NULL);
	if (!p->ctrs) {
		set_error(ctx, err, errmsg, ENOMEM, "bind", endpoint);
		goto fail;
	}

	p->sock = zmq_socket(zmq_ctx, ZMQ_PUB);
	if (!p->sock) {
		e = zmq_errno();
		set_error(ctx, err, errmsg, e, "create", endpoint);
		goto fail;
	}
	if (zmq_setsockopt(p->sock, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
	    zmq_setsockopt(p->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm)) < 0) {
		e = zmq_errno();
		set_error(ctx, err, errmsg, e, "configure", endpoint);
		goto fail;
	}
	if (sec && (e = -tb_security_apply(sec, p->sock)) != 0) {
		set_error(ctx, err, errmsg, e, "secure", endpoint);
		goto fail;
	}
	if (zmq_bind(p->sock, endpoint) < 0) {
		e = zmq_errno();
		set_error(ctx, err, errmsg, e, "bind", endpoint);
		goto fail;
	}
	if (zmq_getsockopt(p->sock, ZMQ_LAST_ENDPOINT, last, &last_len) == 0 && last_len > 0) {
		last[sizeof(last) - 1] = '\0';
		p->endpoint = talloc_strdup(p, last);
	} else {
		p->endpoint = talloc_strdup(p, endpoint);
	}
	if (!p->endpoint) {
		set_error(ctx, err, errmsg, ENOMEM, "bind", endpoint);
		goto fail;
	}

	LOGP(DIPC, LOGL_NOTICE, "publishing events on %s\n", p->endpoint);
	return p;

fail:
	talloc_free(p);
	return NULL;
}

/* Send one frame; counts nothing. Returns 0 or -errno. */
static int send_frame(void *sock, const void *buf, size_t len, int flags)
{
	if (zmq_send(sock, buf, len, flags | ZMQ_DONTWAIT) < 0)
		return -zmq_errno();
	return 0;
}

int tb_publisher_send_packed(struct tb_publisher *p, const char *kind, const char *radio, uint64_t seq,
			     const uint8_t *body, size_t len)
{
	char topic_stack[TB_PUB_TOPIC_BUF];
	char *topic = topic_stack;
	int n, rc;

	if (!p || !p->sock || !kind || (!body && len))
		return -EINVAL;
	radio = radio ? radio : "";
	n = snprintf(topic_stack, sizeof(topic_stack), "%s.%s", kind, radio);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= sizeof(topic_stack)) {
		topic = talloc_asprintf(p, "%s.%s", kind, radio);
		if (!topic) {
			rate_ctr_inc2(p->ctrs, TB_PUB_CTR_DROPPED);
			return -ENOMEM;
		}
	}

	rc = send_frame(p->sock, topic, strlen(topic), ZMQ_SNDMORE);
	if (rc == 0)
		rc = send_frame(p->sock, body, len, 0);
	if (rc == 0) {
		rate_ctr_inc2(p->ctrs, TB_PUB_CTR_SENT);
		LOGP(DIPC, LOGL_DEBUG, "published event seq %" PRIu64 " (%zu bytes)\n", seq, len);
	} else {
		rate_ctr_inc2(p->ctrs, TB_PUB_CTR_DROPPED);
		LOGP(DIPC, LOGL_ERROR, "event seq %" PRIu64 " not published: %s\n", seq, strerror(-rc));
	}
	if (topic != topic_stack)
		talloc_free(topic);
	return rc;
}

int tb_publisher_send(struct tb_publisher *p, const Tetrabridge__V1__Event *ev)
{
	uint8_t body_stack[TB_PUB_STACK_BUF];
	uint8_t *body = body_stack;
	size_t len;
	int rc;

	if (!p || !p->sock || !ev)
		return -EINVAL;
	len = tetrabridge__v1__event__get_packed_size(ev);
	if (len > sizeof(body_stack)) {
		body = talloc_size(p, len);
		if (!body) {
			rate_ctr_inc2(p->ctrs, TB_PUB_CTR_DROPPED);
			return -ENOMEM;
		}
	}
	if (tetrabridge__v1__event__pack(ev, body) != len) {
		rate_ctr_inc2(p->ctrs, TB_PUB_CTR_DROPPED);
		rc = -EPROTO;
	} else {
		rc = tb_publisher_send_packed(p, tb_event_kind(ev), ev->radio, ev->seq, body, len);
	}
	if (body != body_stack)
		talloc_free(body);
	return rc;
}

const char *tb_publisher_endpoint(const struct tb_publisher *p)
{
	return p ? p->endpoint : NULL;
}

const struct rate_ctr_group *tb_publisher_ctrs(const struct tb_publisher *p)
{
	return p ? p->ctrs : NULL;
}

void tb_publisher_destroy(struct tb_publisher **p)
{
	if (p)
		TALLOC_FREE(*p);	/* the destructor closes the socket */
}
