/* The bridge's health for a monitoring check; see health.h.
 *
 * Everything is read from what the parts keep anyway (the links' state,
 * the journal's stats, the queues, the call-out board): asking costs a walk
 * over the radios, their queues and the open call-outs, nothing is stored
 * for it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/health.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "bridge/bridge.h"
#include "bridge/callout.h"
#include "bridge/callout_config.h"
#include "bridge/journal.h"
#include "bridge/outbox.h"
#include "bridge/radio.h"
#include "common/counters.h"
#include "radio-drivers/radio_link.h"

#define HS(x) TETRABRIDGE__V1__HEALTH_STATUS__HEALTH_##x
#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x

const char *tb_health_status_name(Tetrabridge__V1__HealthStatus s)
{
	switch (s) {
	case HS(OK):
		return "OK";
	case HS(WARNING):
		return "WARNING";
	case HS(CRITICAL):
		return "CRITICAL";
	default:
		return "UNKNOWN";
	}
}

struct builder {
	Tetrabridge__V1__HealthReport *hr;
	void *ctx;
	bool nomem;
};

/* Cut s to at most max bytes without splitting a UTF-8 character. */
static void cut_utf8(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

/* One problem; the worst are kept when there are too many. */
static void problem(struct builder *bl, Tetrabridge__V1__HealthStatus status, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void problem(struct builder *bl, Tetrabridge__V1__HealthStatus status, const char *check, const char *fmt, ...)
{
	Tetrabridge__V1__HealthReport *hr = bl->hr;
	Tetrabridge__V1__HealthProblem *p;
	size_t at;
	va_list ap;

	if (status > hr->status)
		hr->status = status;
	if (hr->n_problems == TB_HEALTH_MAX_PROBLEMS) {
		/* Full: counted; a worse one takes the place of the last (the
		 * least bad, the problems being worst first). */
		hr->problems_left_out++;
		if (hr->problems[hr->n_problems - 1]->status >= status)
			return;
		talloc_free(hr->problems[--hr->n_problems]);
	}
	p = talloc_zero(hr->problems, Tetrabridge__V1__HealthProblem);
	if (!p) {
		bl->nomem = true;
		return;
	}
	tetrabridge__v1__health_problem__init(p);
	p->status = status;
	p->check = (char *)check;
	va_start(ap, fmt);
	p->text = talloc_vasprintf(p, fmt, ap);
	va_end(ap);
	if (!p->text) {
		talloc_free(p);
		bl->nomem = true;
		return;
	}
	cut_utf8(p->text, TB_HEALTH_MAX_TEXT);
	/* Worst first; in the order found within one status. */
	for (at = hr->n_problems; at > 0 && hr->problems[at - 1]->status < status; at--)
		;
	memmove(&hr->problems[at + 1], &hr->problems[at], (hr->n_problems - at) * sizeof(hr->problems[0]));
	hr->problems[at] = p;
	hr->n_problems++;
}

static bool radio_up(const struct tb_radio *r)
{
	return r->link && tb_radio_link_is_up(r->link);
}

static void check_radios(struct builder *bl, struct tb_bridge *b)
{
	Tetrabridge__V1__HealthReport *hr = bl->hr;
	Tetrabridge__V1__HealthStatus status;
	struct tb_radio *r;

	llist_for_each_entry(r, &b->radios, entry) {
		hr->radios_configured++;
		hr->radios_online += radio_up(r);
	}
	/* None online: nothing is heard or sent at all. */
	status = hr->radios_online == 0 ? HS(CRITICAL) : HS(WARNING);
	llist_for_each_entry(r, &b->radios, entry) {
		const char *why = r->link ? tb_radio_link_last_error(r->link) : "";

		if (radio_up(r))
			continue;
		problem(bl, status, "radios", "radio %s is offline (%s)%s", r->name,
			why && *why ? why : "it has not answered yet",
			hr->radios_online ? "" : ": no radio is online, nothing is received or sent");
	}
}

static void check_journal(struct builder *bl, struct tb_bridge *b)
{
	Tetrabridge__V1__HealthReport *hr = bl->hr;
	uint64_t backlog, lost;

	if (!b->journal) {
		problem(bl, HS(CRITICAL), "journal", "the journal is not open: events are not stored");
		return;
	}
	backlog = (uint64_t)tb_stat_get(tb_journal_stat_items(b->journal), TB_JOURNAL_STAT_BACKLOG);
	lost = tb_ctr_get(tb_journal_ctrs(b->journal), TB_JOURNAL_CTR_LOST);
	hr->journal_open = true;
	hr->journal_backlog = backlog;
	hr->journal_lost = lost;
	hr->journal_last_seq = tb_journal_last_seq(b->journal);
	if (backlog)
		problem(bl, HS(CRITICAL), "journal", "the journal cannot write: %" PRIu64 " events wait in memory "
			"(room for %u)%s; free space on the disk that holds %s", backlog, TB_JOURNAL_BACKLOG_MAX,
			lost ? ", some were lost already" : "", b->state_dir);
}

static void check_outgoing(struct builder *bl, struct tb_bridge *b, uint64_t now_us)
{
	Tetrabridge__V1__HealthReport *hr = bl->hr;
	struct tb_radio *r;

	llist_for_each_entry(r, &b->radios, entry) {
		struct tb_outbox_health oh;

		tb_outbox_health(r->outbox, now_us, &oh);
		hr->messages_waiting += oh.waiting;
		hr->messages_retrying += oh.retrying;
		hr->messages_overdue += oh.overdue;
		if (oh.retrying && oh.overdue)
			problem(bl, HS(WARNING), "outgoing", "radio %s: %u outgoing messages retrying and %u past their "
				"deadline or report wait", r->name, oh.retrying, oh.overdue);
		else if (oh.retrying)
			problem(bl, HS(WARNING), "outgoing", "radio %s: %u outgoing message%s retrying (the terminal "
				"is busy, does not answer or is offline)", r->name, oh.retrying, oh.retrying == 1 ? "" : "s");
		else if (oh.overdue)
			problem(bl, HS(WARNING), "outgoing", "radio %s: %u outgoing message%s past %s deadline or "
				"report wait", r->name, oh.overdue, oh.overdue == 1 ? "" : "s",
				oh.overdue == 1 ? "its" : "their");
	}
}

static bool callout_open(const struct tb_callout *co)
{
	return co->fi && co->fi->state != CST(CLOSED) && co->fi->state != CST(CANCELLED);
}

/* Minutes since the call-out was created, for the sentence. */
static uint64_t open_min(const struct tb_callout *co, uint64_t now_us)
{
	return now_us > co->created_us ? (now_us - co->created_us) / 60000000u : 0;
}

static void check_callouts(struct builder *bl, struct tb_bridge *b, uint64_t now_us)
{
	Tetrabridge__V1__HealthReport *hr = bl->hr;
	struct tb_callout_stats cs;
	struct tb_callout *co;

	if (!b->callouts)
		return;
	tb_callout_stats(b->callouts, &cs);
	hr->callouts_open = cs.open;
	hr->callouts_overdue = cs.overdue;
	hr->callouts_escalated = cs.escalated;
	hr->callouts_alarms = cs.alarms;
	llist_for_each_entry(co, tb_callout_board(b->callouts), entry) {
		if (!callout_open(co))
			continue;
		if (co->alarm)
			problem(bl, HS(CRITICAL), "callouts", "call-out %" PRIu64 " (%s%s, via %s, open %" PRIu64 " min): "
				"the escalation alarm is on and not acknowledged: too few responders accepted",
				co->id, tb_severity_name(b->callout_cfg, co->severity), co->test ? ", a test" : "",
				co->radio, open_min(co, now_us));
		if (co->overdue)
			problem(bl, HS(WARNING), "callouts", "call-out %" PRIu64 " (%s%s, via %s, open %" PRIu64 " min) "
				"is overdue: nobody on scene within its target", co->id,
				tb_severity_name(b->callout_cfg, co->severity), co->test ? ", a test" : "", co->radio,
				open_min(co, now_us));
	}
}

Tetrabridge__V1__HealthReport *tb_health_report(struct tb_bridge *b, uint64_t now_us, void *ctx)
{
	struct builder bl = { .ctx = ctx };
	Tetrabridge__V1__HealthReport *hr = talloc_zero(ctx, Tetrabridge__V1__HealthReport);

	if (!hr)
		return NULL;
	tetrabridge__v1__health_report__init(hr);
	hr->status = HS(OK);
	hr->problems = talloc_zero_array(hr, Tetrabridge__V1__HealthProblem *, TB_HEALTH_MAX_PROBLEMS);
	if (!hr->problems) {
		talloc_free(hr);
		return NULL;
	}
	bl.hr = hr;
	check_radios(&bl, b);
	check_journal(&bl, b);
	check_outgoing(&bl, b, now_us);
	check_callouts(&bl, b, now_us);
	if (bl.nomem) {
		talloc_free(hr);
		return NULL;
	}
	return hr;
}

void tb_health_command(struct tb_bridge *b, Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct timeval tv;

	osmo_gettimeofday(&tv, NULL);
	reply->health = tb_health_report(b, (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec, tmp);
	if (!reply->health) {
		reply->code = TETRABRIDGE__V1__REPLY__CODE__INTERNAL;
		reply->error = "out of memory";
		return;
	}
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_HEALTH;
}
