/* Reassembly of concatenated messages, in one table:
 *  - texts: SDS-TL 0x8A user data header parts, i.e. TETRA_TNSDS_TEXT
 *    primitives with concat.present (tetra_concat_add());
 *  - concatenated SDS (PID 0x0C, or 0x8C with SDS-TL; header in
 *    codecs/sds_tl.h): binary parts, kept as octets, which the SDS decoder
 *    passes on as TETRA_TNSDS_UNITDATA (tetra_concat_add_sds()). Part 1
 *    names the embedded message's PID; the parts' payloads in order are its
 *    user data (a call-out, PID 0xC3, without an SDS-TL header of its own).
 *
 * Pure: the caller owns the table's memory (tetra_concat_table_size() bytes,
 * any alignment malloc/talloc give) and passes the time in; no allocation,
 * no clocks, no I/O. Not thread-safe: one table per event loop.
 *
 * Parts of one message match on kind (text or SDS) + calling identity
 * (type, MNI, SSI, digits) + concatenation reference + total. They may come
 * in any order, duplicated, and interleaved with other messages. A message
 * is given up when its first part to arrive is older than the caller's
 * timeout, or when it is the oldest incomplete one and a new message needs
 * its slot (eviction); either way tetra_concat_expire() hands over what was
 * received.
 *
 * Memory: each slot holds one message of up to TETRA_CONCAT_TEXT_MAX bytes
 * of UTF-8 (about 15 KiB; a binary one with its parts takes less); the
 * table keeps `slots` messages in progress plus as many evicted ones
 * waiting to be reported.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/codec_err.h"
#include "codecs/tetra_prim.h"

#define TETRA_CONCAT_MAX_PARTS 16
#define TETRA_CONCAT_TEXT_MAX (TETRA_CONCAT_MAX_PARTS * TETRA_TEXT_MAX)

struct tetra_concat_message {
	struct tetra_text_param head;	/* header fields of the lowest part seen (identities, pid, coding, ts, tl); head.text unused */
	uint16_t ref;
	uint8_t total;
	uint8_t received;
	uint32_t have_mask;		/* bit i: part i+1 received */
	size_t text_len;
	char text[TETRA_CONCAT_TEXT_MAX + 1];	/* UTF-8 of the parts received, in order, NUL-terminated */
};
/* head.text is "" and head.text_len 0; head.concat is the lowest part's;
 * head.replaced is the sum over the parts received. */

/* Room for the payloads of a whole concatenated SDS. */
#define TETRA_CONCAT_SDS_MAX (TETRA_CONCAT_MAX_PARTS * TETRA_SDS_MAX_BYTES)

/* A concatenated SDS (PID 0x0C / 0x8C), whole or given up. */
struct tetra_concat_sds {
	struct tetra_sds_header hdr;	/* the lowest part's (identities; its bit_len) */
	uint8_t outer_pid;		/* 0x0C or 0x8C, as the lowest part has it */
	struct tetra_sds_tl tl;		/* 0x8C: the lowest part's SDS-TL header; else present false */
	uint16_t ref;			/* concatenation reference */
	uint8_t total;
	uint8_t received;
	uint32_t have_mask;		/* bit i: part i+1 received */
	bool has_pid;			/* part 1 came: pid is the embedded message's PID */
	uint8_t pid;
	size_t len;			/* octets in data */
	uint8_t data[TETRA_CONCAT_SDS_MAX];	/* the payloads of the parts received, in order
						 * (after the embedded PID) */
	/* Each part received as it came (index part - 1, where have_mask says),
	 * so that a message that cannot be used whole is passed on as its parts. */
	struct tetra_sds_unitdata_param part[TETRA_CONCAT_MAX_PARTS];
};

struct tetra_concat_table;	/* opaque */

/*! Bytes the caller allocates for a table of `slots` messages in progress
 *  (slots 0 counts as 1). */
size_t tetra_concat_table_size(unsigned slots);

/*! Initialise (or reset, dropping everything) a table of tetra_concat_table_size(slots) bytes. */
void tetra_concat_table_init(struct tetra_concat_table *t, unsigned slots);

/*! Add a part (a TETRA_TNSDS_TEXT parameter with concat.present).
 *  \returns 1 and fills *whole when the message is complete (its slot is
 *  freed; a 1-part message completes at once and takes no slot);
 *  0 when stored; TETRA_E_DUPLICATE when that part was already there (it is
 *  ignored); TETRA_E_RANGE for part 0, part > total or total >
 *  TETRA_CONCAT_MAX_PARTS; TETRA_E_INVALID when concat.present is false or
 *  text_len > TETRA_TEXT_MAX. *whole is written only when 1 is returned.
 *  When every slot is busy, the oldest incomplete message is given up to
 *  make room; it is handed over by the next tetra_concat_expire() call. */
int tetra_concat_add(struct tetra_concat_table *t, const struct tetra_text_param *part, uint64_t now_ms,
		     struct tetra_concat_message *whole);

/*! Whether raw (an UNITDATA primitive's parameter) is a part of a
 *  concatenated SDS as the SDS decoder passes one on: SDS type 4, PID 0x0C
 *  or 0x8C, no decode_error (so its headers parse). */
bool tetra_concat_sds_is_part(const struct tetra_sds_unitdata_param *raw);

/*! Add a part of a concatenated SDS (tetra_concat_sds_is_part()).
 *  \returns as tetra_concat_add(), filling a struct tetra_concat_sds;
 *  besides TETRA_E_INVALID when raw is not such a part, TETRA_E_TRUNCATED
 *  (or another error of tetra_sds_tl_read() / tetra_sds_concat_hdr_read())
 *  when its headers do not parse or its payload is not whole octets, and
 *  TETRA_E_RANGE for total > TETRA_CONCAT_MAX_PARTS. A part the table
 *  refuses is the caller's to pass on by itself. */
int tetra_concat_add_sds(struct tetra_concat_table *t, const struct tetra_sds_unitdata_param *raw,
			 uint64_t now_ms, struct tetra_concat_sds *whole);

/*! Give up messages whose first part arrived more than timeout_ms before
 *  now_ms, and evicted ones, oldest first: a text goes to text_cb, a
 *  concatenated SDS to sds_cb (either may be NULL: such messages are then
 *  dropped), with the parts received in order (missing parts simply absent:
 *  see have_mask); the pointer is valid only during the call. The callbacks
 *  must not call into t.
 *  \returns how many were given up. */
unsigned tetra_concat_expire(struct tetra_concat_table *t, uint64_t now_ms, uint64_t timeout_ms,
			     void (*text_cb)(const struct tetra_concat_message *partial, void *data),
			     void (*sds_cb)(const struct tetra_concat_sds *partial, void *data), void *data);

/*! Earliest time (ms) at which tetra_concat_expire() would give something up
 *  (0 when an evicted message waits), or UINT64_MAX when nothing is pending. */
uint64_t tetra_concat_next_deadline(const struct tetra_concat_table *t, uint64_t timeout_ms);

/*! Messages in progress (not counting evicted ones waiting to be reported). */
unsigned tetra_concat_pending(const struct tetra_concat_table *t);

/*! Evicted messages that had to be dropped unreported because more than
 *  `slots` evictions happened between two tetra_concat_expire() calls. */
unsigned tetra_concat_dropped(const struct tetra_concat_table *t);
