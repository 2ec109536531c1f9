/* CURVE security: key files, the clients file, endpoint locality, and the
 * ZAP handler over real ZeroMQ (tcp://127.0.0.1:*, files in a temporary
 * directory). The osmo_select loop is driven from the test; every socket
 * the test waits on is watched by that loop (through its ZMQ_FD), so the
 * loop blocks until something happens and no test depends on timing. A
 * guard timer only exists to fail instead of hanging.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <talloc.h>
#include <zmq.h>

#include "common/logging.h"
#include "ipc/endpoint.h"
#include "ipc/security.h"
#include "tests/lib/log_capture.h"
#include "tests/lib/tmpdir.h"
#include "tests/lib/zmq_watch.h"

#define GUARD_S		20	/* a wait that takes longer has failed */
#define LOOP_MAX	100000	/* loop iterations, likewise */

struct fixture {
	void *ctx;	/* talloc */
	void *zctx;
	char dir[256];
	char *server_base, *server_key, *clients;
	struct tb_curve_keypair server;
	struct tb_curve_keypair a, b, c;	/* client key pairs */
};

/* ---- the loop ----------------------------------------------------------- */

static bool g_timed_out;
static struct osmo_timer_list g_guard;

static void guard_cb(void *data)
{
	g_timed_out = true;
}

/* Run the loop until cond holds; fails after GUARD_S or LOOP_MAX passes. */
#define LOOP_UNTIL(cond)							\
	do {									\
		unsigned _i = 0;						\
		g_timed_out = false;						\
		osmo_timer_setup(&g_guard, guard_cb, NULL);			\
		osmo_timer_schedule(&g_guard, GUARD_S, 0);			\
		while (!(cond)) {						\
			if (g_timed_out || ++_i > LOOP_MAX)			\
				fail_msg("timed out waiting for: %s", #cond);	\
			osmo_select_main(0);					\
		}								\
		osmo_timer_del(&g_guard);					\
	} while (0)


/* ---- fixture ------------------------------------------------------------ */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void make_keys(struct tb_curve_keypair *kp)
{
	assert_int_equal(zmq_curve_keypair(kp->public_key, kp->secret_key), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *errmsg = NULL;

	assert_non_null(f);
	f->ctx = talloc_named_const(NULL, 0, "test_security");
	f->zctx = zmq_ctx_new();
	assert_non_null(f->zctx);
	assert_non_null(tb_tmpdir_make(f->dir, sizeof(f->dir), "tb-sec"));

	f->server_base = talloc_asprintf(f->ctx, "%s/server", f->dir);
	f->server_key = talloc_asprintf(f->ctx, "%s/server.key", f->dir);
	f->clients = talloc_asprintf(f->ctx, "%s/clients.keys", f->dir);
	assert_int_equal(tb_curve_keygen(f->ctx, f->server_base, &f->server, &errmsg), 0);
	assert_null(errmsg);
	make_keys(&f->a);
	make_keys(&f->b);
	make_keys(&f->c);
	tb_log_capture_clear();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tb_tmpdir_remove(f->dir), 0);
	talloc_free(f->server_base);
	talloc_free(f->server_key);
	talloc_free(f->clients);
	assert_int_equal(talloc_total_blocks(f->ctx), 1);	/* nothing leaked */
	talloc_free(f->ctx);
	zmq_ctx_term(f->zctx);	/* hangs if a socket was left open */
	free(f);
	return 0;
}

/* A clients file listing a as observer "nurse-1" and b as dispatcher "amk-1". */
static void write_default_clients(struct fixture *f)
{
	char *t = talloc_asprintf(f->ctx,
				  "# role       public key (Z85)                            name\n"
				  "\n"
				  "observer   %s   nurse-1\n"
				  "   dispatcher\t%s\tamk-1   # the AMK liaison tool\n",
				  f->a.public_key, f->b.public_key);
	write_file(f->clients, t);
	talloc_free(t);
}

/* ---- roles -------------------------------------------------------------- */

static void test_roles(void **state)
{
	const char *name = NULL;
	bool gw = true;

	assert_string_equal(tb_role_name(TB_ROLE_NONE), "none");
	assert_string_equal(tb_role_name(TB_ROLE_OBSERVER), "observer");
	assert_string_equal(tb_role_name(TB_ROLE_DISPATCHER), "dispatcher");
	assert_string_equal(tb_role_name(TB_ROLE_ADMIN), "admin");
	assert_string_equal(tb_role_name((enum tb_role)42), "none");
	assert_int_equal(tb_role_parse("observer"), TB_ROLE_OBSERVER);
	assert_int_equal(tb_role_parse("admin"), TB_ROLE_ADMIN);
	assert_int_equal(tb_role_parse("Admin"), TB_ROLE_NONE);
	assert_int_equal(tb_role_parse("boss"), TB_ROLE_NONE);
	assert_int_equal(tb_role_parse(""), TB_ROLE_NONE);
	assert_int_equal(tb_role_parse(NULL), TB_ROLE_NONE);

	assert_int_equal(tb_role_from_user_id("dispatcher:amk-1", &name, &gw), TB_ROLE_DISPATCHER);
	assert_string_equal(name, "amk-1");
	assert_false(gw);
	assert_int_equal(tb_role_from_user_id("observer:", &name, NULL), TB_ROLE_OBSERVER);
	assert_string_equal(name, "");
	assert_int_equal(tb_role_from_user_id("admin", &name, NULL), TB_ROLE_ADMIN);
	assert_string_equal(name, "");
	assert_int_equal(tb_role_from_user_id("admin:x", NULL, NULL), TB_ROLE_ADMIN);
	name = "untouched";
	assert_int_equal(tb_role_from_user_id("boss:amk-1", &name, NULL), TB_ROLE_NONE);
	assert_string_equal(name, "");
	assert_int_equal(tb_role_from_user_id("", &name, NULL), TB_ROLE_NONE);
	assert_int_equal(tb_role_from_user_id(":x", &name, NULL), TB_ROLE_NONE);
	assert_int_equal(tb_role_from_user_id("observerx:y", &name, NULL), TB_ROLE_NONE);
	assert_int_equal(tb_role_from_user_id(NULL, &name, NULL), TB_ROLE_NONE);

	/* a gateway key: "+gateway" after the role */
	assert_int_equal(tb_role_from_user_id("dispatcher+gateway:tetra-web", &name, &gw), TB_ROLE_DISPATCHER);
	assert_string_equal(name, "tetra-web");
	assert_true(gw);
	assert_int_equal(tb_role_from_user_id("admin+gateway", &name, &gw), TB_ROLE_ADMIN);
	assert_true(gw);
	gw = true;
	assert_int_equal(tb_role_from_user_id("+gateway:x", &name, &gw), TB_ROLE_NONE);
	assert_false(gw);
	assert_int_equal(tb_role_from_user_id("boss+gateway:x", &name, &gw), TB_ROLE_NONE);
	assert_false(gw);
	assert_int_equal(tb_role_from_user_id("observer+gw:x", &name, &gw), TB_ROLE_NONE);
	assert_int_equal(tb_role_from_user_id("observer:x+gateway", &name, &gw), TB_ROLE_OBSERVER);
	assert_false(gw);
}

/* ---- key files ---------------------------------------------------------- */

static void test_keygen(void **state)
{
	struct fixture *f = *state;
	struct tb_curve_keypair kp, again;
	struct stat st;
	char *errmsg = NULL, *path, *base;
	uint8_t bin[32];

	/* setup made server.key / server.pub */
	assert_int_equal(strlen(f->server.public_key), TB_Z85_KEY_LEN);
	assert_int_equal(strlen(f->server.secret_key), TB_Z85_KEY_LEN);
	assert_non_null(zmq_z85_decode(bin, f->server.public_key));
	assert_int_equal(stat(f->server_key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	path = talloc_asprintf(f->ctx, "%s/server.pub", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	/* the files read back as the keys made */
	assert_int_equal(tb_curve_key_load(f->ctx, f->server_key, &kp, &errmsg), 0);
	assert_null(errmsg);
	assert_string_equal(kp.public_key, f->server.public_key);
	assert_string_equal(kp.secret_key, f->server.secret_key);
	assert_int_equal(tb_curve_key_load(f->ctx, path, &kp, &errmsg), 0);
	assert_string_equal(kp.public_key, f->server.public_key);
	assert_string_equal(kp.secret_key, "");

	/* no overwriting: both files stay as they were */
	assert_int_equal(tb_curve_keygen(f->ctx, f->server_base, &again, &errmsg), -EEXIST);
	assert_non_null(errmsg);
	assert_non_null(strstr(errmsg, "server.key already exists"));
	talloc_free(errmsg);
	errmsg = NULL;
	assert_int_equal(tb_curve_key_load(f->ctx, f->server_key, &kp, NULL), 0);
	assert_string_equal(kp.secret_key, f->server.secret_key);

	/* only the .pub exists: refused, and no .key is left behind */
	base = talloc_asprintf(f->ctx, "%s/lonely", f->dir);
	talloc_free(path);
	path = talloc_asprintf(f->ctx, "%s.pub", base);
	write_file(path, "x\n");
	assert_int_equal(tb_curve_keygen(f->ctx, base, NULL, &errmsg), -EEXIST);
	assert_non_null(strstr(errmsg, "lonely.pub already exists"));
	talloc_free(errmsg);
	errmsg = NULL;
	talloc_free(path);
	path = talloc_asprintf(f->ctx, "%s.key", base);
	assert_int_equal(stat(path, &st), -1);

	/* a directory that does not exist */
	talloc_free(base);
	base = talloc_asprintf(f->ctx, "%s/no/such/dir/k", f->dir);
	assert_int_equal(tb_curve_keygen(f->ctx, base, NULL, &errmsg), -ENOENT);
	assert_non_null(strstr(errmsg, "cannot write"));
	talloc_free(errmsg);
	errmsg = NULL;
	assert_int_equal(tb_curve_keygen(f->ctx, "", NULL, &errmsg), -EINVAL);
	talloc_free(errmsg);

	talloc_free(base);
	talloc_free(path);
}

/* A key file with these contents must fail with -EINVAL and a message
 * containing expect and no key material. */
static void expect_bad_keyfile(struct fixture *f, const char *text, const char *expect)
{
	char *path = talloc_asprintf(f->ctx, "%s/bad.key", f->dir);
	struct tb_curve_keypair kp;
	char *errmsg = NULL;

	write_file(path, text);
	assert_int_equal(tb_curve_key_load(f->ctx, path, &kp, &errmsg), -EINVAL);
	assert_non_null(errmsg);
	if (!strstr(errmsg, expect))
		fail_msg("'%s' does not contain '%s'", errmsg, expect);
	assert_null(strstr(errmsg, f->server.secret_key));
	assert_null(strstr(errmsg, f->server.public_key));
	assert_null(strstr(errmsg, f->a.secret_key));
	assert_null(strstr(errmsg, f->a.public_key));
	talloc_free(errmsg);
	unlink(path);
	talloc_free(path);
}

static void test_key_load(void **state)
{
	struct fixture *f = *state;
	struct tb_curve_keypair kp;
	char *errmsg = NULL, *t, *path;
	char bad[TB_Z85_KEY_LEN + 1];

	/* inline: a public key */
	memset(&kp, 0x55, sizeof(kp));
	assert_int_equal(tb_curve_key_load(f->ctx, f->a.public_key, &kp, &errmsg), 0);
	assert_null(errmsg);
	assert_string_equal(kp.public_key, f->a.public_key);
	assert_string_equal(kp.secret_key, "");

	/* inline but not Z85 ('~' is not in its alphabet); not repeated */
	memset(bad, '~', TB_Z85_KEY_LEN);
	bad[TB_Z85_KEY_LEN] = '\0';
	assert_int_equal(tb_curve_key_load(f->ctx, bad, &kp, &errmsg), -EINVAL);
	assert_string_equal(errmsg, "the key given is neither a readable file nor 40 Z85 characters");
	talloc_free(errmsg);
	errmsg = NULL;

	/* a file that does not exist */
	path = talloc_asprintf(f->ctx, "%s/missing.key", f->dir);
	assert_int_equal(tb_curve_key_load(f->ctx, path, &kp, &errmsg), -ENOENT);
	t = talloc_asprintf(f->ctx, "cannot read key file %s: No such file or directory", path);
	assert_string_equal(errmsg, t);
	talloc_free(t);
	talloc_free(errmsg);
	talloc_free(path);
	errmsg = NULL;
	assert_int_equal(tb_curve_key_load(f->ctx, "", &kp, &errmsg), -EINVAL);
	talloc_free(errmsg);
	errmsg = NULL;
	/* a directory given as a key */
	assert_int_equal(tb_curve_key_load(f->ctx, f->dir, &kp, &errmsg), -EINVAL);
	assert_non_null(strstr(errmsg, "is not a key file (not a regular file, or larger than 65536 bytes)"));
	talloc_free(errmsg);

	/* a zcert with other sections around, single quotes, extra spaces */
	path = talloc_asprintf(f->ctx, "%s/other.key", f->dir);
	t = talloc_asprintf(f->ctx, "# comment public-key = \"nothing\"\nmetadata\n    name = \"x\"\ncurve\n"
			    "\tsecret-key='%s'\n    public-key   =   \"%s\"\n    public-key = \"ignored\"\n",
			    f->a.secret_key, f->a.public_key);
	write_file(path, t);
	assert_int_equal(tb_curve_key_load(f->ctx, path, &kp, &errmsg), 0);
	assert_string_equal(kp.public_key, f->a.public_key);
	assert_string_equal(kp.secret_key, f->a.secret_key);
	talloc_free(t);
	talloc_free(path);

	/* the two keys of different pairs */
	t = talloc_asprintf(f->ctx, "curve\n    public-key = \"%s\"\n    secret-key = \"%s\"\n",
			    f->server.public_key, f->a.secret_key);
	expect_bad_keyfile(f, t, "bad.key: the public-key (line 2) does not belong to the secret-key (line 3)");
	talloc_free(t);

	/* a damaged key, named by line */
	t = talloc_asprintf(f->ctx, "metadata\ncurve\n    public-key = \"%.39s\"\n", f->a.public_key);
	expect_bad_keyfile(f, t, "bad.key line 3: the public-key is not 40 Z85 characters");
	talloc_free(t);
	t = talloc_asprintf(f->ctx, "curve\n    public-key = \"%s\"\n    secret-key = \"%.39s~\"\n",
			    f->a.public_key, f->a.secret_key);
	expect_bad_keyfile(f, t, "bad.key line 3: the secret-key is not 40 Z85 characters");
	talloc_free(t);
	t = talloc_asprintf(f->ctx, "curve\n    public-key %s\n", f->a.public_key);
	expect_bad_keyfile(f, t, "bad.key line 2: expected public-key = \"<40 Z85 characters>\"");
	talloc_free(t);
	t = talloc_asprintf(f->ctx, "curve\n    secret-key = \"%s\"\n", f->a.secret_key);
	expect_bad_keyfile(f, t, "bad.key has no public-key line");
	talloc_free(t);
	expect_bad_keyfile(f, "", "bad.key has no public-key line");
}

/* ---- clients file ------------------------------------------------------- */

static void test_clients_file(void **state)
{
	struct fixture *f = *state;
	struct tb_security *s;
	char *errmsg = NULL, *t;
	struct {
		const char *fmt;	/* %1$s: key a, %2$s: key b */
		const char *expect;	/* after "<path> " */
	} bad[] = {
		{ "observer %1$s nurse-1\n\n# x\nboss %2$s amk-1\n",
		  "line 4: unknown role 'boss' (observer, dispatcher or admin)" },
		{ "%1$s observer nurse-1\n",
		  "line 1: the first field must be the role (observer, dispatcher or admin)" },
		{ "observer %1$s\n", "line 1: expected '<role> <public key> <name>'" },
		{ "observer\n", "line 1: expected '<role> <public key> <name>'" },
		{ "observer %1$s nurse-1 extra\n",
		  "line 1: more than '<role> <public key> <name> [gateway]' (the only word allowed after the name "
		  "is 'gateway'; a comment starts with '#')" },
		{ "observer %1$s nurse-1 Gateway\n",
		  "line 1: more than '<role> <public key> <name> [gateway]' (the only word allowed after the name "
		  "is 'gateway'; a comment starts with '#')" },
		{ "dispatcher %1$s web gateway gateway\n",
		  "line 1: more than '<role> <public key> <name> [gateway]' (the only word allowed after the name "
		  "is 'gateway'; a comment starts with '#')" },
		{ "observer %1$.39s nurse-1\n",
		  "line 1: the public key is not 40 Z85 characters (copy it from the client's .pub file)" },
		{ "observer %1$.39s~ nurse-1\n",
		  "line 1: the public key is not 40 Z85 characters (copy it from the client's .pub file)" },
		{ "observer %1$s nurse/1\n", "line 1: the name must be 1 to 63 letters, digits, - _ . or @" },
		{ "observer %1$s a234567890123456789012345678901234567890123456789012345678901234\n",
		  "line 1: the name must be 1 to 63 letters, digits, - _ . or @" },
		{ "observer %1$s nurse-1\n  \n  dispatcher %1$s amk-1\n",
		  "line 3: this key is already listed on line 1 (one line per key)" },
		{ "observer %1$s nurse-1\nadmin %2$s nurse-1\n",
		  "line 2: the name 'nurse-1' is already used on line 1 (names must be unique)" },
	};

	write_default_clients(f);
	s = tb_security_start(f->ctx, f->zctx, f->server_key, f->clients, &errmsg);
	assert_non_null(s);
	assert_null(errmsg);
	assert_int_equal(tb_security_clients(s), 2);
	assert_string_equal(tb_security_public_key(s), f->server.public_key);

	/* every bad file: reload fails, names file and line, keeps the old
	 * list, and never repeats a key */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *expect = talloc_asprintf(f->ctx, "%s %s", f->clients, bad[i].expect);

/* the formats are the table's, with positional arguments */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		t = talloc_asprintf(f->ctx, bad[i].fmt, f->a.public_key, f->b.public_key);
#pragma GCC diagnostic pop
		write_file(f->clients, t);
		assert_int_equal(tb_security_reload(s, &errmsg), -EINVAL);
		assert_non_null(errmsg);
		if (strcmp(errmsg, expect))
			fail_msg("case %zu: got '%s', expected '%s'", i, errmsg, expect);
		assert_null(strstr(errmsg, f->a.public_key));
		assert_null(strstr(errmsg, f->b.public_key));
		assert_int_equal(tb_security_clients(s), 2);
		talloc_free(errmsg);
		errmsg = NULL;
		talloc_free(expect);
		talloc_free(t);
	}

	/* a good file: swapped in */
	t = talloc_asprintf(f->ctx, "admin %s root@lvs\n", f->c.public_key);
	write_file(f->clients, t);
	talloc_free(t);
	assert_int_equal(tb_security_reload(s, &errmsg), 0);
	assert_null(errmsg);
	assert_int_equal(tb_security_clients(s), 1);

	/* gateway keys: the fourth word, a comment after it */
	t = talloc_asprintf(f->ctx, "dispatcher %s tetra-web gateway # the web console\nobserver %s nurse-1\n"
			    "admin\t%s\troot\tgateway\n", f->a.public_key, f->b.public_key, f->c.public_key);
	write_file(f->clients, t);
	talloc_free(t);
	{
		struct tb_client_list *l = tb_clients_read(f->ctx, f->ctx, f->clients, &errmsg);
		uint8_t key[TB_CURVE_KEY_BYTES];
		const struct tb_client_key *k;

		assert_non_null(l);
		assert_int_equal(tb_clients_count(l), 3);
		assert_non_null(zmq_z85_decode(key, f->a.public_key));
		k = tb_clients_find(l, key);
		assert_non_null(k);
		assert_string_equal(k->name, "tetra-web");
		assert_int_equal(k->role, TB_ROLE_DISPATCHER);
		assert_true(k->gateway);
		assert_non_null(zmq_z85_decode(key, f->b.public_key));
		k = tb_clients_find(l, key);
		assert_non_null(k);
		assert_false(k->gateway);
		assert_non_null(zmq_z85_decode(key, f->c.public_key));
		k = tb_clients_find(l, key);
		assert_non_null(k);
		assert_string_equal(k->name, "root");
		assert_true(k->gateway);
		tb_clients_destroy(&l);
	}

	/* an empty one too (nobody may connect) */
	write_file(f->clients, "# nobody\n");
	assert_int_equal(tb_security_reload(s, &errmsg), 0);
	assert_int_equal(tb_security_clients(s), 0);

	/* the file gone */
	unlink(f->clients);
	assert_int_equal(tb_security_reload(s, &errmsg), -EINVAL);
	t = talloc_asprintf(f->ctx, "cannot read clients file %s: No such file or directory", f->clients);
	assert_string_equal(errmsg, t);
	talloc_free(t);
	talloc_free(errmsg);
	errmsg = NULL;

	tb_security_destroy(&s);
	assert_null(s);
	tb_security_destroy(&s);	/* harmless */

	/* start refuses a bad clients file and a public-only server key */
	write_file(f->clients, "boss x y\n");
	assert_null(tb_security_start(f->ctx, f->zctx, f->server_key, f->clients, &errmsg));
	t = talloc_asprintf(f->ctx, "%s line 1: unknown role 'boss' (observer, dispatcher or admin)", f->clients);
	assert_string_equal(errmsg, t);
	talloc_free(t);
	talloc_free(errmsg);
	write_default_clients(f);
	t = talloc_asprintf(f->ctx, "%s/server.pub", f->dir);
	assert_null(tb_security_start(f->ctx, f->zctx, t, f->clients, &errmsg));
	assert_non_null(strstr(errmsg, "server.pub has no secret-key; the bridge needs its own .key file"));
	talloc_free(errmsg);
	talloc_free(t);

	/* started again after a stop: the ZAP endpoint is free again */
	s = tb_security_start(f->ctx, f->zctx, f->server_key, f->clients, &errmsg);
	assert_non_null(s);
	/* only one ZAP handler per ZeroMQ context */
	assert_null(tb_security_start(f->ctx, f->zctx, f->server_key, f->clients, &errmsg));
	assert_non_null(strstr(errmsg, "another one already runs"));
	talloc_free(errmsg);
	tb_security_destroy(&s);
}

/* ---- endpoints ---------------------------------------------------------- */

static void test_endpoint_is_local(void **state)
{
	static const struct {
		const char *ep;
		bool local;
	} cases[] = {
		{ "tcp://127.0.0.1:5560", true },
		{ "tcp://127.0.0.1:*", true },
		{ "tcp://127.1.2.3:1", true },
		{ "tcp://localhost:5561", true },
		{ "tcp://LOCALHOST:5561", true },
		{ "tcp://[::1]:5560", true },
		{ "tcp://[::1]:*", true },
		{ "tcp://[::ffff:127.0.0.1]:5560", true },
		{ "ipc:///run/tetra-bridge/events", true },
		{ "ipc://@abstract", true },
		{ "inproc://events", true },
		{ "tcp://*:5560", false },
		{ "tcp://0.0.0.0:5560", false },
		{ "tcp://[::]:5560", false },
		{ "tcp://[*]:5560", false },
		{ "tcp://eth0:5560", false },
		{ "tcp://lo:5560", false },
		{ "tcp://10.0.0.5:5560", false },
		{ "tcp://128.0.0.1:5560", false },
		{ "tcp://127.0.0.1.evil.example:5560", false },
		{ "tcp://localhost.example:5560", false },
		{ "tcp://127.0.0.1", false },
		{ "tcp://127.0.0.1:", false },
		{ "tcp://127.0.0.1:port", false },
		{ "tcp://127.0.0.1:99999", false },
		{ "tcp://[::1]", false },
		{ "tcp://[::1:5560", false },
		{ "tcp://::1:5560", false },
		{ "tcp://10.0.0.5;127.0.0.1:5560", false },
		{ "tcp://", false },
		{ "TCP://127.0.0.1:5560", false },
		{ "ws://127.0.0.1:5560", false },
		{ "pgm://eth0;239.192.1.1:5555", false },
		{ "udp://127.0.0.1:5560", false },
		{ "127.0.0.1:5560", false },
		{ "", false },
		{ NULL, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (tb_endpoint_is_local(cases[i].ep) != cases[i].local)
			fail_msg("%s: expected %s", cases[i].ep ? cases[i].ep : "(null)",
				 cases[i].local ? "local" : "not local");
	}
}

/* ---- the ZAP handler, spoken to directly -------------------------------- */

/* Send a ZAP request of n frames from req and return the reply's status
 * code, with the user id into uid. */
static void zap_exchange(struct tb_zmq_watch *req, const char *const *frames, const size_t *lens, unsigned n,
			 char code[8], char uid[80], char reqid[16])
{
	char buf[6][80];
	int sizes[6];
	unsigned i;
	int more;
	size_t ml = sizeof(more);

	for (i = 0; i < n; i++)
		assert_true(zmq_send(req->sock, frames[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0) >= 0);
	LOOP_UNTIL(tb_zmq_readable(req->sock));
	for (i = 0; i < 6; i++) {
		sizes[i] = zmq_recv(req->sock, buf[i], sizeof(buf[i]) - 1, ZMQ_DONTWAIT);
		assert_true(sizes[i] >= 0);
		buf[i][sizes[i]] = '\0';
		ml = sizeof(more);
		assert_int_equal(zmq_getsockopt(req->sock, ZMQ_RCVMORE, &more, &ml), 0);
		assert_int_equal(more, i < 5);
	}
	assert_string_equal(buf[0], "1.0");
	snprintf(reqid, 16, "%.15s", buf[1]);
	snprintf(code, 8, "%.7s", buf[2]);
	snprintf(uid, 80, "%s", buf[4]);
	assert_int_equal(sizes[5], 0);
}

static void test_zap_direct(void **state)
{
	struct fixture *f = *state;
	struct tb_security *s;
	struct tb_zmq_watch *req;
	char *errmsg = NULL, code[8], uid[80], reqid[16];
	uint8_t key_a[32], key_c[32];
	void *sock;

	write_default_clients(f);
	s = tb_security_start(f->ctx, f->zctx, f->server_key, f->clients, &errmsg);
	assert_non_null(s);
	assert_non_null(zmq_z85_decode(key_a, f->a.public_key));
	assert_non_null(zmq_z85_decode(key_c, f->c.public_key));

	sock = zmq_socket(f->zctx, ZMQ_REQ);
	assert_non_null(sock);
	assert_int_equal(zmq_connect(sock, "inproc://zeromq.zap.01"), 0);
	req = tb_zmq_watch_new(f->ctx, sock);

	{	/* a listed key */
		const char *fr[] = { "1.0", "r1", TB_ZAP_DOMAIN, "192.0.2.7", "id", "CURVE", (char *)key_a };
		const size_t ln[] = { 3, 2, strlen(TB_ZAP_DOMAIN), 9, 2, 5, 32 };
		zap_exchange(req, fr, ln, 7, code, uid, reqid);
		assert_string_equal(code, "200");
		assert_string_equal(uid, "observer:nurse-1");
		assert_string_equal(reqid, "r1");
		assert_int_equal(tb_security_admitted(s), 1);
		assert_true(tb_log_capture_count("admitted CURVE client nurse-1 (observer) from 192.0.2.7") > 0);
	}
	{	/* an unknown key */
		const char *fr[] = { "1.0", "r2", TB_ZAP_DOMAIN, "10.0.0.5", "", "CURVE", (char *)key_c };
		const size_t ln[] = { 3, 2, strlen(TB_ZAP_DOMAIN), 8, 0, 5, 32 };
		zap_exchange(req, fr, ln, 7, code, uid, reqid);
		assert_string_equal(code, "400");
		assert_string_equal(uid, "");
		assert_string_equal(reqid, "r2");
		assert_int_equal(tb_security_refused(s), 1);
		assert_true(tb_log_capture_count("refused a CURVE client with an unknown key from 10.0.0.5") > 0);
	}
	{	/* another domain */
		const char *fr[] = { "1.0", "r3", "other", "10.0.0.5", "", "CURVE", (char *)key_a };
		const size_t ln[] = { 3, 2, 5, 8, 0, 5, 32 };
		zap_exchange(req, fr, ln, 7, code, uid, reqid);
		assert_string_equal(code, "400");
		assert_string_equal(reqid, "r3");
	}
	{	/* NULL and PLAIN mechanisms */
		const char *fr[] = { "1.0", "r4", TB_ZAP_DOMAIN, "10.0.0.6", "", "NULL" };
		const size_t ln[] = { 3, 2, strlen(TB_ZAP_DOMAIN), 8, 0, 4 };
		zap_exchange(req, fr, ln, 6, code, uid, reqid);
		assert_string_equal(code, "400");
		assert_true(tb_log_capture_count("refused a NULL client from 10.0.0.6") > 0);
	}
	{
		const char *fr[] = { "1.0", "r5", TB_ZAP_DOMAIN, "10.0.0.6", "", "PLAIN", "admin", "secret" };
		const size_t ln[] = { 3, 2, strlen(TB_ZAP_DOMAIN), 8, 0, 5, 5, 6 };
		zap_exchange(req, fr, ln, 8, code, uid, reqid);
		assert_string_equal(code, "400");
	}
	{	/* CURVE with a short key, with two credentials */
		const char *fr[] = { "1.0", "r6", TB_ZAP_DOMAIN, "10.0.0.6", "", "CURVE", (char *)key_a, "x" };
		const size_t ln[] = { 3, 2, strlen(TB_ZAP_DOMAIN), 8, 0, 5, 31, 1 };
		zap_exchange(req, fr, ln, 7, code, uid, reqid);
		assert_string_equal(code, "400");
		zap_exchange(req, fr, (const size_t[]){ 3, 2, strlen(TB_ZAP_DOMAIN), 8, 0, 5, 32, 1 }, 8, code,
			     uid, reqid);
		assert_string_equal(code, "400");
	}
	{	/* malformed: one frame, wrong version, many frames, binary garbage */
		const char *fr[] = { "x" };
		const size_t ln[] = { 1 };
		const char *fr2[] = { "2.0", "r7", TB_ZAP_DOMAIN, "a", "", "CURVE", (char *)key_a };
		const size_t ln2[] = { 3, 2, strlen(TB_ZAP_DOMAIN), 1, 0, 5, 32 };
		const char *many[20];
		size_t many_len[20];
		char garbage[3] = { 0, (char)0xff, '\n' };

		zap_exchange(req, fr, ln, 1, code, uid, reqid);
		assert_string_equal(code, "400");
		zap_exchange(req, fr2, ln2, 7, code, uid, reqid);
		assert_string_equal(code, "400");
		assert_string_equal(reqid, "r7");
		for (unsigned i = 0; i < 20; i++) {
			many[i] = i == 0 ? "1.0" : garbage;
			many_len[i] = i == 0 ? 3 : sizeof(garbage);
		}
		zap_exchange(req, many, many_len, 20, code, uid, reqid);
		assert_string_equal(code, "400");
		{
			const char *fr3[] = { "1.0", "r8", TB_ZAP_DOMAIN, garbage, "", "CURVE", (char *)key_c };
			const size_t ln3[] = { 3, 2, strlen(TB_ZAP_DOMAIN), 3, 0, 5, 32 };
			zap_exchange(req, fr3, ln3, 7, code, uid, reqid);
			assert_string_equal(code, "400");
			assert_true(tb_log_capture_count("refused a CURVE client with an unknown key from ?") > 0);
		}
	}
	/* and it still admits */
	{
		const char *fr[] = { "1.0", "r9", TB_ZAP_DOMAIN, "192.0.2.7", "id", "CURVE", (char *)key_a };
		const size_t ln[] = { 3, 2, strlen(TB_ZAP_DOMAIN), 9, 2, 5, 32 };
		zap_exchange(req, fr, ln, 7, code, uid, reqid);
		assert_string_equal(code, "200");
	}
	assert_int_equal(tb_security_admitted(s), 2);
	assert_int_equal(tb_security_refused(s), 10);

	/* no key material in any log line, at any level */
	tb_assert_not_logged(f->server.secret_key);
	tb_assert_not_logged(f->a.public_key);
	tb_assert_not_logged(f->c.public_key);

	tb_zmq_watch_destroy(&req);
	tb_security_destroy(&s);
}

/* ---- the ZAP handler with libzmq: CURVE ROUTER and DEALER clients ------- */

static struct tb_zmq_watch *curve_dealer(struct fixture *f, const struct tb_curve_keypair *kp, const char *endpoint)
{
	void *d = zmq_socket(f->zctx, ZMQ_DEALER);

	assert_non_null(d);
	assert_int_equal(zmq_setsockopt(d, ZMQ_CURVE_SERVERKEY, f->server.public_key, TB_Z85_KEY_LEN), 0);
	assert_int_equal(zmq_setsockopt(d, ZMQ_CURVE_PUBLICKEY, kp->public_key, TB_Z85_KEY_LEN), 0);
	assert_int_equal(zmq_setsockopt(d, ZMQ_CURVE_SECRETKEY, kp->secret_key, TB_Z85_KEY_LEN), 0);
	assert_int_equal(zmq_connect(d, endpoint), 0);
	return tb_zmq_watch_new(f->ctx, d);
}

/* Receive [routing id][body] on the ROUTER; check body and User-Id. */
static void router_expect(struct tb_zmq_watch *router, const char *body, const char *user_id, char id[256], int *id_len)
{
	zmq_msg_t m;

	LOOP_UNTIL(tb_zmq_readable(router->sock));
	*id_len = zmq_recv(router->sock, id, 256, ZMQ_DONTWAIT);
	assert_true(*id_len > 0);
	zmq_msg_init(&m);
	assert_int_equal(zmq_msg_recv(&m, router->sock, ZMQ_DONTWAIT), (int)strlen(body));
	assert_memory_equal(zmq_msg_data(&m), body, strlen(body));
	assert_false(zmq_msg_more(&m));
	assert_non_null(zmq_msg_gets(&m, "User-Id"));
	assert_string_equal(zmq_msg_gets(&m, "User-Id"), user_id);
	zmq_msg_close(&m);
}

static void test_curve_router(void **state)
{
	struct fixture *f = *state;
	struct tb_security *s;
	struct tb_zmq_watch *router, *da, *db, *dc, *dc2;
	char *errmsg = NULL, id[256], buf[16], last[256], *t;
	size_t last_len = sizeof(last);
	int id_len, linger = 0;
	void *sock;

	write_default_clients(f);
	s = tb_security_start(f->ctx, f->zctx, f->server_key, f->clients, &errmsg);
	assert_non_null(s);

	sock = zmq_socket(f->zctx, ZMQ_ROUTER);
	assert_non_null(sock);
	assert_int_equal(zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger)), 0);
	assert_int_equal(tb_security_apply(s, sock), 0);
	assert_int_equal(tb_security_apply(NULL, sock), -EINVAL);
	assert_int_equal(zmq_bind(sock, "tcp://127.0.0.1:*"), 0);
	assert_int_equal(zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, last, &last_len), 0);
	router = tb_zmq_watch_new(f->ctx, sock);

	/* a listed client: its message arrives with its role and name, and
	 * the answer gets back */
	da = curve_dealer(f, &f->a, last);
	assert_int_equal(zmq_send(da->sock, "hello", 5, 0), 5);
	router_expect(router, "hello", "observer:nurse-1", id, &id_len);
	assert_int_equal(tb_security_admitted(s), 1);
	assert_int_equal(zmq_send(router->sock, id, id_len, ZMQ_SNDMORE), id_len);
	assert_int_equal(zmq_send(router->sock, "data", 4, 0), 4);
	LOOP_UNTIL(tb_zmq_readable(da->sock));
	assert_int_equal(zmq_recv(da->sock, buf, sizeof(buf), ZMQ_DONTWAIT), 4);
	assert_memory_equal(buf, "data", 4);

	db = curve_dealer(f, &f->b, last);
	assert_int_equal(zmq_send(db->sock, "hi", 2, 0), 2);
	router_expect(router, "hi", "dispatcher:amk-1", id, &id_len);

	/* an unknown key: refused; nothing of it reaches the ROUTER */
	dc = curve_dealer(f, &f->c, last);
	assert_int_equal(zmq_send(dc->sock, "intruder", 8, ZMQ_DONTWAIT), 8);
	LOOP_UNTIL(tb_security_refused(s) >= 1);
	assert_int_equal(tb_security_admitted(s), 2);
	assert_false(tb_zmq_readable(router->sock));
	assert_false(tb_zmq_readable(dc->sock));
	assert_true(tb_log_capture_count("refused a CURVE client with an unknown key from 127.0.0.1") > 0);
	tb_zmq_watch_destroy(&dc);

	/* reload with c listed as an admin gateway: a new connection with c is let in,
	 * a and b (connected before) keep working */
	t = talloc_asprintf(f->ctx, "observer %s nurse-1\nadmin %s root gateway\n", f->a.public_key,
			    f->c.public_key);
	write_file(f->clients, t);
	talloc_free(t);
	assert_int_equal(tb_security_reload(s, &errmsg), 0);
	assert_int_equal(tb_security_clients(s), 2);
	dc2 = curve_dealer(f, &f->c, last);
	assert_int_equal(zmq_send(dc2->sock, "again", 5, 0), 5);
	router_expect(router, "again", "admin+gateway:root", id, &id_len);
	assert_int_equal(zmq_send(db->sock, "still", 5, 0), 5);
	router_expect(router, "still", "dispatcher:amk-1", id, &id_len);

	/* no key material in any log line, at any level */
	tb_assert_not_logged(f->server.secret_key);
	tb_assert_not_logged(f->server.public_key);
	tb_assert_not_logged(f->a.public_key);
	tb_assert_not_logged(f->c.public_key);

	tb_zmq_watch_destroy(&da);
	tb_zmq_watch_destroy(&db);
	tb_zmq_watch_destroy(&dc2);
	tb_zmq_watch_destroy(&router);
	tb_security_destroy(&s);
}

int main(void)
{
	void *log_ctx = talloc_named_const(NULL, 0, "log");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_endpoint_is_local),
		cmocka_unit_test_setup_teardown(test_keygen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clients_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zap_direct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curve_router, setup, teardown),
	};
	struct log_target *t;
	int rc;

	tb_logging_init(log_ctx);
	/* Everything DIPC logs, at every level. */
	t = tb_log_capture_start(LOGL_DEBUG);
	log_set_category_filter(t, DIPC, 1, LOGL_DEBUG);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	log_fini();
	talloc_free(log_ctx);
	return rc;
}
