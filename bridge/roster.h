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
#define TB_ROSTER_ANSWER_MAX 200	/* bytes of an answer text or pattern */

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
 * (its text; not for an alert, kind 1, whose text is a call-out's, not an
 * answer). Strings are talloc'ed under tmp or point into the roster
 * (valid while the event is packed; today every one points into the
 * roster, and tmp may be NULL). A name or meaning the event has already
 * is kept. Events of kind callout are left as they are (the tracker names
 * its responders itself). */
void tb_roster_name_event(const struct tb_roster *r, Tetrabridge__V1__Event *ev, void *tmp);

/* "accept", "decline", "standby", "en-route", "on-scene", "handed-over",
 * "done", "available", "auto-ack" (config spelling); "none". */
const char *tb_meaning_name(tb_meaning m);
/* By that spelling ("none" too); -1 when unknown. */
int tb_meaning_by_name(const char *name);

/* ---- Building the roster (the VTY's roster node) -------------------------
 *
 * The config file's lines come through these. Each entry keeps the line
 * of the config file it came from (0: typed on the telnet VTY), so that a
 * second line for it can be refused with the first one's number. A
 * pointer an accessor returns is valid until the roster changes.
 *
 * Matching: a lookup by an event's identity (tb_roster_name() and the
 * others above) follows the rule at the top of this file; the *_exact()
 * accessors find the entry configured with exactly this identity (SSI
 * 1001 and TSI 242/16/1001 are two entries). An SSI given alone matches
 * the first TSI entry (in config order) with that SSI when no SSI entry
 * has it. An identity is an SSI (mcc = mnc = 0) or a TSI; other types
 * (external numbers, SNA, undecoded) are never listed and match nothing.
 *
 * Fixed answer texts are compared after folding: blanks at either end
 * removed, every run of blanks inside one space, letters lower case
 * (ASCII and the Latin-1 letters, so "PÅ VEI" is "på vei"; other UTF-8 is
 * left as it is). Patterns run on the folded text with REG_ICASE, and are
 * folded the same way when they are compiled (once, when configured); the
 * daemon runs in the C locale, so a bracket expression of letters beyond
 * ASCII matches bytes, not characters. */

/* A party: an identity (ISSI / TSI) or a group (GSSI) with its members. */
struct tb_roster_party {
	struct tetra_identity id;	/* TETRA_ID_SSI, or TETRA_ID_TSI with mcc or mnc set */
	char *name;
	bool group;
	unsigned line;
	unsigned n_members;		/* groups */
	struct tetra_identity *members;	/* config order */
};

struct tb_roster_status {
	uint16_t value;
	char *name;
	tb_meaning meaning;		/* MEANING_NONE: a name only */
	unsigned line;
};

struct tb_roster_answer {
	bool pattern;			/* a regular expression; else a fixed text */
	char *text;			/* as configured */
	tb_meaning meaning;
	unsigned line;
};

/* Whether id can be listed (an SSI or a TSI within the field sizes). */
bool tb_roster_id_valid(const struct tetra_identity *id);
/* Whether name can be a name: 1..TB_ROSTER_NAME_MAX bytes of UTF-8
 * without control characters, not starting or ending with a blank. */
bool tb_roster_name_valid(const char *name);

/* The parties in config order: i < tb_roster_n_parties(). */
unsigned tb_roster_n_parties(const struct tb_roster *r);
const struct tb_roster_party *tb_roster_party_at(const struct tb_roster *r, unsigned i);
/* The party configured with exactly id; NULL when none. */
const struct tb_roster_party *tb_roster_party_exact(const struct tb_roster *r, const struct tetra_identity *id);
/* The party an event's id matches (the rule above); NULL when none. */
const struct tb_roster_party *tb_roster_party_match(const struct tb_roster *r, const struct tetra_identity *id);

/* List id (an identity, or a group when group) with name, or rename it.
 * Returns 0; -EINVAL (id or name not valid), -EEXIST (listed as the other
 * kind), -ENOSPC (TB_ROSTER_MAX_ENTRIES reached), -ENOMEM. */
int tb_roster_set_party(struct tb_roster *r, const struct tetra_identity *id, bool group, const char *name,
			unsigned line);
/* Remove a party (a group with its members). 0, or -ENOENT. */
int tb_roster_remove_party(struct tb_roster *r, const struct tetra_identity *id);
/* member as a member of group (configured exactly so). Returns 0; -ENOENT
 * (group is not a listed group), -EINVAL (member not valid), -EEXIST (a
 * member already), -ENOSPC (TB_ROSTER_MAX_MEMBERS), -ENOMEM. */
int tb_roster_add_member(struct tb_roster *r, const struct tetra_identity *group, const struct tetra_identity *member);
/* 0, or -ENOENT (no such group or no such member). */
int tb_roster_remove_member(struct tb_roster *r, const struct tetra_identity *group,
			    const struct tetra_identity *member);

/* Status values in order of value: i < tb_roster_n_statuses(). */
unsigned tb_roster_n_statuses(const struct tb_roster *r);
const struct tb_roster_status *tb_roster_status_at(const struct tb_roster *r, unsigned i);
const struct tb_roster_status *tb_roster_status_find(const struct tb_roster *r, uint16_t value);
/* Name value (and give it a meaning), or change them. Returns 0; -EINVAL
 * (name not valid, or meaning not one), -ENOSPC (TB_ROSTER_MAX_STATUSES),
 * -ENOMEM. */
int tb_roster_set_status(struct tb_roster *r, uint16_t value, const char *name, tb_meaning meaning, unsigned line);
int tb_roster_remove_status(struct tb_roster *r, uint16_t value);

/* Answers in config order: i < tb_roster_n_answers(). */
unsigned tb_roster_n_answers(const struct tb_roster *r);
const struct tb_roster_answer *tb_roster_answer_at(const struct tb_roster *r, unsigned i);
/* The answer configured as this text (fixed texts: compared folded) or
 * this pattern (as written); NULL when none. */
const struct tb_roster_answer *tb_roster_answer_find(const struct tb_roster *r, bool pattern, const char *text);
/* Add a fixed text or a pattern with its meaning (not MEANING_NONE), or
 * change the meaning of one configured already. Returns 0; -EINVAL with
 * why (a sentence, when why is not NULL) when the pattern does not
 * compile, the text is empty or longer than TB_ROSTER_ANSWER_MAX, or the
 * meaning is none; -ENOSPC (TB_ROSTER_MAX_ANSWERS), -ENOMEM. */
int tb_roster_set_answer(struct tb_roster *r, bool pattern, const char *text, tb_meaning meaning, unsigned line,
			 char *why, size_t why_len);
int tb_roster_remove_answer(struct tb_roster *r, bool pattern, const char *text);

/* Fold text (len bytes of UTF-8) as fixed answers are compared, into out
 * (NUL-terminated, at most out_size - 1 bytes: never longer than len).
 * Returns the folded length (which may exceed out_size - 1: then out is cut). */
size_t tb_roster_fold(const char *text, size_t len, char *out, size_t out_size);
