/* A gap-free event stream (see ctl_stream.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_stream.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <zmq.h>

#include "ipc/event_kind.h"

/* Replay asks for at most this many events at once (the bridge's cap). */
#define REPLAY_BATCH_MAX 1000

/* What is known of one bridge's seq. */
struct track {
	char *bridge;		/* NULL: not known yet (a start replay that found nothing) */
	uint64_t last;		/* the last seq handed on (or skipped as lost) */
	uint64_t live_last;	/* the last seq that arrived live; 0: none yet */
	uint64_t replayed_hi;	/* the highest seq handed on from the journal */
	uint64_t floor;		/* --from: nothing below is wanted */
	struct track *next;
};

struct stream {
	struct ctl_client *cl;
	const struct ctl_stream_opts *o;
	struct track *tracks;
	bool replay_off;	/* the command socket failed once: do not block on it again */
	bool stop;
	int rc;
	int64_t idle_deadline;
};

static struct track *track_new(struct stream *st, const char *bridge)
{
	struct track *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (bridge && !(t->bridge = strdup(bridge))) {
		free(t);
		return NULL;
	}
	t->next = st->tracks;
	st->tracks = t;
	return t;
}

static void tracks_free(struct stream *st)
{
	while (st->tracks) {
		struct track *t = st->tracks;
		st->tracks = t->next;
		free(t->bridge);
		free(t);
	}
}

static void gap_warning(const struct track *t, uint64_t from, uint64_t to, const char *why)
{
	const char *bridge = t->bridge ? t->bridge : "";

	fflush(stdout);	/* in order with the events around it on a terminal */
	if (from == to)
		fprintf(stderr, "gap: missed event %" PRIu64, from);
	else
		fprintf(stderr, "gap: missed events %" PRIu64 "-%" PRIu64, from, to);
	fprintf(stderr, "%s%s%s%s%s\n", bridge[0] ? " from bridge " : "", bridge, why ? " (" : "", why ? why : "",
		why ? ")" : "");
}

static bool topic_wanted(const struct ctl_stream_opts *o, const Tetrabridge__V1__Event *ev)
{
	char topic[256];
	unsigned i;

	if (!o->n_topics)
		return true;
	snprintf(topic, sizeof(topic), "%s.%s", tb_event_kind(ev), ev->radio ? ev->radio : "");
	for (i = 0; i < o->n_topics; i++)
		if (!strncmp(topic, o->topics[i], strlen(o->topics[i])))
			return true;
	return false;
}

static void deliver(struct stream *st, const Tetrabridge__V1__Event *ev)
{
	int rc;

	if (st->o->idle_timeout_s > 0)
		st->idle_deadline = ctl_now_ms() + ctl_timeout_ms(st->o->idle_timeout_s);
	if (!topic_wanted(st->o, ev))
		return;
	rc = st->o->fn(ev, st->o->data);
	if (rc != CTL_CONTINUE) {
		st->stop = true;
		st->rc = rc;
	}
}

/* Why seqs from..to are missing: the bridge's lost range that covers them
 * ("lost: <reason>"), or dflt. */
static const char *gap_reason(const Tetrabridge__V1__ReplayBatch *b, uint64_t from, uint64_t to, const char *dflt,
			      char *buf, size_t size)
{
	for (size_t i = 0; i < b->n_lost; i++) {
		const Tetrabridge__V1__SeqRange *l = b->lost[i];

		if (l->first_seq <= from && l->last_seq >= to) {
			snprintf(buf, size, "lost: %s", l->reason && l->reason[0] ? l->reason : "no reason given");
			return buf;
		}
	}
	return dflt;
}

/* Ask the journal for seq next..to. Returns the Reply holding a
 * ReplayBatch (free it), or NULL with why said (st->stop set on a signal). */
static Tetrabridge__V1__Reply *ask_batch(struct stream *st, uint64_t next, uint64_t to, char *why, size_t wl)
{
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__Replay rp;
	Tetrabridge__V1__Reply *r = NULL;
	uint32_t max = 0;
	char nr[256];
	int rc;

	if (to != UINT64_MAX)
		max = to - next + 1 > REPLAY_BATCH_MAX ? REPLAY_BATCH_MAX : (uint32_t)(to - next + 1);
	ctl_replay_command(&cmd, &rp, next, max);
	rc = ctl_request(st->cl, &cmd, &r);
	if (rc == -EINTR) {
		st->stop = true;
		st->rc = CTL_STREAM_SIGNAL;
		return NULL;
	}
	if (rc < 0) {
		/* Every later gap would wait as long again: go on without replay. */
		st->replay_off = true;
		snprintf(why, wl, "replay failed: %s; not asking again",
			 rc == -ETIMEDOUT ? ctl_no_reply_text(st->cl, nr, sizeof(nr)) : strerror(-rc));
		return NULL;
	}
	if (r->code != TETRABRIDGE__V1__REPLY__CODE__OK) {
		/* a refusal that will not change: not asking again */
		if (r->code == TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED ||
		    r->code == TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_COMMAND)
			st->replay_off = true;
		snprintf(why, wl, "replay refused: %s: %s", ctl_reply_code_name(r->code),
			 r->error && r->error[0] ? r->error : "no reason given");
		tetrabridge__v1__reply__free_unpacked(r, NULL);
		return NULL;
	}
	if (r->result_case != TETRABRIDGE__V1__REPLY__RESULT_REPLAY || !r->replay) {
		snprintf(why, wl, "replay failed: the reply holds no events");
		tetrabridge__v1__reply__free_unpacked(r, NULL);
		return NULL;
	}
	return r;
}

/* Hand on the batch's events from *next to `to`, saying each hole before
 * them. Returns how many, or -1 with why said (another bridge answered). */
static int hand_on_events(struct stream *st, struct track *t, const Tetrabridge__V1__ReplayBatch *b,
			  uint64_t *next, uint64_t to, char *why, size_t wl)
{
	char lr[256];
	int n = 0;

	for (size_t i = 0; i < b->n_events && !st->stop; i++) {
		const Tetrabridge__V1__Event *ev = b->events[i];
		const char *bridge = ev->bridge ? ev->bridge : "";

		if (ev->seq < *next)
			continue;
		if (ev->seq > to)
			break;
		if (!t->bridge) {
			t->bridge = strdup(bridge);
		} else if (strcmp(t->bridge, bridge)) {
			/* a proxy mixing bridges: the command socket is another bridge's */
			st->replay_off = true;
			snprintf(why, wl, "replay failed: the command endpoint %s serves bridge \"%s\"",
				 st->cl->opts->commands, bridge);
			return -1;
		}
		if (ev->seq > *next)
			gap_warning(t, *next, ev->seq - 1,
				    gap_reason(b, *next, ev->seq - 1, ev->seq <= b->first_seq ?
					       "no longer in the journal" : "not in the journal", lr, sizeof(lr)));
		t->last = ev->seq;
		if (ev->seq > t->replayed_hi)
			t->replayed_hi = ev->seq;
		*next = ev->seq + 1;
		n++;
		deliver(st, ev);
	}
	return n;
}

/* After the batch's events: skip what the bridge says it does not have
 * (a lost range, or events gone by retention). Returns 1 when the journal
 * has nothing more, 0 to ask again, -1 with why said when what is missing
 * up to `to` is not in the journal. */
static int after_batch(struct track *t, const Tetrabridge__V1__ReplayBatch *b, bool progress, uint64_t *next,
		       uint64_t to, char *why, size_t wl)
{
	char lr[256];

	if (!b->more && b->next_seq > *next && b->n_lost) {
		/* a lost range at the end: skipped, said, and on */
		uint64_t end = b->next_seq - 1 < to ? b->next_seq - 1 : to;

		gap_warning(t, *next, end, gap_reason(b, *next, end, "not in the journal", lr, sizeof(lr)));
		*next = end + 1;
		if (end > t->last)
			t->last = end;
	}
	if (!b->more || (!progress && b->next_seq <= *next)) {
		/* the journal has nothing more (or makes no progress) */
		if (to != UINT64_MAX && *next <= to) {
			snprintf(why, wl, "not in the journal, which holds %" PRIu64 "-%" PRIu64, b->first_seq,
				 b->last_seq);
			return -1;
		}
		return 1;
	}
	if (b->next_seq > *next) {
		/* the bridge skipped what it no longer has, or never had */
		uint64_t end = b->next_seq - 1 < to ? b->next_seq - 1 : to;

		gap_warning(t, *next, end, gap_reason(b, *next, end, "no longer in the journal", lr, sizeof(lr)));
		*next = b->next_seq;
		if (*next - 1 > t->last)
			t->last = *next - 1 > to ? to : *next - 1;
	}
	return 0;
}

/* Hand on seq from..to (to UINT64_MAX: up to the newest) from the journal.
 * Whatever cannot be had is reported; t->last ends at to (or the newest). */
static void fill(struct stream *st, struct track *t, uint64_t from, uint64_t to)
{
	uint64_t next = from;
	char why[320];
	int rc = 0;

	while (!st->stop && next <= to && rc == 0) {
		Tetrabridge__V1__Reply *r = ask_batch(st, next, to, why, sizeof(why));
		int n;

		if (!r) {
			if (st->stop)
				return;
			rc = -1;
			break;
		}
		n = hand_on_events(st, t, r->replay, &next, to, why, sizeof(why));
		if (n < 0)
			rc = -1;
		else if (!st->stop)
			rc = after_batch(t, r->replay, n > 0, &next, to, why, sizeof(why));
		tetrabridge__v1__reply__free_unpacked(r, NULL);
	}
	if (rc >= 0 || st->stop)
		return;
	if (to != UINT64_MAX) {
		gap_warning(t, next, to, why);
		t->last = to;
	} else {
		fflush(stdout);
		fprintf(stderr, "gap: cannot replay from %" PRIu64 " (%s)\n", next, why);
	}
}

static void on_live(struct stream *st, const Tetrabridge__V1__Event *ev)
{
	const char *bridge = ev->bridge ? ev->bridge : "";
	struct track *t, *unknown = NULL;

	for (t = st->tracks; t; t = t->next) {
		if (!t->bridge)
			unknown = t;
		else if (!strcmp(t->bridge, bridge))
			break;
	}
	if (!t && unknown) {
		/* the start replay found nothing; this bridge is the one it asked */
		t = unknown;
		t->bridge = strdup(bridge);
	}
	if (!t) {
		/* Joined without --from: the stream starts with this event. */
		t = track_new(st, bridge);
		if (!t) {
			fprintf(stderr, "%s: out of memory\n", ctl_progname);
			st->stop = true;
			st->rc = EXIT_FAILURE;
			return;
		}
		t->last = ev->seq ? ev->seq - 1 : 0;
	}

	if (ev->seq <= t->last && ev->seq > t->live_last && (ev->seq <= t->replayed_hi || ev->seq < t->floor)) {
		/* already handed on from the journal while this waited in the queue */
		t->live_last = ev->seq;
		return;
	}
	if (ev->seq <= t->last || (t->live_last && ev->seq <= t->live_last)) {
		fflush(stdout);
		fprintf(stderr, "warning: seq went back from %" PRIu64 " to %" PRIu64 "%s%s\n", t->last, ev->seq,
			bridge[0] ? " on bridge " : "", bridge);
		t->last = ev->seq ? ev->seq - 1 : 0;
		t->replayed_hi = 0;
		t->floor = 0;
	}
	t->live_last = ev->seq;
	if (ev->seq > t->last + 1) {
		if (st->o->no_replay)
			gap_warning(t, t->last + 1, ev->seq - 1, NULL);
		else if (st->replay_off)
			gap_warning(t, t->last + 1, ev->seq - 1, "replay is off after an earlier failure");
		else
			fill(st, t, t->last + 1, ev->seq - 1);
		if (st->stop)
			return;
	}
	t->last = ev->seq;
	deliver(st, ev);
}

/* One message of the SUB socket: the topic, then the Event. */
struct event_msg {
	char topic[256];
	Tetrabridge__V1__Event *ev;
};

static void event_frame(const uint8_t *buf, size_t len, unsigned i, bool last, void *data)
{
	struct event_msg *m = data;

	if (i == 0) {
		size_t n = len < sizeof(m->topic) ? len : sizeof(m->topic) - 1;
		memcpy(m->topic, buf, n);
		m->topic[n] = '\0';
	} else if (i == 1) {
		m->ev = tetrabridge__v1__event__unpack(NULL, len, buf);
		if (!m->ev)
			fprintf(stderr, "warning: cannot decode the event on topic \"%s\" (%zu bytes); skipped\n",
				m->topic, len);
	}
}

/* Receive one message (all frames). Frame 1 = topic, frame 2 = Event.
 * Returns the unpacked event (free with tetrabridge__v1__event__free_unpacked),
 * or NULL when the message was not a decodable event (a warning is printed)
 * or with *err set (EAGAIN: nothing waiting). */
static Tetrabridge__V1__Event *recv_event(void *sock, int *err)
{
	struct event_msg m = { .topic = "" };
	int n;

	*err = 0;
	n = ctl_recv_frames(sock, event_frame, &m);
	if (n < 0) {
		*err = -n;
		if (m.ev)
			tetrabridge__v1__event__free_unpacked(m.ev, NULL);
		return NULL;
	}
	if (n == 1)
		fprintf(stderr, "warning: message on topic \"%s\" without an event frame; skipped\n", m.topic);
	return m.ev;
}

int ctl_stream_run(struct ctl_client *cl, const struct ctl_stream_opts *o)
{
	struct stream st = { .cl = cl, .o = o, .rc = EXIT_FAILURE };
	void *sock = NULL;
	sigset_t mask;
	int sfd, rc;

	/* Signals arrive on a signalfd polled with the sockets: no race between
	 * a check of a flag and the wait. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 || (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		fprintf(stderr, "%s: cannot set up signal handling: %s\n", ctl_progname, strerror(errno));
		return EXIT_FAILURE;
	}
	cl->sigfd = sfd;

	/* Subscribed before the first Replay, so that nothing published while
	 * the journal is read is missed. With replay, topics filter here rather
	 * than at the publisher: seq can only be checked on the whole stream. */
	sock = ctl_client_sub(cl, o->topics, o->no_replay ? o->n_topics : 0, &rc);
	if (!sock) {
		st.rc = rc;
		goto out;
	}
	if (o->idle_timeout_s > 0)
		st.idle_deadline = ctl_now_ms() + ctl_timeout_ms(o->idle_timeout_s);

	if (o->have_from) {
		struct track *t = track_new(&st, NULL);
		if (!t) {
			fprintf(stderr, "%s: out of memory\n", ctl_progname);
			goto out;
		}
		t->floor = o->from;
		t->last = o->from ? o->from - 1 : 0;
		fill(&st, t, o->from ? o->from : 1, UINT64_MAX);
		if (st.stop)
			goto out;
	}

	for (;;) {
		int64_t until = st.idle_deadline;

		if (o->deadline_ms && (!until || o->deadline_ms < until))
			until = o->deadline_ms;
		rc = ctl_wait(sock, sfd, until);
		if (rc == 0) {
			st.rc = CTL_STREAM_TIMEOUT;
			goto out;
		}
		if (rc == -EINTR) {
			st.rc = CTL_STREAM_SIGNAL;
			goto out;
		}
		if (rc < 0)
			goto out;

		/* Drain everything that is queued (ZMQ_FD semantics: edge-triggered). */
		while (!st.stop) {
			Tetrabridge__V1__Event *ev;
			int err;

			ev = recv_event(sock, &err);
			if (err == EAGAIN)
				break;
			if (err) {
				fprintf(stderr, "%s: receive failed: %s\n", ctl_progname, zmq_strerror(err));
				goto out;
			}
			if (!ev)
				continue;
			if (o->no_replay && o->n_topics) {
				/* a filtered stream: seq has holes by design */
				deliver(&st, ev);
			} else {
				on_live(&st, ev);
			}
			tetrabridge__v1__event__free_unpacked(ev, NULL);
		}
		if (st.stop)
			goto out;
	}

out:
	tracks_free(&st);
	if (sock)
		zmq_close(sock);
	cl->sigfd = -1;
	/* Take the signal that ended us: unblocked while still pending, it would
	 * kill the process after all (status 130 instead of a clean 0). */
	for (;;) {
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			break;
	}
	close(sfd);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	return st.rc;
}
