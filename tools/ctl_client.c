/* tetractl's connection to the bridge (see ctl_client.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_client.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include <talloc.h>
#include <zmq.h>

const char *ctl_progname = "tetractl";

int ctl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ctl_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry '%s %s --help'.\n", ctl_progname, cmd);
	else
		fprintf(stderr, "\nTry '%s --help'.\n", ctl_progname);
	return EX_USAGE;
}

bool ctl_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400.0 * 365)
		return false;
	*out = v;
	return true;
}

/* ---- options and the config file ---------------------------------------- */

int ctl_conn_opt(struct ctl_conn_opts *o, const char *cmd, int c, const char *arg)
{
	switch (c) {
	case CTL_OPT_EVENTS:
	case CTL_OPT_COMMANDS:
		if (!arg[0])
			return ctl_usage_error(cmd, "--%s needs an endpoint such as %s",
					       c == CTL_OPT_EVENTS ? "events" : "commands",
					       c == CTL_OPT_EVENTS ? CTL_DEFAULT_EVENTS : CTL_DEFAULT_COMMANDS);
		if (c == CTL_OPT_EVENTS)
			o->events = arg;
		else
			o->commands = arg;
		return 1;
	case CTL_OPT_KEY:
		o->key = arg;
		return 1;
	case CTL_OPT_SERVER_KEY:
		o->server_key = arg;
		return 1;
	case CTL_OPT_CONFIG:
		o->config = arg;
		return 1;
	case CTL_OPT_TIMEOUT:
		if (!ctl_parse_seconds(arg, &o->timeout_s))
			return ctl_usage_error(cmd, "--timeout wants a number of seconds > 0, not \"%s\"", arg);
		return 1;
	default:
		return 0;
	}
}

/* A path from the config file: relative ones are relative to its folder, so
 * a config file and its keys can move together. */
static char *config_path(void *mem, const char *cfg, const char *value)
{
	const char *slash = strrchr(cfg, '/');

	if (value[0] == '/' || !slash)
		return talloc_strdup(mem, value);
	return talloc_asprintf(mem, "%.*s/%s", (int)(slash - cfg), cfg, value);
}

/* Read the config file; set only what the command line left open. */
static int read_config(struct ctl_conn_opts *o, const char *path, bool explicit)
{
	const char *ev = NULL, *cm = NULL, *key = NULL, *skey = NULL;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	FILE *f;
	int rc = 0;

	f = fopen(path, "r");
	if (!f) {
		if (!explicit && errno == ENOENT)
			return 0;
		fprintf(stderr, "%s: cannot read config file %s: %s\n", ctl_progname, path, strerror(errno));
		return explicit ? EX_USAGE : EXIT_FAILURE;
	}
	while (getline(&line, &cap, f) >= 0) {
		char *p = line, *word, *value, *end;

		lineno++;
		if ((end = strchr(p, '#')))
			*end = '\0';
		while (isspace((unsigned char)*p))
			p++;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*p)
			continue;
		word = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
		value = p;
		if (!value[0] || strpbrk(value, " \t")) {
			fprintf(stderr, "%s: %s line %lu is wrong: '%s' wants one value%s\n", ctl_progname, path,
				lineno, word, value[0] ? ", not several" : "");
			rc = EX_USAGE;
			break;
		}
		if (!strcmp(word, "events")) {
			ev = talloc_strdup(o->mem, value);
		} else if (!strcmp(word, "commands")) {
			cm = talloc_strdup(o->mem, value);
		} else if (!strcmp(word, "key")) {
			key = config_path(o->mem, path, value);
		} else if (!strcmp(word, "server-key")) {
			/* 40 characters that are not a file beside the config: a key given inline */
			char *as_path = config_path(o->mem, path, value);
			struct stat st;
			if (strlen(value) == TB_Z85_KEY_LEN && stat(as_path, &st) < 0)
				skey = talloc_strdup(o->mem, value);
			else
				skey = as_path;
		} else {
			fprintf(stderr, "%s: %s line %lu is wrong: unknown setting '%s' (known: events, commands, key, "
				"server-key)\n", ctl_progname, path, lineno, word);
			rc = EX_USAGE;
			break;
		}
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "%s: cannot read config file %s: %s\n", ctl_progname, path, strerror(errno));
		rc = EXIT_FAILURE;
	}
	free(line);
	fclose(f);
	if (rc)
		return rc;
	if (!o->events)
		o->events = ev;
	if (!o->commands)
		o->commands = cm;
	/* each setting on its own: e.g. --key other.key with the file's server-key */
	if (!o->key)
		o->key = key;
	if (!o->server_key)
		o->server_key = skey;
	return 0;
}

int ctl_conn_resolve(struct ctl_conn_opts *o, const char *cmd)
{
	const char *env;
	int rc;

	o->mem = talloc_named_const(NULL, 0, "tetractl config");
	if (!o->mem) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return EXIT_FAILURE;
	}
	if (o->config) {
		rc = read_config(o, o->config, true);
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		char *path = NULL;

		if (xdg && xdg[0] == '/')
			path = talloc_asprintf(o->mem, "%s/tetra-bridge/tetractl.conf", xdg);
		else if (home && home[0])
			path = talloc_asprintf(o->mem, "%s/.config/tetra-bridge/tetractl.conf", home);
		rc = path ? read_config(o, path, false) : 0;
	}
	if (rc)
		return rc;

	if (!o->events) {
		env = getenv(CTL_ENV_EVENTS);
		o->events = (env && env[0]) ? env : CTL_DEFAULT_EVENTS;
	}
	if (!o->commands) {
		env = getenv(CTL_ENV_COMMANDS);
		o->commands = (env && env[0]) ? env : CTL_DEFAULT_COMMANDS;
	}
	if (!(o->timeout_s > 0))
		o->timeout_s = CTL_DEFAULT_TIMEOUT_S;
	if (!!o->key != !!o->server_key)
		return ctl_usage_error(cmd, "%s without %s: CURVE needs this client's key pair (--key FILE.key) "
				       "and the bridge's public key (--server-key FILE.pub)",
				       o->key ? "--key" : "--server-key", o->key ? "--server-key" : "--key");
	return 0;
}

void ctl_conn_release(struct ctl_conn_opts *o)
{
	talloc_free(o->mem);
	o->mem = NULL;
}

/* ---- the client ---------------------------------------------------------- */

int ctl_client_open(struct ctl_client *cl, const struct ctl_conn_opts *o)
{
	void *tmp;
	char *err = NULL;
	int rc;

	memset(cl, 0, sizeof(*cl));
	cl->opts = o;
	cl->sigfd = -1;
	cl->next_request_id = 1;

	if (o->key) {
		tmp = talloc_named_const(NULL, 0, "keys");
		if (!zmq_has("curve")) {
			fprintf(stderr, "%s: this libzmq was built without CURVE: it cannot use --key and --server-key\n",
				ctl_progname);
			talloc_free(tmp);
			return EXIT_FAILURE;
		}
		rc = tb_curve_key_load(tmp, o->key, &cl->me, &err);
		if (rc == 0 && !cl->me.secret_key[0]) {
			fprintf(stderr, "%s: %s has no secret key: give --key the .key file 'tetractl keygen' wrote, "
				"not the .pub\n", ctl_progname, o->key);
			talloc_free(tmp);
			return EX_USAGE;
		}
		if (rc == 0)
			rc = tb_curve_key_load(tmp, o->server_key, &cl->server, &err);
		if (rc < 0) {
			fprintf(stderr, "%s: %s\n", ctl_progname, err ? err : strerror(-rc));
			talloc_free(tmp);
			return EXIT_FAILURE;
		}
		talloc_free(tmp);
		cl->curve = true;
	}

	cl->zctx = zmq_ctx_new();
	if (!cl->zctx) {
		fprintf(stderr, "%s: cannot create a ZeroMQ context: %s\n", ctl_progname, zmq_strerror(zmq_errno()));
		return EXIT_FAILURE;
	}
	return 0;
}

void ctl_client_close(struct ctl_client *cl)
{
	if (cl->cmd)
		zmq_close(cl->cmd);
	cl->cmd = NULL;
	if (cl->zctx)
		zmq_ctx_term(cl->zctx);
	cl->zctx = NULL;
	/* no secret key left in memory we give back */
	memset(&cl->me, 0, sizeof(cl->me));
}

/* LINGER 0 and, with keys, the CURVE client options (before connect). */
static int setup_socket(struct ctl_client *cl, void *sock)
{
	int linger = 0;

	zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger));
	if (!cl->curve)
		return 0;
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, cl->server.public_key, TB_Z85_KEY_LEN) < 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, cl->me.public_key, TB_Z85_KEY_LEN) < 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, cl->me.secret_key, TB_Z85_KEY_LEN) < 0)
		return -zmq_errno();
	return 0;
}

static int connect_status(int e)
{
	return (e == EINVAL || e == EPROTONOSUPPORT) ? EX_USAGE : EXIT_FAILURE;
}

void *ctl_client_sub(struct ctl_client *cl, const char *const *topics, unsigned n_topics, int *exit_status)
{
	void *sock;
	unsigned i;
	int rc;

	*exit_status = EXIT_FAILURE;
	sock = zmq_socket(cl->zctx, ZMQ_SUB);
	if (!sock) {
		fprintf(stderr, "%s: cannot create a SUB socket: %s\n", ctl_progname, zmq_strerror(zmq_errno()));
		return NULL;
	}
	rc = setup_socket(cl, sock);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot set the CURVE keys: %s\n", ctl_progname, zmq_strerror(-rc));
		zmq_close(sock);
		return NULL;
	}
	if (n_topics == 0)
		zmq_setsockopt(sock, ZMQ_SUBSCRIBE, "", 0);
	for (i = 0; i < n_topics; i++)
		zmq_setsockopt(sock, ZMQ_SUBSCRIBE, topics[i], strlen(topics[i]));
	if (zmq_connect(sock, cl->opts->events) < 0) {
		int e = zmq_errno();
		fprintf(stderr, "%s: cannot connect to events endpoint %s: %s\n", ctl_progname, cl->opts->events,
			zmq_strerror(e));
		*exit_status = connect_status(e);
		zmq_close(sock);
		return NULL;
	}
	*exit_status = 0;
	return sock;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int open_cmd(struct ctl_client *cl)
{
	int rc;

	if (cl->cmd)
		return 0;
	cl->cmd = zmq_socket(cl->zctx, ZMQ_DEALER);
	if (!cl->cmd) {
		fprintf(stderr, "%s: cannot create a DEALER socket: %s\n", ctl_progname, zmq_strerror(zmq_errno()));
		return -ENOMEM;
	}
	rc = setup_socket(cl, cl->cmd);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot set the CURVE keys: %s\n", ctl_progname, zmq_strerror(-rc));
	} else if (zmq_connect(cl->cmd, cl->opts->commands) < 0) {
		rc = -zmq_errno();
		fprintf(stderr, "%s: cannot connect to command endpoint %s: %s\n", ctl_progname, cl->opts->commands,
			zmq_strerror(-rc));
	}
	if (rc < 0) {
		zmq_close(cl->cmd);
		cl->cmd = NULL;
	}
	return rc;
}

/* One message from the DEALER: the Reply is its last frame (a REQ-style
 * empty delimiter before it is tolerated). NULL for anything undecodable. */
static Tetrabridge__V1__Reply *recv_reply(void *sock, int *err)
{
	Tetrabridge__V1__Reply *r = NULL;
	zmq_msg_t frame;
	int more;
	size_t len;

	*err = 0;
	do {
		zmq_msg_init(&frame);
		if (zmq_msg_recv(&frame, sock, ZMQ_DONTWAIT) < 0) {
			*err = zmq_errno();
			zmq_msg_close(&frame);
			if (r)
				tetrabridge__v1__reply__free_unpacked(r, NULL);
			return NULL;
		}
		more = zmq_msg_more(&frame);
		len = zmq_msg_size(&frame);
		if (!more) {
			if (r)
				tetrabridge__v1__reply__free_unpacked(r, NULL);
			r = tetrabridge__v1__reply__unpack(NULL, len, zmq_msg_data(&frame));
		}
		zmq_msg_close(&frame);
	} while (more);
	return r;
}

int ctl_request(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply)
{
	int64_t deadline = mono_ms() + (int64_t)(cl->opts->timeout_s * 1000.0 + 0.5);
	size_t len;
	uint8_t *buf;
	int rc, sndtimeo;

	*reply = NULL;
	rc = open_cmd(cl);
	if (rc < 0)
		return rc;

	cmd->request_id = cl->next_request_id++;
	len = tetrabridge__v1__command__get_packed_size(cmd);
	buf = malloc(len ? len : 1);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return -ENOMEM;
	}
	tetrabridge__v1__command__pack(cmd, buf);
	/* DEALER queues while connecting; it only blocks when no pipe exists at all */
	sndtimeo = (int)(cl->opts->timeout_s * 1000.0 + 0.5);
	zmq_setsockopt(cl->cmd, ZMQ_SNDTIMEO, &sndtimeo, sizeof(sndtimeo));
	rc = zmq_send(cl->cmd, buf, len, 0);
	free(buf);
	if (rc < 0) {
		rc = zmq_errno();
		if (rc == EAGAIN)
			return -ETIMEDOUT;
		if (rc == EINTR)
			return -EINTR;
		fprintf(stderr, "%s: cannot send the command to %s: %s\n", ctl_progname, cl->opts->commands,
			zmq_strerror(rc));
		return -rc;
	}

	for (;;) {
		zmq_pollitem_t items[2] = {
			{ .socket = cl->cmd, .events = ZMQ_POLLIN },
			{ .fd = cl->sigfd, .events = ZMQ_POLLIN },
		};
		int64_t left = deadline - mono_ms();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = zmq_poll(items, cl->sigfd >= 0 ? 2 : 1, left > LONG_MAX ? LONG_MAX : (long)left);
		if (n < 0) {
			if (zmq_errno() == EINTR)
				continue;
			fprintf(stderr, "%s: poll failed: %s\n", ctl_progname, zmq_strerror(zmq_errno()));
			return -zmq_errno();
		}
		if (cl->sigfd >= 0 && (items[1].revents & ZMQ_POLLIN))
			return -EINTR;
		if (!(items[0].revents & ZMQ_POLLIN))
			continue;
		for (;;) {
			Tetrabridge__V1__Reply *r;
			int err;

			r = recv_reply(cl->cmd, &err);
			if (err == EAGAIN)
				break;
			if (err) {
				fprintf(stderr, "%s: receive failed: %s\n", ctl_progname, zmq_strerror(err));
				return -err;
			}
			if (!r) {
				fprintf(stderr, "warning: an undecodable reply from %s; skipped\n", cl->opts->commands);
				continue;
			}
			/* a late reply to an earlier request that timed out: not ours */
			if (r->request_id != cmd->request_id) {
				tetrabridge__v1__reply__free_unpacked(r, NULL);
				continue;
			}
			*reply = r;
			return 0;
		}
	}
}

const char *ctl_no_reply_text(const struct ctl_client *cl, char *buf, size_t len)
{
	snprintf(buf, len, "no reply from the bridge at %s within %g s", cl->opts->commands, cl->opts->timeout_s);
	return buf;
}

const char *ctl_reply_code_name(Tetrabridge__V1__Reply__Code code)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value(&tetrabridge__v1__reply__code__descriptor, (int)code);

	return v ? v->name : "UNLISTED_ERROR";
}

int ctl_call(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply)
{
	char why[256];
	int rc;

	rc = ctl_request(cl, cmd, reply);
	if (rc == -ETIMEDOUT) {
		fprintf(stderr, "%s: %s: is tetra-bridged running, and is your key in its clients file?\n",
			ctl_progname, ctl_no_reply_text(cl, why, sizeof(why)));
		return EXIT_FAILURE;
	}
	if (rc == -EINTR)
		return EXIT_FAILURE;
	if (rc < 0)
		return EXIT_FAILURE;
	if ((*reply)->code != TETRABRIDGE__V1__REPLY__CODE__OK) {
		const char *e = (*reply)->error;
		fprintf(stderr, "%s: %s: %s\n", ctl_progname, ctl_reply_code_name((*reply)->code),
			e && e[0] ? e : "the bridge gave no reason");
		tetrabridge__v1__reply__free_unpacked(*reply, NULL);
		*reply = NULL;
		return EXIT_FAILURE;
	}
	return 0;
}

int ctl_replay(struct ctl_client *cl, uint64_t from_seq, uint32_t max_events, Tetrabridge__V1__Reply **reply)
{
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__Replay rp = TETRABRIDGE__V1__REPLAY__INIT;

	rp.from_seq = from_seq;
	rp.max_events = max_events;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY;
	cmd.replay = &rp;
	return ctl_request(cl, &cmd, reply);
}
