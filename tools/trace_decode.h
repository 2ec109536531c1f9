/* A raw PEI trace -> the events tetra-bridged would publish for it.
 *
 * Input is exactly what a terminal printed (and what was typed at it):
 * lines ending in CR LF or LF. Framing is the daemon's own
 * (codecs/pei_framer.h); a +CTSDSR header and its hex user-data line
 * are paired as the AT engine pairs them; every result code goes through
 * tetra_pei_decode() and ipc/event_build, and the parts of concatenated
 * texts and SDS through a reassembly table (codecs/concat.h), in line
 * order.
 *
 * Ignored, as the AT engine ignores them: command echo ("AT..."), final
 * results OK / ERROR, the SDS prompt "> " and the echo of the user data
 * that follows it. "+CME ERROR: <n>" becomes a link_error event. "+CNUMF"
 * becomes radio_info reported_identity: a trace cannot tell the answer to
 * AT+CNUMF? (which the daemon keeps as the radio's identity) from a line
 * the terminal printed unasked.
 *
 * Events get bridge "decode", radio "trace", time 0 and seq 1, 2, 3 ...
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>

#include "ipc/tetra_bridge.pb-c.h"

#define TB_TRACE_BRIDGE "decode"
#define TB_TRACE_RADIO "trace"

struct tb_trace_callbacks {
	/* One event. line: the trace line it starts on (a +CTSDSR header's
	 * line; for a reassembled text or SDS, the line of the part that
	 * completed it); 0 for a message given up at the end of the input (a
	 * message evicted earlier, when more than 16 wait at once, gets the
	 * line that pushed it out). The event is valid only during the call. */
	void (*event)(const Tetrabridge__V1__Event *ev, unsigned long line, void *data);
	/* A line that did not decode. urc is the result code's name ("+CTICN")
	 * or "" when the line does not start like one; err is the codec error
	 * (enum tetra_codec_err; TETRA_E_TOO_LONG for a line over the framer's
	 * limit). Never the line's content: it may be health data. */
	void (*error)(unsigned long line, const char *urc, int err, void *data);
};

struct tb_trace_stats {
	unsigned long lines;		/* physical lines read */
	unsigned long events;		/* events produced */
	unsigned long undecoded;	/* lines reported through the error callback */
};

struct tb_trace_decoder;

/* Returns NULL when out of memory.
 * Ownership: the caller's (malloc'd, no talloc parent);
 * tb_trace_decoder_destroy() frees it. */
struct tb_trace_decoder *tb_trace_decoder_new(const struct tb_trace_callbacks *cbs, void *data);
/* Frees the decoder and sets *d to NULL. d and *d may be NULL. */
void tb_trace_decoder_destroy(struct tb_trace_decoder **d);

/* Feed one physical line of the trace (its LF / CR LF may be included or
 * not; a line without one is still one line). */
void tb_trace_line(struct tb_trace_decoder *d, const char *buf, size_t len);

/* End of input: a +CTSDSR header still waiting for its data line becomes
 * an sds_raw event with decode_error no_data, and messages still waiting
 * for parts are given up (text_incomplete events; a concatenated SDS's
 * parts as sds events with decode_error incomplete; line 0). */
void tb_trace_finish(struct tb_trace_decoder *d);

const struct tb_trace_stats *tb_trace_stats(const struct tb_trace_decoder *d);
