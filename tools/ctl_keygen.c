/* tetractl keygen: a CURVE key pair for a client or the bridge.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "ipc/curve_keys.h"
#include "tools/ctl_options.h"

static void usage_keygen(FILE *out)
{
	fprintf(out,
		"Usage: %s keygen BASE\n"
		"\n"
		"Make a CURVE key pair: BASE.key (both keys, mode 0600: keep it secret) and\n"
		"BASE.pub (the public key, to give away). Existing files are not overwritten.\n"
		"Prints the public key on the first line, then what to do with it:\n"
		"\n"
		"  a client's key:   add \"<role> <public key> <name>\" to the bridge's clients\n"
		"                    file (role observer, dispatcher or admin), and use\n"
		"                    '%s <command> --key BASE.key --server-key BRIDGE.pub'\n"
		"  the bridge's key: 'curve server-key BASE.key' in its config; clients get\n"
		"                    BASE.pub (or the printed key) for --server-key\n"
		"\n"
		"  -h, --help   this text\n",
		ctl_progname, ctl_progname);
}

/* A name for the clients file from BASE's last component, if it is one. */
static const char *suggested_name(const char *base, char *buf, size_t len)
{
	const char *s = strrchr(base, '/');
	size_t i, n;

	s = s ? s + 1 : base;
	n = strlen(s);
	if (n == 0 || n > 63 || n >= len)
		return "<name>";
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.@", s[i]))
			return "<name>";
	memcpy(buf, s, n + 1);
	return buf;
}

int ctl_cmd_keygen(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tb_curve_keypair kp;
	char *err = NULL, name[64];
	void *ctx;
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage_keygen(stdout);
			return EXIT_SUCCESS;
		}
		return ctl_option_error("keygen", c, argv);
	}
	if (optind >= argc)
		return ctl_usage_error("keygen", "BASE is missing: keygen writes BASE.key and BASE.pub");
	if (argc - optind > 1)
		return ctl_usage_error("keygen", "one BASE only, not \"%s\" too", argv[optind + 1]);
	if (!argv[optind][0])
		return ctl_usage_error("keygen", "BASE is empty");

	ctx = talloc_named_const(NULL, 0, "keygen");
	rc = tb_curve_keygen(ctx, argv[optind], &kp, &err);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", ctl_progname, err ? err : strerror(-rc));
		talloc_free(ctx);
		return EXIT_FAILURE;
	}
	printf("%s\n", kp.public_key);
	printf("wrote %s.key (keep it secret) and %s.pub\n", argv[optind], argv[optind]);
	printf("add to the bridge's clients file: <role> %s %s\n", kp.public_key,
	       suggested_name(argv[optind], name, sizeof(name)));
	printf("(role: observer, dispatcher or admin; for the bridge's own key, put 'curve server-key %s.key'\n"
	       "in its config instead and give clients %s.pub)\n", argv[optind], argv[optind]);
	memset(&kp, 0, sizeof(kp));
	talloc_free(ctx);
	return EXIT_SUCCESS;
}
