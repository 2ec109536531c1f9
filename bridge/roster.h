/* The roster: one table in the config that names the parties and values a
 * dispatcher sees on the radio, and says what they mean for a call-out.
 *
 *   - identities (ISSI / TSI of a terminal, GSSI of a group) with the name
 *     of the person or unit ("Sykepleier Nord", "Ambulanse 4", "LV-1");
 *     a group lists its members (alerting a group alerts them, and a
 *     member's answer joins it to the call-out);
 *   - status values with a name ("på vei") and a meaning (accept, decline,
 *     standby, en route, on scene, handed over, done, available, the
 *     terminal's own acknowledgement);
 *   - answer texts: fixed texts (compared without case and surrounding
 *     blanks) and patterns (POSIX extended regular expressions, without
 *     case), each with a meaning. Fixed texts are tried first, then the
 *     patterns in config order.
 *
 * The bridge puts the names beside the raw values into every event it
 * publishes (tb_roster_name_event()), and the call-out tracker asks the
 * meanings.
 *
 * An SSI entry matches that SSI in any network (an event's SSI or TSI); a
 * TSI entry matches only that TSI (or an event that gives the SSI alone).
 *
 * Health data: the roster is configuration (names of staff, not of
 * patients); logs still name nothing of it at INFO or above.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/tetra_prim.h"
#include "ipc/tetra_bridge.pb-c.h"

/* Meanings are the proto's (MEANING_NONE ... MEANING_AUTO_ACK). */
typedef Tetrabridge__V1__AnswerMeaning tb_meaning;

/* Bounds: a config line beyond them is refused with a sentence. */
#define TB_ROSTER_MAX_ENTRIES 10000	/* identities */
#define TB_ROSTER_MAX_MEMBERS 256	/* members of one group */
#define TB_ROSTER_MAX_STATUSES 1000
#define TB_ROSTER_MAX_ANSWERS 200	/* fixed texts and patterns together */
#define TB_ROSTER_NAME_MAX 64		/* bytes of UTF-8 in a name */

struct tb_roster;

/* An empty roster. Ownership: a talloc child of ctx, freed with it. */
struct tb_roster *tb_roster_alloc(void *ctx);

/* The name of a party, or NULL when not listed. */
const char *tb_roster_name(const struct tb_roster *r, const struct tetra_identity *id);

/* Whether id is listed as a group (GSSI). */
bool tb_roster_is_group(const struct tb_roster *r, const struct tetra_identity *id);

/* The members of group (in config order): *members points to an array the
 * roster owns (valid until the config changes). Returns how many (0 when
 * group is not a listed group). */
unsigned tb_roster_members(const struct tb_roster *r, const struct tetra_identity *group,
			   const struct tetra_identity **members);

/* Whether member is listed as a member of group. */
bool tb_roster_is_member(const struct tb_roster *r, const struct tetra_identity *group,
			 const struct tetra_identity *member);

/* A status value's name (NULL: unlisted) and meaning (MEANING_NONE). */
const char *tb_roster_status_name(const struct tb_roster *r, uint16_t value);
tb_meaning tb_roster_status_meaning(const struct tb_roster *r, uint16_t value);

/* What a text (UTF-8, len bytes) means as an answer: MEANING_NONE when no
 * fixed text or pattern matches. */
tb_meaning tb_roster_text_meaning(const struct tb_roster *r, const char *utf8, size_t len);

/* Fill the names and meanings of an event about to be published: name of
 * every Identity in it (Identity.name; calling, called, talker, group,
 * destination ...), Status.name / meaning, Text.meaning, CalloutPdu.meaning
 * (its text). Strings are talloc'ed under tmp or point into the roster
 * (valid while the event is packed). Events of kind callout are left as
 * they are (the tracker names its responders itself). */
void tb_roster_name_event(const struct tb_roster *r, Tetrabridge__V1__Event *ev, void *tmp);

/* "accept", "decline", "standby", "en-route", "on-scene", "handed-over",
 * "done", "available", "auto-ack" (config spelling); "none". */
const char *tb_meaning_name(tb_meaning m);
/* By that spelling; -1 when unknown. */
int tb_meaning_by_name(const char *name);
