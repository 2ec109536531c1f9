/* tetractl web-user: the users file of tetra-web (web/users.h).
 *
 *   tetractl web-user add NAME ROLE [--users FILE] [--password-stdin]
 *   tetractl web-user list [--users FILE]
 *
 * add asks for the password twice on the terminal without echo (or reads
 * one line from standard input with --password-stdin, for scripts), hashes
 * it with argon2id and appends "NAME ROLE HASH" to the file, which is made
 * with mode 0640 when missing. The file is locked while it is checked
 * again and written, so two adds at once do not list a name twice.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>
#include <talloc.h>

#include "ipc/clients_file.h"
#include "tools/ctl_options.h"
#include "web/users.h"

#define WEB_USERS_DEFAULT "/etc/tetra-bridge/web-users"
#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_BYTES 1024

static void usage_web_user(FILE *out)
{
	fprintf(out,
		"Usage: %s web-user COMMAND [ARGS] [options]\n"
		"\n"
		"The users file of tetra-web (default " WEB_USERS_DEFAULT "): who may\n"
		"sign in to the browser console, and with which role.\n"
		"\n"
		"Commands:\n"
		"  add       add a user: NAME ROLE (observer, dispatcher or admin)\n"
		"  list      the users and their roles (never the password hashes)\n"
		"\n"
		"Run '%s web-user COMMAND --help' for the options of a command.\n",
		ctl_progname, ctl_progname);
}

static void usage_add(FILE *out)
{
	fprintf(out,
		"Usage: %s web-user add NAME ROLE [--users FILE] [--password-stdin]\n"
		"\n"
		"Add a user who may sign in to tetra-web. NAME: 1 to %u letters, digits,\n"
		"- _ or .; ROLE: observer (sees the board), dispatcher (also acts) or admin\n"
		"(also /metrics). Asks for the password twice without echo; at least %u\n"
		"characters. Only its argon2id hash is written, as one line appended to\n"
		"FILE (made with mode 0640 when missing). A name already listed is refused.\n"
		"\n"
		"  -u, --users FILE     the users file (default " WEB_USERS_DEFAULT ")\n"
		"      --password-stdin read the password from the first line of standard\n"
		"                       input, once (for scripts)\n"
		"  -h, --help           this text\n",
		ctl_progname, TW_USER_NAME_MAX, PASSWORD_MIN_CHARS);
}

static void usage_list(FILE *out)
{
	fprintf(out,
		"Usage: %s web-user list [--users FILE]\n"
		"\n"
		"Print each user of tetra-web's users file with its role, one per line.\n"
		"\n"
		"  -u, --users FILE     the users file (default " WEB_USERS_DEFAULT ")\n"
		"  -h, --help           this text\n",
		ctl_progname);
}

/* ---- the password ------------------------------------------------------- */

/* The terminal's settings while echo is off, to restore them on a signal. */
static int g_tty_fd = -1;
static struct termios g_tty_saved;

static void restore_tty_and_die(int sig)
{
	if (g_tty_fd >= 0)
		tcsetattr(g_tty_fd, TCSANOW, &g_tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line from f into buf (size bytes) without its end; -1 at the end of
 * input, -2 when the line does not fit. */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t len;

	if (!fgets(buf, (int)size, f))
		return -1;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n') {
		buf[--len] = '\0';
	} else if (len == size - 1) {
		int c;

		while ((c = fgetc(f)) != EOF && c != '\n')
			;
		return -2;
	}
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}

/* Ask on the terminal (tty) without echo; rc as read_line(). */
static int ask(FILE *tty, const char *prompt, char *buf, size_t size)
{
	struct sigaction sa = { .sa_handler = restore_tty_and_die }, old_int, old_term, old_hup;
	struct termios quiet;
	int rc;

	g_tty_fd = fileno(tty);
	if (tcgetattr(g_tty_fd, &g_tty_saved) < 0) {
		g_tty_fd = -1;
		return -3;
	}
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	quiet = g_tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL;
	/* Echo off before the prompt: what is typed after it is never shown.
	 * TCSADRAIN, not TCSAFLUSH: a line typed ahead is kept, not lost. */
	tcsetattr(g_tty_fd, TCSADRAIN, &quiet);
	fputs(prompt, tty);
	fflush(tty);
	rc = read_line(tty, buf, size);
	tcsetattr(g_tty_fd, TCSADRAIN, &g_tty_saved);
	g_tty_fd = -1;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return rc;
}

/* Characters of a UTF-8 string (its bytes that do not continue one). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The new password into buf: from stdin, or asked twice on the terminal.
 * 0, or 1 with the reason printed. */
static int get_password(bool from_stdin, char *buf, size_t size)
{
	char again[PASSWORD_MAX_BYTES + 2];
	FILE *tty;
	int rc;

	if (from_stdin) {
		rc = read_line(stdin, buf, size);
		if (rc == -1)
			buf[0] = '\0';	/* nothing on stdin: the empty password, refused below */
	} else {
		tty = fopen("/dev/tty", "r+e");
		if (!tty) {
			fprintf(stderr, "%s: no terminal to ask for the password on; give it on standard input with "
				"--password-stdin\n", ctl_progname);
			return 1;
		}
		rc = ask(tty, "Password: ", buf, size);
		if (rc == 0)
			rc = ask(tty, "The same password again: ", again, sizeof(again));
		fclose(tty);
		if (rc == -3) {
			fprintf(stderr, "%s: cannot turn off the terminal's echo; use --password-stdin\n",
				ctl_progname);
			return 1;
		}
		if (rc == 0 && strcmp(buf, again)) {
			sodium_memzero(again, sizeof(again));
			fprintf(stderr, "%s: the two passwords differ; nothing was written\n", ctl_progname);
			return 1;
		}
		sodium_memzero(again, sizeof(again));
		if (rc == -1) {
			fprintf(stderr, "%s: no password given; nothing was written\n", ctl_progname);
			return 1;
		}
	}
	if (rc == -2) {
		fprintf(stderr, "%s: the password is longer than %u bytes\n", ctl_progname, PASSWORD_MAX_BYTES);
		return 1;
	}
	if (!buf[0]) {
		fprintf(stderr, "%s: the password is empty; nothing was written\n", ctl_progname);
		return 1;
	}
	if (utf8_chars(buf) < PASSWORD_MIN_CHARS) {
		fprintf(stderr, "%s: the password is shorter than %u characters; nothing was written\n",
			ctl_progname, PASSWORD_MIN_CHARS);
		return 1;
	}
	return 0;
}

/* ---- the file ----------------------------------------------------------- */

/* Whether name is listed in u. */
static bool listed(const struct tw_users *u, const char *name)
{
	const char *n;

	for (unsigned i = 0; (n = tw_users_name(u, i, NULL)); i++) {
		if (!strcmp(n, name))
			return true;
	}
	return false;
}

/* The users file at path, or NULL with the reason printed; *missing set
 * (and NULL returned, nothing printed) when it does not exist and missing
 * is not NULL. */
static struct tw_users *read_users(void *ctx, const char *path, bool *missing)
{
	struct tw_users *u;
	char *err = NULL;

	if (missing) {
		*missing = access(path, F_OK) < 0 && errno == ENOENT;
		if (*missing)
			return NULL;
	}
	u = tw_users_read(ctx, ctx, path, &err);
	if (!u)
		fprintf(stderr, "%s: %s\n", ctl_progname, err ? err : "cannot read the users file");
	return u;
}

/* Whether the file open at fd is empty or ends with a line end. */
static bool ends_with_newline(int fd)
{
	struct stat st;
	char c;

	if (fstat(fd, &st) < 0 || st.st_size == 0)
		return true;
	return pread(fd, &c, 1, st.st_size - 1) == 1 && c == '\n';
}

/* Append line to path under an exclusive lock, after checking again that
 * name is not listed (another add may have come first). 0, or 1 with the
 * reason printed. */
static int append_line(void *ctx, const char *path, const char *name, const char *line)
{
	size_t len = strlen(line);
	bool created = false;
	ssize_t w;
	int fd;

	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		created = fd >= 0;
	}
	if (fd < 0) {
		fprintf(stderr, "%s: cannot write the users file %s: %s\n", ctl_progname, path, strerror(errno));
		return 1;
	}
	if (created && fchmod(fd, 0640) < 0) {
		fprintf(stderr, "%s: cannot set the mode of %s: %s\n", ctl_progname, path, strerror(errno));
		goto fail;
	}
	if (flock(fd, LOCK_EX) < 0) {
		fprintf(stderr, "%s: cannot lock %s: %s\n", ctl_progname, path, strerror(errno));
		goto fail;
	}
	if (!created) {
		struct tw_users *u = read_users(ctx, path, NULL);

		if (!u)
			goto fail;
		if (listed(u, name)) {
			fprintf(stderr, "%s: the user '%s' is already listed in %s\n", ctl_progname, name, path);
			goto fail;
		}
	}
	if (!ends_with_newline(fd) && write(fd, "\n", 1) != 1) {
		fprintf(stderr, "%s: cannot write %s: %s\n", ctl_progname, path, strerror(errno));
		goto fail;
	}
	w = write(fd, line, len);
	if (w != (ssize_t)len || fsync(fd) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", ctl_progname, path,
			w < 0 || w == (ssize_t)len ? strerror(errno) : "short write");
		goto fail;
	}
	close(fd);
	return 0;

fail:
	close(fd);
	return 1;
}

/* ---- the commands ------------------------------------------------------- */

static const struct option file_opts[] = {
	{ "users", required_argument, NULL, 'u' },
	{ "password-stdin", no_argument, NULL, 'P' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int cmd_add(int argc, char **argv)
{
	const char *path = WEB_USERS_DEFAULT, *name, *role_s;
	char password[PASSWORD_MAX_BYTES + 2], *line, *err = NULL;
	bool from_stdin = false, missing;
	struct tw_users *users;
	enum tb_role role;
	void *ctx;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:h", file_opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			path = optarg;
			break;
		case 'P':
			from_stdin = true;
			break;
		case 'h':
			usage_add(stdout);
			return EXIT_SUCCESS;
		default:
			return ctl_option_error("web-user add", c, argv);
		}
	}
	if (argc - optind < 2)
		return ctl_usage_error("web-user add", "NAME and ROLE are needed: web-user add NAME ROLE");
	if (argc - optind > 2)
		return ctl_usage_error("web-user add", "unexpected argument \"%s\"", argv[optind + 2]);
	name = argv[optind];
	role_s = argv[optind + 1];
	if (!tw_user_name_valid(name))
		return ctl_usage_error("web-user add", "the name must be 1 to %u letters, digits, - _ or .",
				       TW_USER_NAME_MAX);
	role = tb_role_parse(role_s);
	if (role == TB_ROLE_NONE)
		return ctl_usage_error("web-user add", "unknown role \"%s\" (observer, dispatcher or admin)", role_s);
	if (!path[0])
		return ctl_usage_error("web-user add", "--users is empty");

	ctx = talloc_named_const(NULL, 0, "web-user");
	/* Refused before the password is asked: a name already listed, a
	 * file that is wrong. */
	users = read_users(ctx, path, &missing);
	if (!users && !missing) {
		talloc_free(ctx);
		return EXIT_FAILURE;
	}
	if (users && listed(users, name)) {
		fprintf(stderr, "%s: the user '%s' is already listed in %s\n", ctl_progname, name, path);
		talloc_free(ctx);
		return EXIT_FAILURE;
	}
	rc = get_password(from_stdin, password, sizeof(password));
	if (rc) {
		sodium_memzero(password, sizeof(password));
		talloc_free(ctx);
		return rc;
	}
	line = tw_users_line(ctx, name, role, password, &err);
	sodium_memzero(password, sizeof(password));
	if (!line) {
		fprintf(stderr, "%s: %s\n", ctl_progname, err ? err : "cannot hash the password");
		talloc_free(ctx);
		return EXIT_FAILURE;
	}
	rc = append_line(ctx, path, name, line);
	if (!rc)
		printf("added %s (%s) to %s\n", name, tb_role_name(role), path);
	talloc_free(ctx);
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_list(int argc, char **argv)
{
	const char *path = WEB_USERS_DEFAULT, *name;
	struct tw_users *u;
	enum tb_role role;
	void *ctx;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:h", file_opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			path = optarg;
			break;
		case 'h':
			usage_list(stdout);
			return EXIT_SUCCESS;
		default:
			/* --password-stdin is add's */
			if (c == 'P')
				return ctl_usage_error("web-user list", "--password-stdin is an option of add");
			return ctl_option_error("web-user list", c, argv);
		}
	}
	if (optind < argc)
		return ctl_usage_error("web-user list", "unexpected argument \"%s\"", argv[optind]);

	ctx = talloc_named_const(NULL, 0, "web-user");
	u = read_users(ctx, path, NULL);
	if (!u) {
		talloc_free(ctx);
		return EXIT_FAILURE;
	}
	for (unsigned i = 0; (name = tw_users_name(u, i, &role)); i++)
		printf("%-24s %s\n", name, tb_role_name(role));
	talloc_free(ctx);
	return EXIT_SUCCESS;
}

int ctl_cmd_web_user(int argc, char **argv)
{
	if (argc < 2) {
		usage_web_user(stderr);
		return ctl_usage_error("web-user", "which web-user command? (add, list)");
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage_web_user(stdout);
		return EXIT_SUCCESS;
	}
	if (!strcmp(argv[1], "add"))
		return cmd_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	return ctl_usage_error("web-user", "unknown web-user command \"%s\" (add, list)", argv[1]);
}
