/* tetra-sim: simulated TETRA terminals on pseudo-terminals, so the bridge's
 * tty transport can be run against something that answers like a radio.
 *
 *   tetra-sim [options] NAME[:TSI[:SCENARIO]]...
 *
 * stdout: one line "NAME /dev/pts/N" per terminal, then "ready"; after that
 * one reply ("ok" or "error: <why>") per control line read from stdin:
 *   NAME play FILE       load FILE as NAME's scenario and start it
 *   NAME stop            stop NAME's scenario (its responders too)
 *   NAME silent on|off   NAME stops / resumes answering (a dead terminal)
 *   busy NAME N          NAME answers its next N AT+CMGS "+CME ERROR: 42"
 *   airfail NAME N       NAME's next N SDS taken end "+CMGS: <inst>,5"
 *                        ("NAME busy N" and "NAME airfail N" work too)
 *   NAME LINE...         NAME prints LINE now (CR LF appended)
 * All terminals of one tetra-sim share a simulated air: an SDS one of them
 * sends reaches the others it is addressed to (see sim_terminal.h). The
 * responders of a terminal's scenario answer the SDS the host sends
 * through that terminal (call-outs without radios; docs/testing.md §3).
 * Blank lines are ignored. With --events, "event NAME cmd <command line>"
 * and "event NAME sds <AT+CMGS line> <hex>" lines report what the host sent.
 * EOF on stdin (unless --no-control), SIGINT or SIGTERM: exit 0.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE	/* posix_openpt, ptsname */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <osmocom/core/application.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "codecs/pei_urc.h"
#include "common/logging.h"
#include "radio-drivers/sim_terminal.h"

#include "ipc/version.h"

#define DEFAULT_TSI_BASE 9011638300000000ULL	/* 0901 16383 00000000, + index */
/* The forms codecs/identity.c reads, for people. */
#define TSI_FORMS "17 digits (MCC 4, MNC 5, SSI 8, zero-padded)\n" \
	"             or 12 to 16 (MCC 3 digits, 4 when it starts with 0; SSI the last 8;\n" \
	"             MNC the 1 to 5 between); MCC <= 1023, MNC <= 16383, SSI <= 16777215"
#define CTL_LINE_MAX 4096

struct term {
	struct llist_head list;
	char *name;
	char *tsi;
	char *pts;		/* /dev/pts/N */
	char *link;		/* --link-dir symlink, or NULL */
	int slave_fd;		/* kept open so a closing host does not hang up the master */
	struct osmo_fd master;
	struct tb_sim_terminal *sim;
	uint64_t dropped;
};

static void *g_ctx;
static LLIST_HEAD(g_terms);
static bool g_quit;
static bool g_events;
static struct osmo_fd g_stdin = { .fd = -1 };
static char g_ctl[CTL_LINE_MAX + 1];
static size_t g_ctl_len;
static bool g_ctl_overflow;

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Terminal output -> master side of its pty. Nobody may be reading the
 * slave: when the pty buffer is full the output is lost, as it would be on
 * a real terminal with nothing attached (the host flushes on open anyway). */
static void term_out(const uint8_t *buf, size_t len, void *data)
{
	struct term *t = data;

	while (len) {
		ssize_t n = write(t->master.fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			t->dropped += len;
			LOGP(DSIM, LOGL_DEBUG, "%s: %zu output bytes dropped (%s)\n", t->name, len,
			     n < 0 ? strerror(errno) : "short write");
			return;
		}
		buf += n;
		len -= n;
	}
}

static void term_cmd(const char *cmd, const char *user_data, void *data)
{
	struct term *t = data;

	if (!g_events)
		return;
	if (user_data)
		reply("event %s sds %s %s", t->name, cmd, user_data);
	else
		reply("event %s cmd %s", t->name, cmd);
}

static int master_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct term *t = ofd->data;
	uint8_t buf[512];
	ssize_t n;

	if (!(what & OSMO_FD_READ))
		return 0;
	n = read(ofd->fd, buf, sizeof(buf));
	if (n > 0) {
		tb_sim_input(t->sim, buf, n);
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* Cannot happen while we hold the slave open; do not spin on it. */
	LOGP(DSIM, LOGL_ERROR, "%s: pty master: %s; terminal stopped\n", t->name,
	     n < 0 ? strerror(errno) : "end of file");
	osmo_fd_unregister(ofd);
	return 0;
}

static struct term *term_find(const char *name, size_t len)
{
	struct term *t;

	llist_for_each_entry(t, &g_terms, list)
		if (strlen(t->name) == len && !memcmp(t->name, name, len))
			return t;
	return NULL;
}

static bool valid_name(const char *n)
{
	if (!*n || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (; *n; n++)
		if (*n == '/' || *n <= ' ' || *n == 0x7f)
			return false;
	return true;
}

/* A TSI as the codecs read it (codecs/identity.c): what the terminal
 * reports on AT+CNUMF? is what the simulated air addresses it by. */
static bool valid_tsi(const char *s)
{
	struct tetra_identity id;

	return tetra_identity_parse(s, strlen(s), TETRA_ID_NONE, &id) == TETRA_OK && id.type == TETRA_ID_TSI;
}

static int term_play(struct term *t, const char *path, char *why, size_t why_len)
{
	unsigned line = 0;
	int rc = tb_sim_load_scenario(t->sim, path, &line);

	if (rc < 0) {
		if (rc == -EINVAL && line)
			snprintf(why, why_len, "%s line %u: %s", path, line, tb_sim_load_error(t->sim));
		else
			snprintf(why, why_len, "%s: %s", path, tb_sim_load_error(t->sim));
		return rc;
	}
	tb_sim_start(t->sim);
	return 0;
}

/* NAME[:TSI[:SCENARIO]] */
static struct term *term_create(const char *spec, unsigned index, const char *link_dir)
{
	char *s = talloc_strdup(g_ctx, spec);
	char *name = s, *tsi = NULL, *scn = NULL, *c;
	struct term *t = NULL;
	struct termios tio;
	char why[PATH_MAX + 128];
	int fd = -1;

	if ((c = strchr(name, ':'))) {
		*c = '\0';
		tsi = c + 1;
		if ((c = strchr(tsi, ':'))) {
			*c = '\0';
			scn = c + 1;
		}
	}
	if (!valid_name(name)) {
		fprintf(stderr, "tetra-sim: '%s': a terminal name must be non-empty, without '/' or blanks\n", spec);
		goto fail;
	}
	if (term_find(name, strlen(name))) {
		fprintf(stderr, "tetra-sim: terminal name '%s' given twice\n", name);
		goto fail;
	}
	if (tsi && *tsi && !valid_tsi(tsi)) {
		fprintf(stderr, "tetra-sim: %s: a TSI is " TSI_FORMS "\n", name);
		goto fail;
	}

	t = talloc_zero(g_ctx, struct term);
	t->name = talloc_strdup(t, name);
	if (tsi && *tsi)
		t->tsi = talloc_strdup(t, tsi);
	else
		t->tsi = talloc_asprintf(t, "%017llu", DEFAULT_TSI_BASE + index);
	t->slave_fd = -1;
	t->master.fd = -1;

	fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 || !ptsname(fd)) {
		fprintf(stderr, "tetra-sim: %s: cannot create a pty: %s\n", name, strerror(errno));
		goto fail;
	}
	t->pts = talloc_strdup(t, ptsname(fd));
	t->slave_fd = open(t->pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->slave_fd < 0) {
		fprintf(stderr, "tetra-sim: %s: cannot open %s: %s\n", name, t->pts, strerror(errno));
		goto fail;
	}
	/* Raw line discipline: no echo, no CR/LF mangling, 8 bits. */
	if (tcgetattr(t->slave_fd, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(t->slave_fd, TCSANOW, &tio);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		fprintf(stderr, "tetra-sim: %s: %s\n", name, strerror(errno));
		goto fail;
	}
	osmo_fd_setup(&t->master, fd, OSMO_FD_READ, master_cb, t, 0);
	fd = -1;
	if (osmo_fd_register(&t->master) < 0) {
		fprintf(stderr, "tetra-sim: %s: cannot watch the pty\n", name);
		goto fail;
	}

	t->sim = tb_sim_alloc(t, t->tsi, term_out, t);
	if (!t->sim)
		goto fail;
	tb_sim_set_name(t->sim, name);
	tb_sim_set_cmd_cb(t->sim, term_cmd, t);
	if (scn && *scn && term_play(t, scn, why, sizeof(why)) < 0) {
		fprintf(stderr, "tetra-sim: %s: scenario %s\n", name, why);
		goto fail;
	}

	if (link_dir) {
		char *link = talloc_asprintf(t, "%s/%s", link_dir, name);
		struct stat st;

		if (lstat(link, &st) == 0 && S_ISLNK(st.st_mode))
			unlink(link);
		if (symlink(t->pts, link) < 0) {
			fprintf(stderr, "tetra-sim: %s: cannot create %s: %s\n", name, link, strerror(errno));
			goto fail;
		}
		t->link = link;
	}
	llist_add_tail(&t->list, &g_terms);
	talloc_free(s);
	return t;

fail:
	if (fd >= 0)
		close(fd);
	if (t) {
		tb_sim_destroy(&t->sim);
		if (t->master.fd >= 0) {
			if (osmo_fd_is_registered(&t->master))
				osmo_fd_unregister(&t->master);
			close(t->master.fd);
		}
		if (t->slave_fd >= 0)
			close(t->slave_fd);
		talloc_free(t);
	}
	talloc_free(s);
	return NULL;
}

static void term_destroy(struct term *t)
{
	llist_del(&t->list);
	tb_sim_destroy(&t->sim);
	if (t->master.fd >= 0) {
		if (osmo_fd_is_registered(&t->master))
			osmo_fd_unregister(&t->master);
		close(t->master.fd);
	}
	if (t->slave_fd >= 0)
		close(t->slave_fd);
	if (t->link) {
		char target[PATH_MAX];
		ssize_t n = readlink(t->link, target, sizeof(target) - 1);

		/* Only our own link: another tetra-sim may have taken the name. */
		if (n > 0) {
			target[n] = '\0';
			if (!strcmp(target, t->pts))
				unlink(t->link);
		}
	}
	talloc_free(t);
}

/* "N" of busy / airfail: a count 0..1000000. */
static bool parse_count(const char *s, unsigned *n)
{
	char *end;
	unsigned long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || *end || v > 1000000)
		return false;
	*n = (unsigned)v;
	return true;
}

/* busy / airfail on terminal t with the count in arg. */
static void control_count(struct term *t, bool busy, const char *arg)
{
	unsigned n;

	if (!parse_count(arg, &n)) {
		reply("error: %s needs a count from 0 to 1000000", busy ? "busy" : "airfail");
		return;
	}
	if (busy)
		tb_sim_set_busy(t->sim, n);
	else
		tb_sim_set_airfail(t->sim, n);
	reply("ok");
}

/* "busy NAME N" / "airfail NAME N" when no terminal is named busy/airfail.
 * Returns whether the line was one. */
static bool control_count_first(char *line, char *sp)
{
	bool busy = sp - line == 4 && !strncmp(line, "busy", 4);
	bool airfail = sp - line == 7 && !strncmp(line, "airfail", 7);
	char *name, *end;
	struct term *t;

	if ((!busy && !airfail) || term_find(line, sp - line))
		return false;
	name = sp;
	while (*name == ' ' || *name == '\t')
		name++;
	end = name + strcspn(name, " \t");
	t = term_find(name, end - name);
	if (!t) {
		*end = '\0';
		reply("error: no terminal named '%s'", name);
		return true;
	}
	control_count(t, busy, end);
	return true;
}

/* One control line (without its line end). */
static void control_line(char *line)
{
	char *sp, *rest;
	struct term *t;
	char why[PATH_MAX + 128];

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line)
		return;
	sp = strpbrk(line, " \t");
	if (sp && control_count_first(line, sp))
		return;
	if (!sp) {
		reply("error: '%s' needs a line to print or play/stop/silent/busy/airfail", line);
		return;
	}
	t = term_find(line, sp - line);
	if (!t) {
		*sp = '\0';
		reply("error: no terminal named '%s'", line);
		return;
	}
	rest = sp + 1;

	if (!strncmp(rest, "play ", 5) || !strcmp(rest, "play")) {
		char *path = rest + 4;

		while (*path == ' ' || *path == '\t')
			path++;
		if (!*path) {
			reply("error: play needs a scenario file");
			return;
		}
		if (term_play(t, path, why, sizeof(why)) < 0)
			reply("error: %s", why);
		else
			reply("ok");
	} else if (!strcmp(rest, "stop")) {
		tb_sim_stop(t->sim);
		reply("ok");
	} else if (!strcmp(rest, "silent on")) {
		tb_sim_set_silent(t->sim, true);
		reply("ok");
	} else if (!strcmp(rest, "silent off")) {
		tb_sim_set_silent(t->sim, false);
		reply("ok");
	} else if (!strncmp(rest, "silent", 6) && (rest[6] == ' ' || rest[6] == '\0')) {
		reply("error: silent on or silent off");
	} else if (!strncmp(rest, "busy", 4) && (rest[4] == ' ' || rest[4] == '\t' || rest[4] == '\0')) {
		control_count(t, true, rest + 4);
	} else if (!strncmp(rest, "airfail", 7) && (rest[7] == ' ' || rest[7] == '\t' || rest[7] == '\0')) {
		control_count(t, false, rest + 7);
	} else if (tb_sim_is_silent(t->sim)) {
		reply("error: %s is silent", t->name);
	} else {
		tb_sim_inject(t->sim, rest);
		reply("ok");
	}
}

static int stdin_cb(struct osmo_fd *ofd, unsigned int what)
{
	char buf[1024];
	ssize_t n = read(ofd->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		LOGP(DMAIN, LOGL_INFO, "control input closed, exiting\n");
		osmo_fd_unregister(ofd);
		g_quit = true;
		return 0;
	}
	for (ssize_t i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\n') {
			if (g_ctl_overflow) {
				reply("error: control line too long");
			} else {
				if (g_ctl_len && g_ctl[g_ctl_len - 1] == '\r')
					g_ctl_len--;
				g_ctl[g_ctl_len] = '\0';
				control_line(g_ctl);
			}
			g_ctl_len = 0;
			g_ctl_overflow = false;
		} else if (g_ctl_len < CTL_LINE_MAX) {
			g_ctl[g_ctl_len++] = c;
		} else {
			g_ctl_overflow = true;
		}
	}
	return 0;
}

static void signal_cb(struct osmo_signalfd *osfd, const struct signalfd_siginfo *fdsi)
{
	LOGP(DMAIN, LOGL_INFO, "signal %u, exiting\n", fdsi->ssi_signo);
	g_quit = true;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tetra-sim [options] NAME[:TSI[:SCENARIO]]...\n"
		"Serve simulated TETRA terminals (PEI) on pseudo-terminals.\n"
		"\n"
		"  NAME       terminal name (no '/' or blanks)\n"
		"  TSI        reported on AT+CNUMF? (default 09011638300000001, ...02 and so\n"
		"             on by position): " TSI_FORMS "\n"
		"  SCENARIO   scenario file played from start (see examples/scenarios/)\n"
		"\n"
		"  -l, --link-dir DIR  also create symlinks DIR/NAME -> /dev/pts/N\n"
		"  -e, --events        report host commands on stdout:\n"
		"                      \"event NAME cmd LINE\", \"event NAME sds AT+CMGS=... HEX\"\n"
		"  -n, --no-control    ignore stdin (run until SIGINT/SIGTERM)\n"
		"  -d, --debug         debug logging (stderr)\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"stdout: \"NAME /dev/pts/N\" per terminal, then \"ready\".\n"
		"stdin, one command per line, each answered \"ok\" or \"error: WHY\":\n"
		"  NAME play FILE       load and start a scenario\n"
		"  NAME stop            stop the scenario (and its responders)\n"
		"  NAME silent on|off   stop / resume answering\n"
		"  busy NAME N          answer the next N AT+CMGS \"+CME ERROR: 42\" (busy)\n"
		"  airfail NAME N       the next N SDS taken fail on the air (\"+CMGS: <inst>,5\")\n"
		"                       (\"NAME busy N\" and \"NAME airfail N\" work too)\n"
		"  NAME LINE...         the terminal prints LINE (CR LF appended)\n"
		"Terminals share a simulated air: an SDS one sends (AT+CTSDS, AT+CMGS) reaches\n"
		"the others whose identity it is addressed to, as +CTSDSR. The \"responder\"\n"
		"lines of a terminal's scenario answer the SDS the host sends through it\n"
		"(reports, answers, statuses, positions; see examples/scenarios/callout-demo.scn).\n"
		"EOF on stdin, SIGINT or SIGTERM: exit 0.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "link-dir", required_argument, NULL, 'l' },
		{ "events", no_argument, NULL, 'e' },
		{ "no-control", no_argument, NULL, 'n' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *link_dir = NULL;
	bool debug = false, control = true;
	struct term *t, *t2;
	sigset_t sigs;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "l:endhV", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			link_dir = optarg;
			break;
		case 'e':
			g_events = true;
			break;
		case 'n':
			control = false;
			break;
		case 'd':
			debug = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tetra-sim %s\n", TB_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "tetra-sim: no terminal given\n");
		usage(stderr);
		return 2;
	}

	g_ctx = talloc_named_const(NULL, 0, "tetra-sim");
	if (tb_logging_init(g_ctx) < 0) {
		fprintf(stderr, "tetra-sim: cannot set up logging\n");
		return 1;
	}
	if (debug) {
		for (unsigned i = 0; i < tb_log_info.num_cat; i++)
			log_set_category_filter(osmo_stderr_target, i, 1, LOGL_DEBUG);
		log_set_log_level(osmo_stderr_target, LOGL_DEBUG);
	}

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	if (!osmo_signalfd_setup(g_ctx, sigs, signal_cb, NULL)) {
		fprintf(stderr, "tetra-sim: cannot set up signal handling\n");
		return 1;
	}

	for (int i = optind; i < argc; i++) {
		if (!term_create(argv[i], i - optind + 1, link_dir)) {
			rc = 1;
			goto out;
		}
	}

	if (control) {
		osmo_fd_setup(&g_stdin, STDIN_FILENO, OSMO_FD_READ, stdin_cb, NULL, 0);
		if (osmo_fd_register(&g_stdin) < 0) {
			fprintf(stderr, "tetra-sim: cannot watch stdin\n");
			rc = 1;
			goto out;
		}
	}

	llist_for_each_entry(t, &g_terms, list)
		printf("%s %s\n", t->name, t->pts);
	reply("ready");

	while (!g_quit)
		osmo_select_main(0);

out:
	if (osmo_fd_is_registered(&g_stdin))
		osmo_fd_unregister(&g_stdin);
	llist_for_each_entry_safe(t, t2, &g_terms, list)
		term_destroy(t);
	return rc;
}
