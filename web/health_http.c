/* /healthz and /metrics (api.h).
 *
 * /healthz: no login and no data: 200 "ok" when every bridge is connected,
 * else 503 "degraded" (for a load balancer or a monitoring check).
 * /metrics: an admin's session, or `Authorization: Bearer TOKEN` with the
 * token of `metrics-token-file` (compared in constant time). Prometheus
 * text: tetra-web's own numbers, and every connected bridge's counters
 * and gauges (StatsList) as tetra_bridge_<group>_<name>{bridge=...,
 * index=...}; a bridge that does not answer within TW_METRICS_WAIT_S is
 * left out, with a comment saying so.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "web/api.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <sodium.h>

#include "common/logging.h"
#include "web/bridge_link.h"
#include "web/http_server.h"
#include "web/session.h"
#include "web/ws_clients.h"

#define TW_METRICS_WAIT_S 3

struct sample {
	char *name;		/* tetra_bridge_<group>_<name>, sanitized */
	char *help;
	bool gauge;
	char *labels;		/* bridge="..",index=".." */
	int64_t value;
};

struct scrape {
	struct tw_req *r;
	struct osmo_timer_list timer;
	unsigned waiting;
	struct {
		uint64_t id;		/* 0: answered or not asked */
		bool asked;
		char *missing;		/* why this bridge is left out, or NULL */
	} bridge[TW_MAX_BRIDGES];
	struct sample *samples;	/* talloc array */
	size_t n_samples;
};

static void healthz(struct tw_req *r)
{
	unsigned up = 0;

	for (unsigned i = 0; i < r->srv->n_links; i++)
		up += tw_bridge_link_connected(r->srv->links[i]);
	if (up == r->srv->n_links)
		tw_req_respond(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
	else
		tw_req_respond(r, 503, "text/plain; charset=utf-8", "degraded\n", 9);
}

/* ---- who may read /metrics ---------------------------------------------------- */

static bool token_ok(const struct tw_server *srv, const char *auth)
{
	uint8_t want[crypto_generichash_BYTES], got[crypto_generichash_BYTES];

	if (!srv->metrics_token || strncmp(auth, "Bearer ", 7))
		return false;
	/* Hash both: a constant-time compare of equal lengths, whatever
	 * length the caller sent. */
	crypto_generichash(want, sizeof(want), (const uint8_t *)srv->metrics_token, strlen(srv->metrics_token), NULL,
			   0);
	crypto_generichash(got, sizeof(got), (const uint8_t *)auth + 7, strlen(auth + 7), NULL, 0);
	return sodium_memcmp(want, got, sizeof(want)) == 0;
}

/* ---- the text ------------------------------------------------------------------ */

static char *sanitize(void *ctx, const char *s)
{
	char *out = talloc_strdup(ctx, s);

	for (char *p = out; p && *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	}
	return out;
}

/* A label value: \ " and newlines escaped. */
static char *label_value(void *ctx, const char *s)
{
	char *out = talloc_strdup(ctx, "");

	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			out = talloc_asprintf_append(out, "\\%c", *s);
		else if (*s == '\n')
			out = talloc_strdup_append(out, "\\n");
		else
			out = talloc_asprintf_append(out, "%c", *s);
	}
	return out;
}

static char *help_text(void *ctx, const char *s)
{
	char *out = talloc_strdup(ctx, "");

	for (; *s; s++) {
		if (*s == '\\')
			out = talloc_strdup_append(out, "\\\\");
		else if (*s == '\n')
			out = talloc_strdup_append(out, "\\n");
		else
			out = talloc_asprintf_append(out, "%c", *s);
	}
	return out;
}

static int sample_cmp(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static char *own_metrics(void *ctx, struct tw_server *srv)
{
	const struct tw_counters *c = &srv->counters;
	const ProtobufCEnumDescriptor *codes = &tetrabridge__v1__reply__code__descriptor;
	char *t = talloc_asprintf(
		ctx,
		"# HELP tetra_web_sessions Sessions signed in now.\n# TYPE tetra_web_sessions gauge\n"
		"tetra_web_sessions %u\n"
		"# HELP tetra_web_ws_clients Pages connected by WebSocket now.\n# TYPE tetra_web_ws_clients gauge\n"
		"tetra_web_ws_clients %u\n"
		"# HELP tetra_web_logins_total Sign-ins by result.\n# TYPE tetra_web_logins_total counter\n"
		"tetra_web_logins_total{result=\"ok\"} %" PRIu64 "\n"
		"tetra_web_logins_total{result=\"failed\"} %" PRIu64 "\n"
		"tetra_web_logins_total{result=\"limited\"} %" PRIu64 "\n"
		"# HELP tetra_web_actions_refused_total Actions refused before anything was sent (session, CSRF, "
		"role, malformed).\n# TYPE tetra_web_actions_refused_total counter\n"
		"tetra_web_actions_refused_total %" PRIu64 "\n"
		"# HELP tetra_web_actions_unanswered_total Actions the bridge did not answer (not connected, "
		"timeout).\n# TYPE tetra_web_actions_unanswered_total counter\n"
		"tetra_web_actions_unanswered_total %" PRIu64 "\n"
		"# HELP tetra_web_ws_dropped_messages_total Messages dropped with WebSocket clients closed as too "
		"slow.\n# TYPE tetra_web_ws_dropped_messages_total counter\n"
		"tetra_web_ws_dropped_messages_total %" PRIu64 "\n"
		"# HELP tetra_web_ws_slow_clients_total WebSocket clients closed as too slow.\n"
		"# TYPE tetra_web_ws_slow_clients_total counter\n"
		"tetra_web_ws_slow_clients_total %" PRIu64 "\n"
		"# HELP tetra_web_ws_refused_total WebSocket handshakes refused (session, Origin, max-clients).\n"
		"# TYPE tetra_web_ws_refused_total counter\n"
		"tetra_web_ws_refused_total %" PRIu64 "\n"
		"# HELP tetra_web_actions_total Actions answered by a bridge, by the reply's code.\n"
		"# TYPE tetra_web_actions_total counter\n",
		tw_sessions_count(srv->sessions), tw_ws_clients_count(srv->ws), c->logins_ok, c->logins_failed,
		c->logins_limited, c->actions_refused, c->actions_failed, c->ws_dropped, c->ws_slow, c->ws_refused);

	for (unsigned i = 0; i < codes->n_values; i++) {
		int v = codes->values[i].value;

		if (v >= 0 && v < TW_ACTION_CODES)
			t = talloc_asprintf_append(t, "tetra_web_actions_total{code=\"%s\"} %" PRIu64 "\n",
						   codes->values[i].name, c->actions[v]);
	}
	t = talloc_asprintf_append(t, "tetra_web_actions_total{code=\"other\"} %" PRIu64 "\n",
				   c->actions[TW_ACTION_CODES]);
	t = talloc_strdup_append(t, "# HELP tetra_web_bridge_connected Whether the link to the bridge is up.\n"
				    "# TYPE tetra_web_bridge_connected gauge\n");
	for (unsigned i = 0; i < srv->n_links; i++) {
		char *name = label_value(t, tw_bridge_link_name(srv->links[i]));

		t = talloc_asprintf_append(t, "tetra_web_bridge_connected{bridge=\"%s\"} %d\n", name,
					   tw_bridge_link_connected(srv->links[i]));
	}
	return t;
}

static void scrape_finish(struct scrape *s)
{
	struct tw_req *r = s->r;
	struct tw_server *srv = r->srv;
	char *t = own_metrics(s, srv);
	const char *last = "";

	osmo_timer_del(&s->timer);
	for (unsigned i = 0; i < srv->n_links; i++) {
		if (s->bridge[i].id) {	/* still waiting: give up */
			tw_bridge_link_cancel(srv->links[i], s->bridge[i].id);
			s->bridge[i].id = 0;
			s->bridge[i].missing = talloc_asprintf(s, "no answer within %u s", TW_METRICS_WAIT_S);
		}
		if (s->bridge[i].missing)
			t = talloc_asprintf_append(t, "# bridge %s left out: %s\n", tw_bridge_link_name(srv->links[i]),
						   s->bridge[i].missing);
	}
	if (s->n_samples)
		qsort(s->samples, s->n_samples, sizeof(*s->samples), sample_cmp);
	for (size_t i = 0; i < s->n_samples; i++) {
		const struct sample *x = &s->samples[i];

		if (strcmp(x->name, last))
			t = talloc_asprintf_append(t, "# HELP %s %s\n# TYPE %s %s\n", x->name, x->help, x->name,
						   x->gauge ? "gauge" : "counter");
		t = talloc_asprintf_append(t, "%s{%s} %" PRId64 "\n", x->name, x->labels, x->value);
		last = x->name;
	}
	r->cancel = NULL;
	r->pending = NULL;
	r->no_store = true;
	if (t)
		tw_req_respond(r, 200, "text/plain; version=0.0.4; charset=utf-8", t, strlen(t));
	else
		tw_req_error(r, 500, "out of memory");
	talloc_free(s);
}

static void stats_reply(const Tetrabridge__V1__Reply *reply, const char *why, void *data);

struct stats_wait {
	struct scrape *s;
	unsigned i;
};

static void stats_reply_at(struct scrape *s, unsigned i, const Tetrabridge__V1__Reply *reply, const char *why)
{
	const char *bridge = tw_bridge_link_name(s->r->srv->links[i]);
	char *b = label_value(s, bridge);

	s->bridge[i].id = 0;
	s->waiting--;
	if (!reply || reply->result_case != TETRABRIDGE__V1__REPLY__RESULT_STATS || !reply->stats) {
		s->bridge[i].missing = talloc_asprintf(s, "%s", reply ? (reply->error[0] ? reply->error : "no stats in the reply")
								       : why ? why : "no reply");
	} else {
		const Tetrabridge__V1__StatsReport *st = reply->stats;

		s->samples = talloc_realloc(s, s->samples, struct sample, s->n_samples + st->n_values);
		for (size_t k = 0; s->samples && k < st->n_values; k++) {
			const Tetrabridge__V1__StatsValue *v = st->values[k];
			struct sample *x = &s->samples[s->n_samples++];
			char *full = talloc_asprintf(s, "tetra_bridge_%s_%s", v->group, v->name);

			x->name = sanitize(s, full);
			talloc_free(full);
			x->help = help_text(s, v->description[0] ? v->description : v->name);
			x->gauge = v->gauge;
			x->value = v->value;
			x->labels = talloc_asprintf(s, "bridge=\"%s\",index=\"%u\"", b, v->index);
			if (v->group_name[0])
				x->labels = talloc_asprintf_append(x->labels, ",name=\"%s\"",
								   label_value(s, v->group_name));
		}
	}
	if (!s->waiting)
		scrape_finish(s);
}

static void stats_reply(const Tetrabridge__V1__Reply *reply, const char *why, void *data)
{
	struct stats_wait *w = data;
	struct scrape *s = w->s;
	unsigned i = w->i;

	stats_reply_at(s, i, reply, why);
}

static void scrape_timeout(void *data)
{
	scrape_finish(data);
}

static void scrape_cancel(struct tw_req *r)
{
	struct scrape *s = r->pending;

	osmo_timer_del(&s->timer);
	for (unsigned i = 0; i < r->srv->n_links; i++) {
		if (s->bridge[i].id)
			tw_bridge_link_cancel(r->srv->links[i], s->bridge[i].id);
	}
	talloc_free(s);
}

static void metrics(struct tw_req *r)
{
	struct tw_server *srv = r->srv;
	char auth[512];
	struct tw_session *ss;
	struct scrape *s;

	tw_req_header(r->wsi, WSI_TOKEN_HTTP_AUTHORIZATION, auth, sizeof(auth));
	if (!token_ok(srv, auth)) {
		ss = tw_req_session(srv, r->wsi, true);
		if (!ss) {
			r->www_auth = true;
			tw_req_error(r, 401, "sign in as an admin, or send the metrics token (Authorization: Bearer)");
			return;
		}
		if (ss->role < TB_ROLE_ADMIN) {
			tw_req_error(r, 403, "only an admin may read the metrics");
			return;
		}
	}
	s = talloc_zero(r, struct scrape);
	s->r = r;
	osmo_timer_setup(&s->timer, scrape_timeout, s);
	r->pending = s;
	r->cancel = scrape_cancel;
	for (unsigned i = 0; i < srv->n_links; i++) {
		Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
		Tetrabridge__V1__StatsList list = TETRABRIDGE__V1__STATS_LIST__INIT;
		struct stats_wait *w = talloc_zero(s, struct stats_wait);
		const char *why = NULL;

		w->s = s;
		w->i = i;
		cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_STATS;
		cmd.stats = &list;
		s->bridge[i].id = tw_bridge_link_command(srv->links[i], &cmd, NULL, stats_reply, w, &why);
		if (s->bridge[i].id)
			s->waiting++;
		else
			s->bridge[i].missing = talloc_strdup(s, why ? why : "not connected");
	}
	if (!s->waiting) {
		scrape_finish(s);
		return;
	}
	osmo_timer_schedule(&s->timer, TW_METRICS_WAIT_S, 0);
}

void tw_health_handle(struct tw_req *r)
{
	if (r->method != TW_GET) {
		tw_req_error(r, 405, "use GET");
		return;
	}
	if (!strcmp(r->path, "/healthz"))
		healthz(r);
	else
		metrics(r);
}
