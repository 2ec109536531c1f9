/* bridge: the endpoints the config binds, parsed and compared.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipc/endpoint.h"

static struct tb_endpoint parsed(const char *s)
{
	struct tb_endpoint ep;
	char why[160] = "";

	if (tb_endpoint_parse(s, &ep, why, sizeof(why)) < 0)
		fail_msg("%s: %s", s, why);
	return ep;
}

static void expect_refused(const char *s, const char *why_part)
{
	struct tb_endpoint ep;
	char why[160] = "";

	assert_int_equal(tb_endpoint_parse(s, &ep, why, sizeof(why)), -EINVAL);
	if (!strstr(why, why_part))
		fail_msg("%s: '%s' does not say '%s'", s, why, why_part);
}

static void test_parse(void **state)
{
	struct tb_endpoint ep = parsed("tcp://127.0.0.1:5560");

	assert_false(ep.ipc);
	assert_string_equal(ep.host, "127.0.0.1");
	assert_int_equal(ep.port, 5560);
	ep = parsed("tcp://[::1]:65535");
	assert_string_equal(ep.host, "::1");
	assert_int_equal(ep.port, 65535);
	ep = parsed("tcp://*:*");
	assert_string_equal(ep.host, "*");
	assert_int_equal(ep.port, 0);
	assert_int_equal(parsed("tcp://0.0.0.0:0").port, 0);
	assert_string_equal(parsed("tcp://eth0:1").host, "eth0");
	ep = parsed("ipc:///run/tetra-bridge/events");
	assert_true(ep.ipc);
	assert_string_equal(ep.path, "/run/tetra-bridge/events");
}

static void test_refused(void **state)
{
	char longpath[200];

	expect_refused("tcp://127.0.0.1:99999", "port 99999 is not 1-65535");
	expect_refused("tcp://127.0.0.1:65536", "port 65536");
	expect_refused("tcp://127.0.0.1:-1", "port -1");
	expect_refused("tcp://127.0.0.1:+80", "port +80");
	expect_refused("tcp://127.0.0.1:", "port  is not");
	expect_refused("tcp://127.0.0.1", "has no port");
	expect_refused("tcp://:5560", "has no address");
	expect_refused("tcp://::1:5560", "in brackets");
	expect_refused("tcp://[::1:5560", "not closed");
	expect_refused("tcp://[::1]", "has no port");
	expect_refused("tcp://[nonsense]:1", "is not an IPv6 address");
	expect_refused("tcp://eth0;127.0.0.1:5560", "two addresses");
	expect_refused("udp://127.0.0.1:5560", "must start with tcp:// or ipc://");
	expect_refused("ipc://", "has no path");
	snprintf(longpath, sizeof(longpath), "ipc:///%0150d", 0);
	expect_refused(longpath, "a Unix socket's may have at most 107");
}

static bool clash(const char *a, const char *b)
{
	struct tb_endpoint ea = parsed(a), eb = parsed(b);

	/* The same either way round. */
	assert_int_equal(tb_endpoint_clash(&ea, &eb), tb_endpoint_clash(&eb, &ea));
	return tb_endpoint_clash(&ea, &eb);
}

static void test_clash(void **state)
{
	char cwd[4096], rel[4200];

	assert_true(clash("tcp://127.0.0.1:5560", "tcp://127.0.0.1:5560"));
	assert_true(clash("tcp://localhost:5560", "tcp://127.0.0.1:5560"));
	assert_true(clash("tcp://LOCALHOST:5560", "tcp://[::1]:5560"));
	assert_true(clash("tcp://*:5560", "tcp://192.0.2.1:5560"));
	assert_true(clash("tcp://0.0.0.0:5560", "tcp://127.0.0.1:5560"));
	assert_true(clash("tcp://[::]:5560", "tcp://127.0.0.1:5560"));
	assert_true(clash("tcp://[0:0::1]:5560", "tcp://[::1]:5560"));
	assert_true(clash("ipc:///tmp/x", "ipc:///tmp/x"));
	assert_true(clash("ipc:///tmp//x", "ipc:///tmp/./x"));
	assert_true(clash("ipc:///tmp/../tmp/x", "ipc:///tmp/x"));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(rel, sizeof(rel), "ipc://%s/ev", cwd);
	assert_true(clash("ipc://ev", rel));

	assert_false(clash("tcp://127.0.0.1:5560", "tcp://127.0.0.1:5561"));
	assert_false(clash("tcp://127.0.0.1:5560", "tcp://127.0.0.2:5560"));
	assert_false(clash("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"));
	assert_false(clash("tcp://127.0.0.1:0", "tcp://127.0.0.1:0"));
	assert_false(clash("tcp://127.0.0.1:5560", "ipc:///tmp/x"));
	assert_false(clash("ipc:///tmp/x", "ipc:///tmp/y"));
	assert_false(clash("ipc://*", "ipc://*"));
	assert_false(clash("ipc://@x", "ipc://@y"));
	assert_true(clash("ipc://@x", "ipc://@x"));
}

static void test_clash_tcp(void **state)
{
	struct tb_endpoint ep = parsed("tcp://127.0.0.1:4270");

	assert_true(tb_endpoint_clash_tcp(&ep, "127.0.0.1", 4270));
	assert_true(tb_endpoint_clash_tcp(&ep, "0.0.0.0", 4270));
	assert_false(tb_endpoint_clash_tcp(&ep, "127.0.0.1", 4271));
	assert_false(tb_endpoint_clash_tcp(&ep, "127.0.0.1", 0));	/* any free port */
	assert_false(tb_endpoint_clash_tcp(&ep, "192.0.2.1", 4270));
	ep = parsed("ipc:///tmp/x");
	assert_false(tb_endpoint_clash_tcp(&ep, "127.0.0.1", 4270));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_clash),
		cmocka_unit_test(test_clash_tcp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
