/* tetractl's connection to the bridge: the CURVE client sockets, and the
 * one helper every subcommand uses to send a Command and wait for its
 * Reply (ctl_call). The options it connects with are in ctl_options.h.
 *
 * A subcommand that talks to the bridge:
 *
 *   struct ctl_conn_opts conn = { 0 };        filled by its getopt loop
 *   struct ctl_client cl = CTL_CLIENT_INIT;
 *   rc = ctl_connect(&cl, &conn, "radios");   options resolved, keys loaded
 *   if (!rc)
 *           rc = ctl_call(&cl, &cmd, &reply); 0: an OK reply; else the exit
 *                                             status, the reason printed
 *   ...
 *   ctl_disconnect(&cl);                      also after a failed ctl_connect
 *
 * Everything here is single-threaded and blocking with a bound (the reply
 * timeout); a signalfd given to the client ends a wait early.
 *
 * Ownership: the client owns its ZeroMQ context and command socket, and
 * after ctl_connect the options' memory (ctl_disconnect frees all of it and
 * wipes the secret key). A Reply handed out is the caller's: free it with
 * tetrabridge__v1__reply__free_unpacked. A SUB socket from ctl_client_sub
 * is the caller's (zmq_close, before ctl_disconnect).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ipc/curve_keys.h"
#include "ipc/tetra_bridge.pb-c.h"
#include "tools/ctl_options.h"

struct ctl_client {
	struct ctl_conn_opts *opts;
	void *zctx;
	void *cmd;		/* DEALER, made by the first request */
	bool curve;
	struct tb_curve_keypair me, server;
	uint64_t next_request_id;
	int sigfd;		/* -1, or a signalfd that ends waits (-EINTR) */
};

#define CTL_CLIENT_INIT { .sigfd = -1 }

/* Resolve o (ctl_conn_resolve), load the keys (if any) and make a ZeroMQ
 * context; cl takes o over (released by ctl_disconnect). Returns 0, or an
 * exit status with the reason printed. */
int ctl_connect(struct ctl_client *cl, struct ctl_conn_opts *o, const char *cmd);

/* Close the sockets, free the context, release the options; cl may be
 * CTL_CLIENT_INIT or a failed ctl_connect's. */
void ctl_disconnect(struct ctl_client *cl);

/* ---- one Command, one Reply ---------------------------------------------- */

/* Send cmd (its request_id is set here) and wait up to the reply timeout for
 * the Reply with that request id. Returns 0 with *reply set (its code may be
 * an error), -ETIMEDOUT when no reply came, -EINTR when the signalfd fired,
 * or another -errno with the reason printed. For callers that explain a
 * missing reply their own way (ctl_stream.c); the others use ctl_call. */
int ctl_request(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply);

/* ctl_request for a subcommand: prints the reasons a person needs (no reply,
 * the reply's error as "tetractl: NOT_ALLOWED: <sentence>") and returns 0
 * with an OK reply, or the exit status. */
int ctl_call(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply);

/* ctl_call that also returns 0 with a reply that is not OK (nothing printed
 * about it): for a command whose refusal the caller can live with. */
int ctl_call_any(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply);

/* A Replay of up to max_events from from_seq (0: the bridge's default):
 * fills *cmd and *rp, the caller's (cmd points to rp). */
void ctl_replay_command(Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Replay *rp, uint64_t from_seq,
			uint32_t max_events);

/* "no reply from the bridge at EP within 5 s" into buf. */
const char *ctl_no_reply_text(const struct ctl_client *cl, char *buf, size_t len);

/* "NOT_ALLOWED", ... for a Reply code. */
const char *ctl_reply_code_name(Tetrabridge__V1__Reply__Code code);

/* msg (a Reply or an Event) as one line of JSON (the proto3 JSON mapping)
 * on stdout. Returns 0, or -ENOMEM with the reason printed. */
int ctl_print_json(const ProtobufCMessage *msg);

/* ---- a subcommand that asks one thing --------------------------------------- */

/* A subcommand whose only options are the connection options, -T, -h and
 * -j/--json, that sends one command and prints the result of its reply
 * (radios, roster, stats). */
struct ctl_query {
	const char *cmd;		/* its name, for messages: "roster" */
	void (*usage)(FILE *out);	/* its --help */
	Tetrabridge__V1__Reply__ResultCase result;	/* what an OK reply must hold */
	const char *missing;		/* "no roster": "the bridge's reply holds no roster: ..." */
	void (*print)(const ProtobufCMessage *result);	/* the result as text, for people */
};

/* Run q: parse argv (ctl_conn_only_args; no operands), connect, send cmd
 * (filled by the caller), and print the reply's result with q->print, or
 * as JSON with --json. A non-empty error in the OK reply (the result was
 * cut to the reply's bound) goes to stderr first. Returns the exit status. */
int ctl_query_run(const struct ctl_query *q, Tetrabridge__V1__Command *cmd, int argc, char **argv);

/* ---- sockets and waiting -------------------------------------------------- */

/* A SUB socket connected to the events endpoint, CURVE when keys are set,
 * subscribed to every prefix in topics (all events when n_topics is 0).
 * Returns NULL with the reason printed; *exit_status says how to exit. */
void *ctl_client_sub(struct ctl_client *cl, const char *const *topics, unsigned n_topics, int *exit_status);

/* Wait until sock has a message (1), deadline_ms passes (0; CLOCK_MONOTONIC
 * ms as ctl_now_ms, 0: no deadline) or sigfd (-1: none) is readable
 * (-EINTR). Returns another -errno when polling fails (the reason printed). */
int ctl_wait(void *sock, int sigfd, int64_t deadline_ms);

/* Called by ctl_recv_frames for frame i (from 0) of a message, last set on
 * its final frame; buf is valid during the call only. */
typedef void (*ctl_frame_fn)(const uint8_t *buf, size_t len, unsigned i, bool last, void *data);

/* Receive one whole message from sock without waiting, frame by frame
 * through fn. Returns the number of frames, or -errno (-EAGAIN: nothing
 * waiting; an error after the first frame cuts the message short). */
int ctl_recv_frames(void *sock, ctl_frame_fn fn, void *data);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t ctl_now_ms(void);
/* Seconds -> milliseconds, rounded up (at least 1 ms). */
int64_t ctl_timeout_ms(double s);
