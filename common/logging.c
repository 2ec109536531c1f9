/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/logging.h"

#include <errno.h>
#include <osmocom/core/application.h>
#include <osmocom/core/utils.h>

#include "common/log_context.h"

static const struct log_info_cat tb_log_cats[] = {
	[DMAIN] = { .name = "DMAIN", .description = "Start-up, shutdown, configuration",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DRADIO] = { .name = "DRADIO", .description = "Radio links: open, init, keep-alive, reopen",
		     .enabled = 1, .loglevel = LOGL_NOTICE },
	[DPEI] = { .name = "DPEI", .description = "PEI framing and AT commands",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSDS] = { .name = "DSDS", .description = "Status and short data service",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DCC] = { .name = "DCC", .description = "Call control",
		  .enabled = 1, .loglevel = LOGL_NOTICE },
	[DIPC] = { .name = "DIPC", .description = "ZeroMQ events and commands",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSIM] = { .name = "DSIM", .description = "Simulated terminals",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DUSB] = { .name = "DUSB", .description = "USB terminals (libusb)",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DJOURNAL] = { .name = "DJOURNAL", .description = "Journal and outgoing queue store (SQLite)",
		       .enabled = 1, .loglevel = LOGL_NOTICE },
	[DCALLOUT] = { .name = "DCALLOUT", .description = "Call-out tracking: responders, escalation",
		       .enabled = 1, .loglevel = LOGL_NOTICE },
	[DWEB] = { .name = "DWEB", .description = "tetra-web: HTTP, WebSocket, sign-in, actions",
		   .enabled = 1, .loglevel = LOGL_INFO },
};

const struct log_info tb_log_info = {
	/* `logging filter radio NAME` (common/log_context.h) */
	.filter_fn = tb_log_filter,
	.cat = tb_log_cats,
	.num_cat = ARRAY_SIZE(tb_log_cats),
};

int tb_logging_init(void *ctx)
{
	if (osmo_init_logging2(ctx, &tb_log_info) < 0)
		return -ENOMEM;
	log_set_print_category(osmo_stderr_target, 1);
	log_set_print_category_hex(osmo_stderr_target, 0);
	log_set_print_level(osmo_stderr_target, 1);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	return 0;
}
