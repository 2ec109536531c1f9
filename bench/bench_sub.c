/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bench_sub.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "tests/lib/loop.h"

static void *sub_main(void *arg)
{
	struct bench_sub *s = arg;
	char topic[64];

	for (;;) {
		int tl = zmq_recv(s->sock, topic, sizeof(topic), 0), bl, more = 0;
		int64_t t = tb_now_us();
		size_t ml = sizeof(more);

		if (tl < 0) {
			if (errno == EINTR)
				continue;
			break;	/* ETERM: bench_sub_stop() */
		}
		zmq_getsockopt(s->sock, ZMQ_RCVMORE, &more, &ml);
		if (!more) {
			s->cb(s->data, topic, 0, NULL, 0, t);
			continue;
		}
		bl = zmq_recv(s->sock, s->body, s->body_size, 0);
		if (bl < 0)
			break;
		if (tl > (int)sizeof(topic) || (size_t)bl > s->body_size)
			s->cb(s->data, topic, 0, NULL, 0, t);
		else
			s->cb(s->data, topic, (size_t)tl, s->body, (size_t)bl, t);
	}
	zmq_close(s->sock);
	s->sock = NULL;
	return NULL;
}

int bench_sub_start(struct bench_sub *s, const char *endpoint, const char *prefix, size_t body_size, bench_sub_cb cb,
		    void *data)
{
	int zero = 0, ten = 10, rc;

	memset(s, 0, sizeof(*s));
	s->cb = cb;
	s->data = data;
	s->body_size = body_size;
	s->body = malloc(body_size);
	if (!s->body)
		return -ENOMEM;
	s->zctx = zmq_ctx_new();
	if (!s->zctx)
		return -errno;
	s->sock = zmq_socket(s->zctx, ZMQ_SUB);
	if (!s->sock)
		return -errno;
	zmq_setsockopt(s->sock, ZMQ_LINGER, &zero, sizeof(zero));
	zmq_setsockopt(s->sock, ZMQ_RECONNECT_IVL, &ten, sizeof(ten));
	zmq_setsockopt(s->sock, ZMQ_RCVHWM, &zero, sizeof(zero));
	zmq_setsockopt(s->sock, ZMQ_SUBSCRIBE, prefix, strlen(prefix));
	if (zmq_connect(s->sock, endpoint) < 0)
		return -errno;
	rc = pthread_create(&s->th, NULL, sub_main, s);
	if (rc != 0)
		return -rc;
	s->started = true;
	return 0;
}

void bench_sub_stop(struct bench_sub *s)
{
	if (s->zctx)
		zmq_ctx_shutdown(s->zctx);
	if (s->started)
		pthread_join(s->th, NULL);
	else if (s->sock)
		zmq_close(s->sock);
	if (s->zctx)
		zmq_ctx_term(s->zctx);
	s->zctx = NULL;
	s->sock = NULL;
	s->started = false;
	free(s->body);
	s->body = NULL;
}
