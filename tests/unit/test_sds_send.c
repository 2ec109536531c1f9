/* radio-drivers/sds_send.c: the TNSDS-SEND exchange with a terminal.
 *
 * The real AT engine with a scripted terminal: each case is a transcript of
 * what the bridge asks, what it writes to the terminal, what the terminal
 * answers, how much (fake) time passes, and which TNSDS-SEND.conf
 * primitives come up. Steps:
 *
 *   "req status 1234 to ssi 42"  a request (status or "sds" with 16 bits
 *                                of user data 0x8200); "= -EBUSY" etc.
 *                                after it: the return code wanted
 *   "> AT+CTSDS=13,0"            the bridge wrote this line (CR added)
 *   "< OK"                       the terminal prints this line (CR LF)
 *   "<prompt"                    the terminal prints its "> " prompt
 *   "> 04D2^Z"                   the user data and Ctrl-Z were written
 *   "+ 3000"                     fake time passes (ms)
 *   "rel" / "up" / "down"        release the handle, the link's state
 *   "reset"                      the AT engine is reset (the link broke)
 *   "conf TAKEN inst=7"          a confirm came up, printed as below
 *
 * After the last step nothing more may have been written or confirmed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <cmocka.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "codecs/pei_urc.h"
#include "common/logging.h"
#include "radio-drivers/at_engine.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/sds_send.h"
#include "tests/lib/fake_time.h"

#define HANDLE 0x1122334455667788ull

static struct {
	void *ctx;
	struct tb_at_engine *at;
	struct tb_sds_send *s;
	char written[4096];
	size_t wlen, wread;	/* bytes written, bytes the script has checked */
	char confs[16][160];
	char reasons[16][100];	/* the reason of each confirm */
	unsigned n_confs, confs_read;
} fx;

static int write_cb(const uint8_t *buf, size_t len, void *data)
{
	assert_true(fx.wlen + len < sizeof(fx.written));
	memcpy(fx.written + fx.wlen, buf, len);
	fx.wlen += len;
	fx.written[fx.wlen] = '\0';
	return 0;
}

/* What the link does with a result code: an air result goes to the sender. */
static void urc_cb(const char *line, size_t len, const char *data_line, size_t data_len, void *data)
{
	struct tetra_prim p;

	if (tetra_pei_decode(line, len, data_line, data_len, &p) == TETRA_OK && p.oph.sap == TETRA_SAP_TNSDS &&
	    p.oph.primitive == TETRA_TNSDS_SEND_RESULT)
		tb_sds_send_air_result(fx.s, &p.u.send_result);
}

static const char *state_name(unsigned st)
{
	static const char *const n[] = { "TAKEN", "SENT", "FAILED" };

	return st < 3 ? n[st] : "?";
}

static const char *cause_name(unsigned c)
{
	static const char *const n[] = { "ok", "busy", "no-answer", "link-lost", "refused", "air-failed" };

	return c < 6 ? n[c] : "?";
}

static void up_cb(const struct tetra_prim *prim, void *data)
{
	const struct tetra_sds_send_cnf *c = &prim->u.sds_send_cnf;
	char *out;

	assert_int_equal(prim->oph.sap, TETRA_SAP_TNSDS);
	assert_int_equal(prim->oph.primitive, TETRA_TNSDS_SEND);
	assert_int_equal(prim->oph.operation, PRIM_OP_CONFIRM);
	assert_true(c->handle == HANDLE);
	assert_true(fx.n_confs < 16);
	out = fx.confs[fx.n_confs++];
	switch (c->state) {
	case TETRA_SDS_SEND_TAKEN:
		snprintf(out, 160, "TAKEN inst=%d", c->sds_inst);
		break;
	case TETRA_SDS_SEND_SENT:
		snprintf(out, 160, "SENT inst=%d%s", c->sds_inst, c->assumed ? " assumed" : "");
		snprintf(fx.reasons[fx.n_confs - 1], sizeof(fx.reasons[0]), "%s", c->reason);
		break;
	default:
		snprintf(out, 160, "%s %s cme=%d air=%d submitted=%d: %s", state_name(c->state),
			 cause_name(c->cause), c->cme, c->air_status, c->submitted, c->reason);
		break;
	}
}

static int setup(void **state)
{
	static const struct tb_at_callbacks cbs = { .write = write_cb, .urc = urc_cb };

	memset(&fx, 0, sizeof(fx));
	tb_fake_time_start();
	osmo_tdefs_reset(tb_sds_send_tdefs);
	osmo_tdefs_reset(tb_radio_link_tdefs);
	fx.ctx = talloc_named_const(NULL, 0, "test");
	fx.at = tb_at_alloc(fx.ctx, &cbs, NULL);
	fx.s = tb_sds_send_alloc(fx.ctx, "r1", fx.at, up_cb, NULL);
	assert_non_null(fx.s);
	tb_sds_send_link_up(fx.s, true);
	return 0;
}

static int teardown(void **state)
{
	tb_sds_send_destroy(&fx.s);
	assert_null(fx.s);
	talloc_free(fx.ctx);
	tb_fake_time_stop();
	return 0;
}

static void feed(const char *s)
{
	tb_at_feed(fx.at, (const uint8_t *)s, strlen(s));
}

static int request(const char *spec)
{
	struct tetra_sds_send_req req;
	char kind[16], idtype[8];
	unsigned value, id;

	memset(&req, 0, sizeof(req));
	req.handle = HANDLE;
	assert_int_equal(sscanf(spec, "req %15s %u to %7s %u", kind, &value, idtype, &id), 4);
	if (strcmp(idtype, "tsi") == 0) {
		req.to.type = TETRA_ID_TSI;
		req.to.mcc = 242;
		req.to.mnc = 1;
		req.to.ssi = id;
	} else if (strcmp(idtype, "ssi") == 0) {
		req.to.type = TETRA_ID_SSI;
		req.to.ssi = id;
	} else {
		req.to.type = TETRA_ID_NONE;
	}
	req.bits = 16;
	req.data[0] = (uint8_t)(value >> 8);
	req.data[1] = (uint8_t)value;
	req.ai_service = strcmp(kind, "status") == 0 ? TETRA_AI_STATUS : TETRA_AI_SDS_TYPE4;
	if (strcmp(kind, "empty") == 0)
		req.bits = 0;
	return tb_sds_send_request(fx.s, &req);
}

static void expect_written(const char *want)
{
	char buf[600];
	size_t n;

	/* "^Z" stands for Ctrl-Z; a line of the bridge's ends in CR. */
	snprintf(buf, sizeof(buf), "%s", want);
	n = strlen(buf);
	if (n >= 2 && strcmp(buf + n - 2, "^Z") == 0) {
		buf[n - 2] = 0x1a;
		buf[n - 1] = '\0';
	} else {
		strcat(buf, "\r");
	}
	n = strlen(buf);
	if (fx.wlen - fx.wread < n || memcmp(fx.written + fx.wread, buf, n) != 0)
		fail_msg("wanted written \"%s\", have \"%s\"", want, fx.written + fx.wread);
	fx.wread += n;
}

static void run(const char *const *script)
{
	for (const char *const *st = script; *st; st++) {
		const char *s = *st;
		char line[300];

		if (strncmp(s, "req ", 4) == 0) {
			const char *eq = strstr(s, " = ");
			int rc = request(s);

			if (eq) {
				int want = strcmp(eq + 3, "-EBUSY") == 0 ? -EBUSY
					 : strcmp(eq + 3, "-ENOTCONN") == 0 ? -ENOTCONN : -EINVAL;
				assert_int_equal(rc, want);
			} else {
				assert_int_equal(rc, 0);
			}
		} else if (strncmp(s, "> ", 2) == 0) {
			expect_written(s + 2);
		} else if (strcmp(s, "<prompt") == 0) {
			feed("\r\n> ");
		} else if (strncmp(s, "< ", 2) == 0) {
			snprintf(line, sizeof(line), "%s\r\n", s + 2);
			feed(line);
		} else if (strncmp(s, "+ ", 2) == 0) {
			tb_fake_time_advance_ms((unsigned)atoi(s + 2));
		} else if (strcmp(s, "rel") == 0) {
			tb_sds_send_release(fx.s, HANDLE);
		} else if (strcmp(s, "up") == 0 || strcmp(s, "down") == 0) {
			tb_sds_send_link_up(fx.s, s[0] == 'u');
		} else if (strcmp(s, "reset") == 0) {
			tb_at_reset(fx.at);
		} else if (strcmp(s, "idle") == 0) {
			assert_true(tb_sds_send_idle(fx.s));
		} else if (strcmp(s, "busy") == 0) {
			assert_false(tb_sds_send_idle(fx.s));
		} else if (strncmp(s, "conf ", 5) == 0) {
			if (fx.confs_read >= fx.n_confs)
				fail_msg("wanted confirm \"%s\", have none", s + 5);
			assert_string_equal(fx.confs[fx.confs_read], s + 5);
			fx.confs_read++;
		} else {
			fail_msg("bad step \"%s\"", s);
		}
	}
	if (fx.wread != fx.wlen)
		fail_msg("also written: \"%s\"", fx.written + fx.wread);
	if (fx.confs_read != fx.n_confs)
		fail_msg("also confirmed: \"%s\"", fx.confs[fx.confs_read]);
}

#define SCRIPT(...) do { static const char *const s[] = { __VA_ARGS__, NULL }; run(s); } while (0)

/* ---- cases -------------------------------------------------------------------- */

static void test_status_to_ssi(void **state)
{
	SCRIPT("req status 1234 to ssi 42", "busy", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt",
	       "> 04D2^Z", "< +CMGS: 7", "< OK", "conf TAKEN inst=7", "busy", "< +CMGS: 7,4",
	       "conf SENT inst=7", "idle");
}

static void test_sds_to_tsi(void **state)
{
	/* A TSI is called as MCC (4 digits) MNC (5) SSI (8). */
	SCRIPT("req sds 33280 to tsi 7654321", "> AT+CTSDS=12,1,0,0,1", "< OK",
	       "> AT+CMGS=02420000107654321,16", "<prompt", "> 8200^Z", "< +CMGS: 0", "< OK",
	       "conf TAKEN inst=0", "< +CMGS: 0,4", "conf SENT inst=0", "idle");
}

static void test_one_in_flight(void **state)
{
	SCRIPT("req status 1 to ssi 42", "req status 2 to ssi 43 = -EBUSY", "> AT+CTSDS=13,0", "< OK",
	       "> AT+CMGS=42,16", "<prompt", "> 0001^Z", "< +CMGS: 3", "< OK", "conf TAKEN inst=3",
	       "req status 2 to ssi 43 = -EBUSY", "< +CMGS: 3,4", "conf SENT inst=3",
	       "req status 2 to ssi 43", "> AT+CTSDS=13,0");
}

static void test_refused_requests(void **state)
{
	SCRIPT("req status 1 to none 42 = -EINVAL", "req empty 1 to ssi 42 = -EINVAL", "down",
	       "req status 1 to ssi 42 = -ENOTCONN", "idle");
}

static void test_busy_at_ctsds(void **state)
{
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< +CME ERROR: 42",
	       "conf FAILED busy cme=42 air=-1 submitted=0: the terminal is busy transmitting", "idle");
}

static void test_busy_at_cmgs(void **state)
{
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< +CME ERROR: 42",
	       "conf FAILED busy cme=42 air=-1 submitted=1: the terminal is busy transmitting", "idle");
}

static void test_refused(void **state)
{
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< ERROR",
	       "conf FAILED refused cme=-1 air=-1 submitted=0: the terminal refused it (ERROR)",
	       "req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< +CME ERROR: 35",
	       "conf FAILED refused cme=35 air=-1 submitted=1: the terminal refused it: "
	       "syntax error (+CME ERROR 35)", "idle");
}

static void test_no_answer(void **state)
{
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "+ 2999", "busy", "+ 1",
	       "conf FAILED no-answer cme=-1 air=-1 submitted=0: the terminal did not answer", "idle");
}

static void test_link_lost(void **state)
{
	/* The AT engine's reset fails the command written. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "down", "reset",
	       "conf FAILED link-lost cme=-1 air=-1 submitted=0: the link to the terminal was lost", "idle");
}

static void test_link_lost_between_commands(void **state)
{
	/* AT+CTSDS answered, but the link is no longer up: no AT+CMGS. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "down", "< OK",
	       "conf FAILED link-lost cme=-1 air=-1 submitted=0: the link to the terminal was lost", "idle");
}

static void test_air_failed(void **state)
{
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< +CMGS: 9", "< OK", "conf TAKEN inst=9", "< +CMGS: 8,4", "busy", "< +CMGS: 9,5",
	       "conf FAILED air-failed cme=-1 air=5 submitted=1: the terminal could not send it over the air",
	       "idle");
}

static void test_air_wait(void **state)
{
	/* X15 (30 s): a terminal that never reports the air send. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< +CMGS: 2", "< OK", "conf TAKEN inst=2", "+ 29999", "busy", "+ 1", "conf SENT inst=2 assumed",
	       "idle");
	assert_string_equal(fx.reasons[1], "the terminal did not say within 30 s whether it went over the air");
}

static void test_air_wait_from_table(void **state)
{
	static struct osmo_tdef t[] = { { .T = TB_T_AIR_WAIT, .default_val = 5, .unit = OSMO_TDEF_S }, {} };

	osmo_tdefs_reset(t);
	tb_sds_send_set_tdefs(fx.s, t);
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< +CMGS: 2", "< OK", "conf TAKEN inst=2", "+ 4999", "busy", "+ 1", "conf SENT inst=2 assumed");
}

static void test_link_lost_waiting_for_air(void **state)
{
	/* Nothing the terminal prints while the link is down arrives: waiting
	 * on would only hold up the next SDS. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< +CMGS: 3", "< OK", "conf TAKEN inst=3", "down", "conf SENT inst=3 assumed", "idle",
	       "+ 60000");
	assert_string_equal(fx.reasons[1], "the link to the terminal was lost before it said whether the message "
			    "went over the air");
}

static void test_stale_air_result_is_not_the_answer(void **state)
{
	/* Another SDS's "+CMGS: <inst>,<status>" among the answer's lines. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< +CMGS: 4,4", "< +CMGS: 5", "< OK", "conf TAKEN inst=5", "< +CMGS: 5,4", "conf SENT inst=5");
}

static void test_no_instance(void **state)
{
	/* A terminal that names no instance: only the air wait ends it. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< OK", "conf TAKEN inst=-1", "< +CMGS: 0,4", "busy", "+ 30000", "conf SENT inst=-1 assumed");
}

static void test_release(void **state)
{
	/* Waiting for the air result: released, idle at once, nothing more. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "<prompt", "> 0001^Z",
	       "< +CMGS: 1", "< OK", "conf TAKEN inst=1", "rel", "idle", "< +CMGS: 1,4", "+ 60000");
	/* Waiting for AT+CTSDS: its answer ends it, no AT+CMGS. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "rel", "busy", "< OK", "idle");
	/* Waiting for AT+CMGS: its answer ends it silently. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0", "< OK", "> AT+CMGS=42,16", "rel", "<prompt",
	       "> 0001^Z", "< +CMGS: 1", "< OK", "idle");
}

static void test_release_other_handle(void **state)
{
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0");
	tb_sds_send_release(fx.s, HANDLE + 1);
	SCRIPT("busy", "< OK", "> AT+CMGS=42,16");
}

static void test_destroy_while_waiting(void **state)
{
	/* Freed with a command outstanding: no confirm afterwards. */
	SCRIPT("req status 1 to ssi 42", "> AT+CTSDS=13,0");
	tb_sds_send_destroy(&fx.s);
	tb_at_reset(fx.at);
	assert_int_equal(fx.n_confs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_to_ssi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sds_to_tsi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_at_ctsds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_at_cmgs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_lost_between_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_air_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_air_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_air_wait_from_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_lost_waiting_for_air, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_air_result_is_not_the_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_instance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_other_handle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_while_waiting, setup, teardown),
	};
	void *root = talloc_named_const(NULL, 0, "root");

	osmo_init_logging2(root, &tb_log_info);
	log_set_print_category(osmo_stderr_target, 1);
	log_parse_category_mask(osmo_stderr_target, "DSDS,8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
