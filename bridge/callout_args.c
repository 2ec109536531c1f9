/* The call-out commands' arguments (see callout_args.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "bridge/callout_args.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <osmocom/core/talloc.h>

#include "codecs/text.h"

#define SSI_MAX 0xffffffu
#define MCC_MAX 1023u
#define MNC_MAX 16383u
/* A plan name is a config word; this only keeps nonsense out of sentences. */
#define PLAN_NAME_MAX 64

static int refuse(void *ctx, char **why, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(void *ctx, char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*why = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int tb_callout_arg_identity(const Tetrabridge__V1__Identity *pb, const char *what, struct tetra_identity *id,
			    void *ctx, char **why)
{
	memset(id, 0, sizeof(*id));
	if (!pb)
		return refuse(ctx, why, "%s is missing: give an SSI, a TSI or a group's GSSI", what);
	if (pb->ssi == 0 || pb->ssi > SSI_MAX)
		return refuse(ctx, why, "%s's SSI must be 1-16777215", what);
	switch (pb->type) {
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI:
		id->type = TETRA_ID_SSI;
		break;
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI:
		if (pb->mcc > MCC_MAX || pb->mnc > MNC_MAX)
			return refuse(ctx, why, "%s's TSI needs an MCC up to 1023 and an MNC up to 16383", what);
		id->type = TETRA_ID_TSI;
		id->mcc = (uint16_t)pb->mcc;
		id->mnc = (uint16_t)pb->mnc;
		break;
	default:
		return refuse(ctx, why, "%s must be an SSI or a TSI (identity type IDENTITY_SSI or IDENTITY_TSI)",
			      what);
	}
	id->ssi = pb->ssi;
	return 0;
}

static bool same_identity(const struct tetra_identity *a, const struct tetra_identity *b)
{
	return a->type == b->type && a->mcc == b->mcc && a->mnc == b->mnc && a->ssi == b->ssi;
}

/* Characters of valid UTF-8 s, or -1 when it is not valid. */
static long utf8_chars(const char *s)
{
	size_t len = strlen(s), i = 0;
	long n = 0;

	while (i < len) {
		size_t k = tetra_utf8_seq_len(s + i, len - i);
		if (!k)
			return -1;
		i += k;
		n++;
	}
	return n;
}

static int check_text(const char *text, void *ctx, char **why)
{
	long n;

	if (!text || !text[0])
		return refuse(ctx, why, "the text is empty: say in a few words what the call-out is for "
			      "(at most %u characters)", TB_CALLOUT_TEXT_MAX);
	n = utf8_chars(text);
	if (n < 0)
		return refuse(ctx, why, "the text is not valid UTF-8; send it as UTF-8");
	if (n > TB_CALLOUT_TEXT_MAX)
		return refuse(ctx, why, "the text has %ld characters; a call-out text has at most %u (one "
			      "screen of the terminal): shorten it", n, TB_CALLOUT_TEXT_MAX);
	return 0;
}

int tb_callout_arg_create(const Tetrabridge__V1__CalloutCreate *c, struct tb_callout_new *req,
			  struct tetra_identity *ids, void *ctx, char **why)
{
	char what[32];
	size_t i, k;
	int rc;

	memset(req, 0, sizeof(*req));
	if (!c->radio || !c->radio[0])
		return refuse(ctx, why, "which radio? set radio to one of the bridge's radios (`tetractl radios` "
			      "lists them)");
	if (c->severity < 1 || c->severity > 15)
		return refuse(ctx, why, "the severity must be 1-15 (the bridge's config names them); %u is not",
			      c->severity);
	if ((rc = check_text(c->text, ctx, why)))
		return rc;
	if (c->n_responders == 0)
		return refuse(ctx, why, "nobody to alert: name at least one responder (an ISSI, a TSI or a "
			      "group's GSSI)");
	if (c->n_responders > TB_CALLOUT_MAX_RESPONDERS)
		return refuse(ctx, why, "%zu responders named; a call-out alerts at most %u: alert a group "
			      "(GSSI) instead of its members", c->n_responders, TB_CALLOUT_MAX_RESPONDERS);
	for (i = 0; i < c->n_responders; i++) {
		snprintf(what, sizeof(what), "responder %zu", i + 1);
		if ((rc = tb_callout_arg_identity(c->responders[i], what, &ids[i], ctx, why)))
			return rc;
		for (k = 0; k < i; k++)
			if (same_identity(&ids[k], &ids[i]))
				return refuse(ctx, why, "responders %zu and %zu are the same; name each once",
					      k + 1, i + 1);
	}
	/* Whether that many can accept depends on the groups' members: the
	 * tracker knows the roster and checks it. */
	if (c->required > TB_CALLOUT_MAX_RESPONDERS)
		return refuse(ctx, why, "%u must accept: a call-out has at most %u responders", c->required,
			      TB_CALLOUT_MAX_RESPONDERS);
	switch (c->method) {
	case TETRABRIDGE__V1__ALERT_METHOD__ALERT_DEFAULT:
	case TETRABRIDGE__V1__ALERT_METHOD__ALERT_TEXT:
	case TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT:
		break;
	default:
		return refuse(ctx, why, "the alert method must be default, text or callout");
	}
	if (c->plan && c->plan[0] && (strlen(c->plan) > PLAN_NAME_MAX || !tetra_utf8_valid(c->plan, strlen(c->plan))))
		return refuse(ctx, why, "the plan must be the name of an escalation plan in the bridge's config "
			      "(a word of at most %u bytes)", PLAN_NAME_MAX);
	if (c->deadline_s && (c->deadline_s < 10 || c->deadline_s > 86400))
		return refuse(ctx, why, "the answer deadline must be 10-86400 seconds (or 0: the severity's); "
			      "%u is not", c->deadline_s);

	req->radio = c->radio;
	req->severity = c->severity;
	req->text = c->text;
	req->n_responders = (unsigned)c->n_responders;
	req->responders = ids;
	req->required = c->required;
	req->plan = c->plan && c->plan[0] ? c->plan : NULL;
	req->method = c->method;
	req->override = c->override;
	req->test = c->test;
	req->queue_if_offline = c->queue_if_offline;
	req->deadline_s = c->deadline_s;
	return 0;
}

int tb_callout_arg_id(uint64_t id, void *ctx, char **why)
{
	if (!id)
		return refuse(ctx, why, "which call-out? set id (`tetractl callout board` lists the open ones)");
	return 0;
}

int tb_callout_arg_reason(const char *reason, bool required, void *ctx, char **why)
{
	size_t len = reason ? strlen(reason) : 0;

	if (!len && required)
		return refuse(ctx, why, "say why (the reason goes into the call-out's history with your name), "
			      "e.g. \"confirmed by phone\"");
	if (len > TB_CALLOUT_REASON_MAX)
		return refuse(ctx, why, "the reason is %zu bytes; at most %u are kept: shorten it", len,
			      TB_CALLOUT_REASON_MAX);
	if (len && !tetra_utf8_valid(reason, len))
		return refuse(ctx, why, "the reason is not valid UTF-8; send it as UTF-8");
	return 0;
}

bool tb_callout_state_settable(tb_rstate s)
{
	switch (s) {
	case TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_ACCEPTED:
	case TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_STANDBY:
	case TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_DECLINED:
	case TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_EN_ROUTE:
	case TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_ON_SCENE:
	case TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_HANDED_OVER:
	case TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_DONE:
	case TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_NO_ANSWER:
		return true;
	default:
		return false;
	}
}

int tb_callout_arg_set(const Tetrabridge__V1__CalloutSetState *c, struct tetra_identity *id, void *ctx,
		       char **why)
{
	char name[32];
	int rc;

	if ((rc = tb_callout_arg_id(c->id, ctx, why)) ||
	    (rc = tb_callout_arg_identity(c->responder, "the responder", id, ctx, why)))
		return rc;
	if (!tb_callout_state_settable(c->state))
		return refuse(ctx, why, "a responder cannot be set to %s by hand; set accepted, standby, declined, "
			      "en route, on scene, handed over, done or no answer",
			      tb_callout_enum_words(&tetrabridge__v1__responder_state__descriptor, (int)c->state,
						    "RESPONDER_", name, sizeof(name)));
	return tb_callout_arg_reason(c->reason, true, ctx, why);
}

int tb_callout_arg_close(const Tetrabridge__V1__CalloutClose *c, void *ctx, char **why)
{
	int rc;

	if ((rc = tb_callout_arg_id(c->id, ctx, why)))
		return rc;
	switch (c->outcome) {
	case TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_TREATED_ON_SITE:
	case TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_HANDED_TO_AMBULANCE:
	case TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_HANDED_TO_DOCTOR:
	case TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_TRANSPORTED:
	case TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_NOT_NEEDED:
		break;
	default:
		return refuse(ctx, why, "how did it end? give an outcome: treated on site, handed to ambulance, "
			      "handed to doctor, transported or not needed (cancel a call-out that was never "
			      "needed)");
	}
	return tb_callout_arg_reason(c->reason, false, ctx, why);
}

const char *tb_callout_enum_words(const ProtobufCEnumDescriptor *d, int value, const char *prefix, char *buf,
				  size_t len)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
	const char *s;
	size_t i;

	if (!v) {
		snprintf(buf, len, "value %d", value);
		return buf;
	}
	s = v->name;
	if (prefix && !strncmp(s, prefix, strlen(prefix)))
		s += strlen(prefix);
	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = s[i] == '_' ? ' ' : (char)tolower((unsigned char)s[i]);
	if (len)
		buf[i < len ? i : len - 1] = '\0';
	return buf;
}

/* ---- paging ------------------------------------------------------------- */

size_t tb_callout_page_cost(size_t len)
{
	size_t n = 1 + 1;	/* tag of a field 1-15, the first length byte */

	for (size_t v = len >> 7; v; v >>= 7)
		n++;
	return n + len;
}

bool tb_callout_page_take(struct tb_callout_page *p, size_t len)
{
	size_t cost = tb_callout_page_cost(len);

	if (p->n && (p->bytes + cost > p->max_bytes || (p->max_n && p->n >= p->max_n)))
		return false;
	p->bytes += cost;
	p->n++;
	return true;
}
