/* tetractl's connection to the bridge (see ctl_client.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_client.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <jansson.h>
#include <talloc.h>
#include <zmq.h>

#include "ipc/pb_json.h"

/* ---- connecting ------------------------------------------------------------ */

/* This client's key pair and the bridge's public key, when --key is set. */
static int load_keys(struct ctl_client *cl)
{
	const struct ctl_conn_opts *o = cl->opts;
	char *err = NULL;
	void *tmp;
	int rc;

	if (!o->key)
		return 0;
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
	return 0;
}

int ctl_connect(struct ctl_client *cl, struct ctl_conn_opts *o, const char *cmd)
{
	int rc;

	memset(cl, 0, sizeof(*cl));
	cl->opts = o;
	cl->sigfd = -1;
	cl->next_request_id = 1;

	rc = ctl_conn_resolve(o, cmd);
	if (rc)
		return rc;
	rc = load_keys(cl);
	if (rc)
		return rc;
	cl->zctx = zmq_ctx_new();
	if (!cl->zctx) {
		fprintf(stderr, "%s: cannot create a ZeroMQ context: %s\n", ctl_progname, zmq_strerror(zmq_errno()));
		return EXIT_FAILURE;
	}
	return 0;
}

void ctl_disconnect(struct ctl_client *cl)
{
	if (cl->cmd)
		zmq_close(cl->cmd);
	cl->cmd = NULL;
	if (cl->zctx)
		zmq_ctx_term(cl->zctx);
	cl->zctx = NULL;
	/* no secret key left in memory we give back */
	memset(&cl->me, 0, sizeof(cl->me));
	if (cl->opts)
		ctl_conn_release(cl->opts);
	cl->opts = NULL;
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

/* ---- waiting and receiving ------------------------------------------------ */

int64_t ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ctl_timeout_ms(double s)
{
	int64_t ms = (int64_t)(s * 1000.0);

	return (double)ms < s * 1000.0 || ms == 0 ? ms + 1 : ms;
}

int ctl_wait(void *sock, int sigfd, int64_t deadline_ms)
{
	for (;;) {
		zmq_pollitem_t items[2] = {
			{ .socket = sock, .events = ZMQ_POLLIN },
			{ .fd = sigfd, .events = ZMQ_POLLIN },
		};
		long wait_ms = -1;
		int n;

		if (deadline_ms) {
			int64_t left = deadline_ms - ctl_now_ms();

			if (left <= 0)
				return 0;
			wait_ms = left > LONG_MAX ? LONG_MAX : (long)left;
		}
		n = zmq_poll(items, sigfd >= 0 ? 2 : 1, wait_ms);
		if (n < 0) {
			if (zmq_errno() == EINTR)
				continue;
			fprintf(stderr, "%s: poll failed: %s\n", ctl_progname, zmq_strerror(zmq_errno()));
			return -zmq_errno();
		}
		if (sigfd >= 0 && (items[1].revents & ZMQ_POLLIN))
			return -EINTR;
		if (items[0].revents & ZMQ_POLLIN)
			return 1;
	}
}

int ctl_recv_frames(void *sock, ctl_frame_fn fn, void *data)
{
	zmq_msg_t frame;
	unsigned n = 0;
	int more;

	do {
		zmq_msg_init(&frame);
		if (zmq_msg_recv(&frame, sock, ZMQ_DONTWAIT) < 0) {
			int e = zmq_errno();
			zmq_msg_close(&frame);
			return -e;
		}
		more = zmq_msg_more(&frame);
		fn(zmq_msg_data(&frame), zmq_msg_size(&frame), n++, !more, data);
		zmq_msg_close(&frame);
	} while (more);
	return (int)n;
}

/* The Reply is the last frame (a REQ-style empty delimiter before it is
 * tolerated); NULL when it does not decode. */
static void reply_frame(const uint8_t *buf, size_t len, unsigned i, bool last, void *data)
{
	Tetrabridge__V1__Reply **r = data;

	if (last)
		*r = tetrabridge__v1__reply__unpack(NULL, len, buf);
}

/* ---- one Command, one Reply ---------------------------------------------- */

/* Pack and send cmd (its request_id set here). Returns 0 or -errno
 * (-ETIMEDOUT, -EINTR unprinted; anything else printed). */
static int send_command(struct ctl_client *cl, Tetrabridge__V1__Command *cmd)
{
	size_t len;
	uint8_t *buf;
	int rc, sndtimeo;

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
	return 0;
}

int ctl_request(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply)
{
	int64_t deadline = ctl_now_ms() + (int64_t)(cl->opts->timeout_s * 1000.0 + 0.5);
	int rc;

	*reply = NULL;
	rc = open_cmd(cl);
	if (rc == 0)
		rc = send_command(cl, cmd);
	if (rc < 0)
		return rc;

	for (;;) {
		rc = ctl_wait(cl->cmd, cl->sigfd, deadline);
		if (rc == 0)
			return -ETIMEDOUT;
		if (rc < 0)
			return rc;
		for (;;) {
			Tetrabridge__V1__Reply *r = NULL;

			rc = ctl_recv_frames(cl->cmd, reply_frame, &r);
			if (rc == -EAGAIN)
				break;
			if (rc < 0) {
				fprintf(stderr, "%s: receive failed: %s\n", ctl_progname, zmq_strerror(-rc));
				return rc;
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

int ctl_call_any(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply)
{
	char why[256];
	int rc;

	rc = ctl_request(cl, cmd, reply);
	if (rc == -ETIMEDOUT) {
		fprintf(stderr, "%s: %s: is tetra-bridged running, and is your key in its clients file?\n",
			ctl_progname, ctl_no_reply_text(cl, why, sizeof(why)));
		return EXIT_FAILURE;
	}
	if (rc < 0)
		return EXIT_FAILURE;	/* printed already, or a signal */
	return 0;
}

int ctl_call(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply)
{
	int rc;

	rc = ctl_call_any(cl, cmd, reply);
	if (rc)
		return rc;
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

void ctl_replay_command(Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Replay *rp, uint64_t from_seq,
			uint32_t max_events)
{
	tetrabridge__v1__command__init(cmd);
	tetrabridge__v1__replay__init(rp);
	rp->from_seq = from_seq;
	rp->max_events = max_events;
	cmd->command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY;
	cmd->replay = rp;
}

int ctl_print_json(const ProtobufCMessage *msg)
{
	json_t *j = tb_pb_to_json(msg);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (!s) {
		fprintf(stderr, "%s: out of memory formatting JSON\n", ctl_progname);
		return -ENOMEM;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

/* ---- a subcommand that asks one thing --------------------------------------- */

/* The message of reply's result oneof, when it holds `want` (the oneof's
 * case is the member's field number). */
static const ProtobufCMessage *reply_result(const Tetrabridge__V1__Reply *reply,
					    Tetrabridge__V1__Reply__ResultCase want)
{
	const ProtobufCFieldDescriptor *f;

	if (reply->result_case != want)
		return NULL;
	f = protobuf_c_message_descriptor_get_field(&tetrabridge__v1__reply__descriptor, (unsigned)want);
	if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	return *(const ProtobufCMessage *const *)((const char *)reply + f->offset);
}

int ctl_query_run(const struct ctl_query *q, Tetrabridge__V1__Command *cmd, int argc, char **argv)
{
	struct ctl_conn_opts conn = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	Tetrabridge__V1__Reply *reply = NULL;
	const ProtobufCMessage *result;
	bool json = false;
	int rc;

	if ((rc = ctl_conn_only_args(q->cmd, argc, argv, q->usage, &conn, &json)) != 1)
		return rc;
	if ((rc = ctl_no_more_args(q->cmd, argc, argv)))
		return rc;

	rc = ctl_connect(&cl, &conn, q->cmd);
	if (rc)
		goto out;
	rc = ctl_call(&cl, cmd, &reply);
	if (rc)
		goto out;
	result = reply_result(reply, q->result);
	if (!result) {
		fprintf(stderr, "%s: the bridge's reply holds %s: is it a tetra-bridged?\n", ctl_progname, q->missing);
		rc = EXIT_FAILURE;
		goto out;
	}
	if (reply->error && reply->error[0])
		fprintf(stderr, "%s: %s\n", ctl_progname, reply->error);	/* cut to the reply's bound */
	if (json) {
		rc = ctl_print_json(result) ? EXIT_FAILURE : EXIT_SUCCESS;
	} else {
		q->print(result);
		rc = EXIT_SUCCESS;
	}
out:
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_disconnect(&cl);
	return rc;
}
