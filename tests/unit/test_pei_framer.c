/* Unit tests: PEI byte framer.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "codecs/pei_framer.h"

#define MAX_LINES 16

struct collect {
	unsigned n;
	char lines[MAX_LINES][TB_PEI_LINE_MAX + 1];
	size_t lens[MAX_LINES];
	/* reset the framer from inside the callback when this line is seen */
	const char *reset_on;
	struct tb_pei_framer *f;
};

static void collect_cb(const char *line, size_t len, void *data)
{
	struct collect *c = data;

	assert_int_equal(line[len], '\0');
	assert_true(len > 0);
	assert_int_equal(strlen(line), len);
	assert_true(c->n < MAX_LINES);
	memcpy(c->lines[c->n], line, len + 1);
	c->lens[c->n] = len;
	c->n++;
	if (c->reset_on && strcmp(line, c->reset_on) == 0)
		tb_pei_framer_reset(c->f);
}

static void setup_framer(struct tb_pei_framer *f, struct collect *c)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	tb_pei_framer_init(f, collect_cb, c);
}

static void feed_str(struct tb_pei_framer *f, const char *s)
{
	tb_pei_framer_feed(f, (const uint8_t *)s, strlen(s));
}

static void expect_lines(const struct collect *c, const char *const *want, unsigned n)
{
	assert_int_equal(c->n, n);
	for (unsigned i = 0; i < n; i++)
		assert_string_equal(c->lines[i], want[i]);
}

static void test_terminators(void **state)
{
	struct tb_pei_framer f;
	struct collect c;
	static const char *const want[] = { "a", "b", "c", "d", "e" };

	setup_framer(&f, &c);
	feed_str(&f, "a\r\nb\rc\nd\r\n\r\n\n\r\re\r\n");
	expect_lines(&c, want, 5);
	assert_int_equal(f.stats.lines, 5);
	assert_int_equal(f.stats.bytes, strlen("a\r\nb\rc\nd\r\n\r\n\n\r\re\r\n"));
	assert_int_equal(f.stats.garbage, 0);
	/* A CR LF pair split across reads still gives one line. */
	feed_str(&f, "f\r");
	feed_str(&f, "\ng");
	assert_int_equal(c.n, 6);
	assert_string_equal(c.lines[5], "f");
	/* No terminator yet: nothing. */
	assert_int_equal(c.n, 6);
	feed_str(&f, "\n");
	assert_int_equal(c.n, 7);
	assert_string_equal(c.lines[6], "g");
}

static const char transcript[] =
	"AT+CNUMF?\r\r\n+CNUMF: 6,09011638300023404\r\n\r\nOK\r\n"
	"\r\n+CTSDSR: 12,1234567,0,2345678,0,104\r\n0201746573746D657373616765\r\n"
	"+CTXG: 1,3,0,0,3,09011638300023404\n"
	"\r\n+CME ERROR: 42\r";
static const char *const transcript_lines[] = {
	"AT+CNUMF?", "+CNUMF: 6,09011638300023404", "OK",
	"+CTSDSR: 12,1234567,0,2345678,0,104", "0201746573746D657373616765",
	"+CTXG: 1,3,0,0,3,09011638300023404", "+CME ERROR: 42",
};

static void test_every_split(void **state)
{
	size_t len = strlen(transcript);
	unsigned n = sizeof(transcript_lines) / sizeof(transcript_lines[0]);

	/* One read, and two reads at every split point. */
	for (size_t cut = 0; cut <= len; cut++) {
		struct tb_pei_framer f;
		struct collect c;
		setup_framer(&f, &c);
		tb_pei_framer_feed(&f, (const uint8_t *)transcript, cut);
		tb_pei_framer_feed(&f, (const uint8_t *)transcript + cut, len - cut);
		expect_lines(&c, transcript_lines, n);
		assert_int_equal(f.stats.bytes, len);
	}
	/* Three reads at every pair of split points. */
	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b++) {
			struct tb_pei_framer f;
			struct collect c;
			setup_framer(&f, &c);
			tb_pei_framer_feed(&f, (const uint8_t *)transcript, a);
			tb_pei_framer_feed(&f, (const uint8_t *)transcript + a, b - a);
			tb_pei_framer_feed(&f, (const uint8_t *)transcript + b, len - b);
			expect_lines(&c, transcript_lines, n);
		}
	}
	/* Byte by byte. */
	{
		struct tb_pei_framer f;
		struct collect c;
		setup_framer(&f, &c);
		for (size_t i = 0; i < len; i++)
			tb_pei_framer_feed(&f, (const uint8_t *)transcript + i, 1);
		expect_lines(&c, transcript_lines, n);
		assert_int_equal(f.stats.lines, n);
	}
}

static void test_garbage(void **state)
{
	struct tb_pei_framer f;
	struct collect c;
	static const uint8_t in[] = { 'O', 0x00, 'K', '\r', '\n', 0x1a, 0x1b, 0x7f, 0x01,
				      'a', '\t', 'b', 0xe6, '\r', 0x00, '\n' };

	setup_framer(&f, &c);
	tb_pei_framer_feed(&f, in, sizeof(in));
	assert_int_equal(c.n, 2);
	assert_string_equal(c.lines[0], "OK");
	/* TAB and bytes >= 0x80 are kept. */
	assert_string_equal(c.lines[1], "a\tb\xe6");
	assert_int_equal(f.stats.garbage, 6);
	/* A line of nothing but garbage is empty: not delivered. */
	tb_pei_framer_feed(&f, (const uint8_t *)"\0\0\r\n", 4);
	assert_int_equal(c.n, 2);
	assert_int_equal(f.stats.garbage, 8);
}

static void test_overlong(void **state)
{
	struct tb_pei_framer f;
	struct collect c;
	static char big[TB_PEI_LINE_MAX + 2];

	setup_framer(&f, &c);
	/* Exactly TB_PEI_LINE_MAX: kept. */
	memset(big, 'A', TB_PEI_LINE_MAX);
	big[TB_PEI_LINE_MAX] = '\0';
	feed_str(&f, big);
	feed_str(&f, "\r\n");
	assert_int_equal(c.n, 1);
	assert_int_equal(c.lens[0], TB_PEI_LINE_MAX);
	assert_int_equal(f.stats.overlong, 0);

	/* One more: dropped whole, even split over many reads, and the framer
	 * resynchronises at the next line end. */
	memset(big, 'B', TB_PEI_LINE_MAX + 1);
	big[TB_PEI_LINE_MAX + 1] = '\0';
	feed_str(&f, "BBB");
	feed_str(&f, big);
	feed_str(&f, big);
	feed_str(&f, "tail\0");
	feed_str(&f, "\r\nOK\r\n");
	assert_int_equal(c.n, 2);
	assert_string_equal(c.lines[1], "OK");
	assert_int_equal(f.stats.overlong, 1);

	/* An over-long line and a good one in the same read. */
	tb_pei_framer_feed(&f, (const uint8_t *)big, sizeof(big) - 1);
	feed_str(&f, "\n+CTXG: 1\r\n");
	assert_int_equal(c.n, 3);
	assert_string_equal(c.lines[2], "+CTXG: 1");
	assert_int_equal(f.stats.overlong, 2);
}

static void test_prompt(void **state)
{
	struct tb_pei_framer f;
	struct collect c;

	setup_framer(&f, &c);
	/* Echo, then the prompt with no line end. */
	feed_str(&f, "AT+CMGS=2345678,16\r\r\n> ");
	assert_int_equal(c.n, 2);
	assert_string_equal(c.lines[1], "> ");
	/* Echo of the user data on the prompt line, Ctrl-Z dropped. */
	feed_str(&f, "8004\x1a\r\n+CMGS: 0\r\n");
	assert_int_equal(c.n, 4);
	assert_string_equal(c.lines[2], "8004");
	assert_string_equal(c.lines[3], "+CMGS: 0");

	/* Split between '>' and ' '. */
	feed_str(&f, "\r\n>");
	assert_int_equal(c.n, 4);
	feed_str(&f, " ");
	assert_int_equal(c.n, 5);
	assert_string_equal(c.lines[4], "> ");

	/* A bare '>' line, and '>' inside a line, are ordinary lines. */
	feed_str(&f, ">\r\nA> B\r\n>>\r\n");
	assert_int_equal(c.n, 8);
	assert_string_equal(c.lines[5], ">");
	assert_string_equal(c.lines[6], "A> B");
	assert_string_equal(c.lines[7], ">>");
}

static void test_reset(void **state)
{
	struct tb_pei_framer f;
	struct collect c;

	setup_framer(&f, &c);
	feed_str(&f, "partial");
	tb_pei_framer_reset(&f);
	feed_str(&f, "OK\r\n");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.lines[0], "OK");

	/* Reset from inside the callback: the rest of that read is dropped. */
	c.reset_on = "RESET";
	feed_str(&f, "RESET\r\nlost\r\npart");
	assert_int_equal(c.n, 2);
	feed_str(&f, "kept\r\n");
	assert_int_equal(c.n, 3);
	assert_string_equal(c.lines[2], "kept");
	assert_int_equal(f.stats.lines, 3);

	/* Reset while discarding an over-long line. */
	static char big[TB_PEI_LINE_MAX + 10];
	memset(big, 'x', sizeof(big));
	tb_pei_framer_feed(&f, (const uint8_t *)big, sizeof(big));
	tb_pei_framer_reset(&f);
	feed_str(&f, "fresh\r\n");
	assert_int_equal(c.n, 4);
	assert_string_equal(c.lines[3], "fresh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminators),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_prompt),
		cmocka_unit_test(test_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
