/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/log_context.h"

#include <string.h>
#include <osmocom/core/talloc.h>

static struct tb_log_ctx current;

static void set(const struct tb_log_ctx *c)
{
	current = *c;
	log_set_context(TB_LOG_CTX_RADIO, (void *)c->radio);
}

struct tb_log_ctx tb_log_ctx_get(void)
{
	return current;
}

struct tb_log_ctx tb_log_radio_enter(const char *radio)
{
	struct tb_log_ctx saved = current;
	const struct tb_log_ctx c = { .radio = radio };

	set(&c);
	return saved;
}

struct tb_log_ctx tb_log_event_enter(const char *radio, uint64_t seq, const char *kind)
{
	struct tb_log_ctx saved = current;
	const struct tb_log_ctx c = {
		.radio = radio && *radio ? radio : current.radio,
		.seq = seq,
		.kind = kind,
	};

	set(&c);
	return saved;
}

void tb_log_ctx_restore(const struct tb_log_ctx *saved)
{
	set(saved);
}

void tb_log_filter_radio_set(struct log_target *tgt, const char *name)
{
	talloc_free(tgt->filter_data[TB_LOG_FLT_RADIO]);
	tgt->filter_data[TB_LOG_FLT_RADIO] = NULL;
	tgt->filter_map &= ~(1 << TB_LOG_FLT_RADIO);
	if (!name)
		return;
	/* Owned by the target: freed with it. */
	tgt->filter_data[TB_LOG_FLT_RADIO] = talloc_strdup(tgt, name);
	if (!tgt->filter_data[TB_LOG_FLT_RADIO])
		return;
	tgt->filter_map |= 1 << TB_LOG_FLT_RADIO;
	log_set_all_filter(tgt, 0);
}

const char *tb_log_filter_radio(const struct log_target *tgt)
{
	if (!(tgt->filter_map & (1 << TB_LOG_FLT_RADIO)))
		return NULL;
	return tgt->filter_data[TB_LOG_FLT_RADIO];
}

int tb_log_filter(const struct log_context *ctx, struct log_target *tgt)
{
	const char *want = tb_log_filter_radio(tgt);
	const char *radio = ctx->ctx[TB_LOG_CTX_RADIO];

	if (!want)
		return 1;
	return radio && strcmp(radio, want) == 0;
}
