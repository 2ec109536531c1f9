/* The bridge: radios in, events out, commands in.
 *
 * Start-up order matters: security first (no socket is ever bound plain
 * where it must not be), then the journal (the seq continues from it), the
 * outgoing queue's store, the sockets, and last the radios (their first
 * events need all of the above).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/bridge.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/file.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <zmq.h>
#include <osmocom/core/talloc.h>

#include "bridge/callout.h"
#include "bridge/callout_config.h"
#include "bridge/commands.h"
#include "bridge/journal.h"
#include "bridge/outbox_store.h"
#include "bridge/radio.h"
#include "bridge/roster.h"
#include "common/log_context.h"
#include "common/logging.h"
#include "ipc/command_server.h"
#include "ipc/endpoint.h"
#include "ipc/event_kind.h"
#include "ipc/pb_utf8.h"
#include "ipc/publisher.h"
#include "ipc/security.h"
#include "radio-drivers/usb.h"

/* Retention runs this often; a journal backlog (disk full) is retried
 * every second. */
#define TB_HOUSEKEEPING_S 60
#define TB_BACKLOG_RETRY_S 1
/* Events packed on the stack up to this size. */
#define TB_EVENT_STACK_BUF 1024
/* Freed memory goes back to the system when this much more of it sits in
 * malloc's free lists than at the lowest since the last time; checked this
 * often. */
#define TB_TRIM_MIN_BYTES (4u * 1024 * 1024)
#define TB_TRIM_S 2

struct tb_bridge *g_bridge;

struct tb_bridge *tb_bridge_alloc(void *ctx)
{
	struct tb_bridge *b = talloc_zero(ctx, struct tb_bridge);

	if (!b)
		return NULL;
	b->id = talloc_strdup(b, "tetra-bridge");
	b->events_endpoint = talloc_strdup(b, TB_DEFAULT_EVENTS_ENDPOINT);
	b->commands_endpoint = talloc_strdup(b, TB_DEFAULT_COMMANDS_ENDPOINT);
	b->state_dir = talloc_strdup(b, TB_DEFAULT_STATE_DIR);
	b->retention_days = TB_DEFAULT_RETENTION_DAYS;
	b->retention_mb = TB_DEFAULT_RETENTION_MB;
	b->next_seq = 1;
	b->lock_fd = -1;
	INIT_LLIST_HEAD(&b->radios);
	b->roster = tb_roster_alloc(b);
	b->callout_cfg = tb_callout_config_alloc(b);
	if (!b->roster || !b->callout_cfg) {
		talloc_free(b);
		return NULL;
	}
	g_bridge = b;
	return b;
}

static void usb_arrived_cb(const struct tb_usb_device_info *info, void *data)
{
	tb_radios_usb_arrived(data, info);
}

/* libusb, and hot-plug arrivals, when a radio needs them. */
static void usb_start(struct tb_bridge *b)
{
	struct tb_radio *r;
	bool want = false;

	llist_for_each_entry(r, &b->radios, entry)
		want |= r->transport == TB_RADIO_USB;
	if (!want || b->usb)
		return;
	if (tb_usb_init(b) < 0)
		return;	/* said why; the USB radios keep trying and say it once more each */
	b->usb = true;
	b->usb_watch = tb_usb_on_arrival(b, usb_arrived_cb, b);
}

/* CURVE when the config names keys; otherwise only loopback, unless the
 * config says `insecure`. */
static int security_start(struct tb_bridge *b, char **errmsg)
{
	const char *eps[] = { b->events_endpoint, b->commands_endpoint };
	const char *what[] = { "events bind", "commands bind" };

	if (b->curve_server_key || b->curve_clients) {
		if (!b->curve_server_key || !b->curve_clients) {
			*errmsg = talloc_asprintf(b, "CURVE needs both `curve server-key FILE` and `curve clients "
						  "FILE` in the bridge node (only %s is set)",
						  b->curve_server_key ? "server-key" : "clients");
			return -EINVAL;
		}
		b->security = tb_security_start(b, b->zmq_ctx, b->curve_server_key, b->curve_clients, errmsg);
		return b->security ? 0 : -EINVAL;
	}
	for (unsigned i = 0; i < 2; i++) {
		if (tb_endpoint_is_local(eps[i]))
			continue;
		if (!b->insecure) {
			*errmsg = talloc_asprintf(b, "`%s %s` can be reached from other machines, and the bridge has no "
						  "CURVE keys: its events are health data. Set `curve server-key FILE` "
						  "and `curve clients FILE` (tetractl keygen makes keys), or say "
						  "`insecure` in the bridge node if the network is protected otherwise",
						  what[i], eps[i]);
			return -EPERM;
		}
		LOGP(DIPC, LOGL_NOTICE, "%s %s: plain, without CURVE, because the config says insecure\n", what[i],
		     eps[i]);
	}
	return 0;
}

/* One lost range the journal learnt of: say it in the stream, once. */
static void announce_lost_cb(const struct tb_journal_lost *l, void *data)
{
	struct tb_bridge *b = data;
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__SeqLost lost = TETRABRIDGE__V1__SEQ_LOST__INIT;
	uint64_t seq;

	lost.first_seq = l->first_seq;
	lost.last_seq = l->last_seq;
	lost.reason = (char *)l->reason;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOST;
	ev.lost = &lost;
	ev.radio = "";
	seq = tb_bridge_publish(b, &ev);
	TB_LOG_EVENT_SCOPE(NULL, seq, "lost");
	LOGP(DMAIN, LOGL_NOTICE, "lost event seq %" PRIu64 ": seq %" PRIu64 " to %" PRIu64 " cannot be replayed\n",
	     seq, l->first_seq, l->last_seq);
}

/* Announce the lost ranges the journal has not given yet (not from inside
 * an announcement: its own event may make another). */
static void announce_lost(struct tb_bridge *b)
{
	if (!b->journal || b->announcing)
		return;
	b->announcing = true;
	tb_journal_take_lost(b->journal, announce_lost_cb, b);
	b->announcing = false;
}

static void housekeeping_cb(void *data)
{
	struct tb_bridge *b = data;
	struct timeval tv;

	if (!b->journal)
		return;
	if (tb_journal_flush(b->journal) > 0) {
		/* The disk still fails: try again soon, prune later. */
		osmo_timer_schedule(&b->housekeeping, TB_BACKLOG_RETRY_S, 0);
		return;
	}
	announce_lost(b);
	gettimeofday(&tv, NULL);
	tb_journal_prune(b->journal, (uint64_t)tv.tv_sec * 1000000u + tv.tv_usec);
	osmo_timer_schedule(&b->housekeeping, TB_HOUSEKEEPING_S, 0);
}

/* Memory back to the system when clients go. glibc keeps freed memory in
 * its arenas (the main one, and one per thread that allocated, such as
 * libzmq's I/O thread): after 200 subscribers with full queues disconnect,
 * tens of MB stay resident in holes between live blocks, which neither
 * M_TRIM_THRESHOLD nor M_ARENA_MAX reach (bench/README.md: measured).
 * malloc_trim(0) gives every free page of every arena back. It runs when the
 * free memory has grown by TB_TRIM_MIN_BYTES over the least seen since the
 * last trim: memory that was in use and is free now, not what the last
 * trim already gave back (that stays in the free lists, counted as free). */
static void trim_cb(void *data)
{
	struct tb_bridge *b = data;
	struct mallinfo2 mi = mallinfo2();

	if (mi.fordblks < b->trim_low)
		b->trim_low = mi.fordblks;
	if (mi.fordblks >= b->trim_low + TB_TRIM_MIN_BYTES) {
		/* a few ms with 40 MB free, once */
		LOGP(DMAIN, LOGL_DEBUG, "giving back freed memory: %zu KiB free\n", mi.fordblks / 1024);
		malloc_trim(0);
		b->trim_low = mallinfo2().fordblks;
	}
	osmo_timer_schedule(&b->trim, TB_TRIM_S, 0);
}

/* One daemon per state directory: a second one would interleave its seq
 * numbers with the first's in the same journal. The lock (flock on a file
 * beside the database) goes away with the process, also after kill -9. */
static int state_dir_lock(struct tb_bridge *b, char **errmsg)
{
	char *path = talloc_asprintf(b, "%s/tetra-bridge.lock", b->state_dir);
	char pid[32];
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		int e = errno;
		if (e != ENOENT)	/* ENOENT: no directory yet; the journal makes it */
			*errmsg = talloc_asprintf(b, "cannot open %s: %s", path, strerror(e));
		talloc_free(path);
		return -e;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		*errmsg = talloc_asprintf(b, "another tetra-bridged%s%s%s uses the state directory %s; stop it or "
					  "give this one its own `state-dir`", *pid ? " (pid " : "", pid, *pid ? ")" : "",
					  b->state_dir);
		close(fd);
		talloc_free(path);
		return -EBUSY;
	}
	if (ftruncate(fd, 0) == 0) {
		int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
		if (write(fd, pid, n) != n)
			LOGP(DMAIN, LOGL_NOTICE, "cannot write the pid into %s\n", path);
	}
	b->lock_fd = fd;	/* held until the process ends */
	talloc_free(path);
	return 0;
}

static int journal_start(struct tb_bridge *b, char **errmsg)
{
	const struct tb_journal_cfg cfg = {
		.state_dir = b->state_dir,
		.max_age_s = b->retention_days * 86400u,
		.max_bytes = b->retention_mb * 1024u * 1024u,
		.sync_full = b->journal_sync_full,
	};

	/* Locked before the journal is opened, so that a second daemon says
	 * who holds it; a state directory that does not exist yet is created
	 * by the journal, and locked then. */
	int rc = state_dir_lock(b, errmsg);

	if (rc < 0 && rc != -ENOENT)
		return rc;
	b->journal = tb_journal_open(b, &cfg, errmsg);
	if (!b->journal)
		return -EIO;
	if (rc == -ENOENT && (rc = state_dir_lock(b, errmsg)) < 0)
		return rc;
	/* After every seq handed out before, stored or not (journal.h). */
	b->next_seq = tb_journal_next_seq(b->journal);
	b->outbox_store = tb_outbox_store_open(b, tb_journal_db(b->journal), errmsg);
	if (!b->outbox_store)
		return -EIO;
	LOGP(DMAIN, LOGL_NOTICE, "journal %s: events continue at seq %" PRIu64 "\n", tb_journal_path(b->journal),
	     b->next_seq);
	osmo_timer_setup(&b->housekeeping, housekeeping_cb, b);
	housekeeping_cb(b);	/* retention once at start, then periodically */
	return 0;
}

int tb_bridge_start(struct tb_bridge *b, char **errmsg)
{
	struct tb_radio *r;
	int rc;

	b->zmq_ctx = zmq_ctx_new();
	if (!b->zmq_ctx) {
		*errmsg = talloc_asprintf(b, "cannot create a ZeroMQ context: %s", zmq_strerror(errno));
		return -errno;
	}
	rc = security_start(b, errmsg);
	if (rc < 0)
		return rc;
	rc = journal_start(b, errmsg);
	if (rc < 0)
		return rc;
	b->trim_low = SIZE_MAX;
	osmo_timer_setup(&b->trim, trim_cb, b);
	osmo_timer_schedule(&b->trim, TB_TRIM_S, 0);
	b->pub = tb_publisher_alloc(b, b->zmq_ctx, b->events_endpoint, b->security, &rc, errmsg);
	if (!b->pub)
		return rc;
	b->cmd = tb_command_server_alloc(b, b->zmq_ctx, b->commands_endpoint, b->security, tb_bridge_command, b,
					 &rc, errmsg);
	if (!b->cmd)
		return rc;
	/* Seqs published before the last stop that no journal holds. */
	announce_lost(b);
	/* Call-outs that were open come back before the radios start, so
	 * that what the radios say first finds them. */
	b->callouts = tb_callout_tracker_alloc(b, b);
	if (!b->callouts) {
		*errmsg = talloc_strdup(b, "out of memory");
		return -ENOMEM;
	}
	rc = tb_callout_tracker_start(b->callouts, errmsg);
	if (rc < 0)
		return rc;

	usb_start(b);
	llist_for_each_entry(r, &b->radios, entry) {
		rc = tb_radio_setup(r, errmsg);
		if (rc < 0)
			return rc;
	}
	llist_for_each_entry(r, &b->radios, entry) {
		rc = tb_radio_start(r, errmsg);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void tb_bridge_stop(struct tb_bridge *b)
{
	struct tb_radio *r;

	/* The tracker goes first: radios going offline on a shutdown fail
	 * no alert, and every call-out stays stored as it is. */
	tb_callout_tracker_destroy(&b->callouts);
	llist_for_each_entry(r, &b->radios, entry)
		tb_radio_stop(r);
	/* The radios' USB transports are closed: now libusb can go. */
	tb_usb_watch_destroy(&b->usb_watch);
	tb_usb_exit();	/* nothing when it never started */
	b->usb = false;
	osmo_timer_del(&b->housekeeping);
	osmo_timer_del(&b->trim);
	tb_command_server_destroy(&b->cmd);
	tb_publisher_destroy(&b->pub);
	tb_outbox_store_destroy(&b->outbox_store);
	tb_journal_destroy(&b->journal);
	if (b->lock_fd >= 0) {
		close(b->lock_fd);
		b->lock_fd = -1;
	}
	tb_security_destroy(&b->security);
	if (b->zmq_ctx) {
		zmq_ctx_term(b->zmq_ctx);
		b->zmq_ctx = NULL;
	}
}

uint64_t tb_bridge_publish(struct tb_bridge *b, Tetrabridge__V1__Event *ev)
{
	uint8_t stack[TB_EVENT_STACK_BUF];
	uint8_t *body = stack;
	const char *kind = tb_event_kind(ev);
	struct timeval tv;
	unsigned repaired;
	long packed;
	size_t len;
	int stored = 0;

	gettimeofday(&tv, NULL);
	ev->seq = b->next_seq++;
	ev->time_us = (uint64_t)tv.tv_sec * 1000000u + tv.tv_usec;
	ev->bridge = b->id;
	/* Names beside the raw values; they point into the roster, which
	 * outlives the packing below. */
	tb_roster_name_event(b->roster, ev, NULL);

	/* Strings from terminals, clients and files may be anything; what is
	 * stored and published is valid UTF-8 (ipc/pb_utf8.h). */
	packed = tb_pb_pack_utf8(&ev->base, b, stack, sizeof(stack), &body, &repaired);
	if (packed < 0) {
		/* Neither stored nor published: its seq goes to the next one. */
		b->next_seq--;
		LOGP(DMAIN, LOGL_ERROR, "a %s event was dropped: out of memory\n", kind);
		return 0;
	}
	len = (size_t)packed;
	tb_radio_count_event(b, ev);
	/* What is logged from here on (the journal, the call-outs it moves)
	 * is about this event. */
	TB_LOG_EVENT_SCOPE(ev->radio, ev->seq, kind);
	if (repaired)
		LOGP(DMAIN, LOGL_INFO, "event seq %" PRIu64 ": %u string(s) that were not UTF-8 repaired\n",
		     ev->seq, repaired);
	/* Stored before it is published: a subscriber can always replay what
	 * it saw. A failing disk keeps it in memory (the journal says so). */
	if (b->journal)
		stored = tb_journal_append(b->journal, ev->seq, ev->time_us, kind, ev->radio, body, len);
	if (stored == 1)
		osmo_timer_schedule(&b->housekeeping, TB_BACKLOG_RETRY_S, 0);
	if (b->pub)
		tb_publisher_send_packed(b->pub, kind, ev->radio, ev->seq, body, len);
	if (body != stack)
		talloc_free(body);
	/* A run of events lost to a full backlog ended: say so. */
	if (stored >= 0)
		announce_lost(b);
	/* What a radio says about a responder moves their call-out (its own
	 * changes move nothing). */
	if (b->callouts && ev->body_case != TETRABRIDGE__V1__EVENT__BODY_CALLOUT)
		tb_callout_on_event(b->callouts, ev);
	return ev->seq;
}
