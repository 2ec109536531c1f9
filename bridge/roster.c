/* The roster (see roster.h).
 *
 * Parties live in one array in config order; two open-addressing hash
 * tables index it: by the whole identity (MCC, MNC, SSI; an SSI entry has
 * MCC = MNC = 0), and by SSI alone for the TSI entries (an event that gives
 * an SSI alone finds a TSI entry). The tracker asks for every event, and a
 * district's roster may list thousands: a lookup is one or two probes, not
 * a walk. A change other than an addition rebuilds both tables (config
 * time only). Status values are a sorted array (binary search), fixed
 * answer texts a sorted index of their folded forms.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/roster.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "codecs/text.h"

/* The hash tables hold at most half their slots. */
#define MIN_HASH_BITS 6
/* Texts folded on the stack up to this size. */
#define FOLD_STACK 512

struct hash {
	uint32_t *slot;			/* party index + 1; 0: empty */
	unsigned bits;
};

struct answer {
	struct tb_roster_answer pub;
	char *folded;			/* fixed texts: the folded form compared */
	regex_t re;			/* patterns */
	bool compiled;
};

struct tb_roster {
	struct tb_roster_party *parties;	/* config order */
	unsigned n_parties, cap_parties;
	struct hash by_id;		/* every party, by its whole identity */
	struct hash by_ssi;		/* TSI parties, the first with each SSI */

	struct tb_roster_status *statuses;	/* by value */
	unsigned n_statuses, cap_statuses;

	struct answer **answers;	/* config order */
	unsigned n_answers;
	struct answer **fixed;		/* the fixed texts, by folded text */
	unsigned n_fixed;
};

/* ---- identities ----------------------------------------------------------- */

bool tb_roster_id_valid(const struct tetra_identity *id)
{
	if (!id || id->ssi > 0xffffff || id->mcc > 1023 || id->mnc > 16383)
		return false;
	switch (id->type) {
	case TETRA_ID_SSI:
	case TETRA_ID_TSI:
	case TETRA_ID_EXT_TSI:
		return true;
	default:
		return false;
	}
}

/* The roster's form of a valid identity: SSI alone, or TSI. */
static struct tetra_identity canonical(const struct tetra_identity *id)
{
	struct tetra_identity c = { .type = TETRA_ID_SSI, .ssi = id->ssi };

	if (id->mcc || id->mnc) {
		c.type = TETRA_ID_TSI;
		c.mcc = id->mcc;
		c.mnc = id->mnc;
	}
	return c;
}

static uint64_t id_key(uint16_t mcc, uint16_t mnc, uint32_t ssi)
{
	return (uint64_t)mcc << 38 | (uint64_t)mnc << 24 | ssi;
}

static uint64_t party_key(const struct tb_roster_party *p)
{
	return id_key(p->id.mcc, p->id.mnc, p->id.ssi);
}

static unsigned hash_pos(uint64_t key, unsigned bits)
{
	return (unsigned)((key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
}

/* The index of the party in h whose key (by keyf) is key; -1 when none. */
static int hash_find(const struct tb_roster *r, const struct hash *h, uint64_t key, bool ssi_only)
{
	unsigned mask, i;

	if (!h->slot)
		return -1;
	mask = (1u << h->bits) - 1;
	for (i = hash_pos(key, h->bits);; i = (i + 1) & mask) {
		uint32_t s = h->slot[i];
		const struct tb_roster_party *p;

		if (!s)
			return -1;
		p = &r->parties[s - 1];
		if ((ssi_only ? p->id.ssi : party_key(p)) == key)
			return (int)(s - 1);
	}
}

static void hash_put(struct hash *h, uint64_t key, unsigned index)
{
	unsigned mask = (1u << h->bits) - 1;
	unsigned i;

	for (i = hash_pos(key, h->bits); h->slot[i]; i = (i + 1) & mask)
		;
	h->slot[i] = index + 1;
}

/* Both tables anew for the parties as they are, with room for want. */
static int rehash(struct tb_roster *r, unsigned want)
{
	unsigned bits = MIN_HASH_BITS;
	uint32_t *a, *b;

	while ((1u << bits) < 2 * want)
		bits++;
	a = talloc_zero_array(r, uint32_t, 1u << bits);
	b = talloc_zero_array(r, uint32_t, 1u << bits);
	if (!a || !b) {
		talloc_free(a);
		talloc_free(b);
		return -ENOMEM;
	}
	talloc_free(r->by_id.slot);
	talloc_free(r->by_ssi.slot);
	r->by_id = (struct hash){ .slot = a, .bits = bits };
	r->by_ssi = (struct hash){ .slot = b, .bits = bits };
	for (unsigned i = 0; i < r->n_parties; i++) {
		const struct tb_roster_party *p = &r->parties[i];

		hash_put(&r->by_id, party_key(p), i);
		if (p->id.type == TETRA_ID_TSI && hash_find(r, &r->by_ssi, p->id.ssi, true) < 0)
			hash_put(&r->by_ssi, p->id.ssi, i);
	}
	return 0;
}

struct tb_roster *tb_roster_alloc(void *ctx)
{
	struct tb_roster *r = talloc_zero(ctx, struct tb_roster);

	if (r && rehash(r, 0) < 0)
		TALLOC_FREE(r);
	return r;
}

unsigned tb_roster_n_parties(const struct tb_roster *r)
{
	return r->n_parties;
}

const struct tb_roster_party *tb_roster_party_at(const struct tb_roster *r, unsigned i)
{
	return i < r->n_parties ? &r->parties[i] : NULL;
}

const struct tb_roster_party *tb_roster_party_exact(const struct tb_roster *r, const struct tetra_identity *id)
{
	int i;

	if (!tb_roster_id_valid(id))
		return NULL;
	i = hash_find(r, &r->by_id, id_key(id->mcc, id->mnc, id->ssi), false);
	return i < 0 ? NULL : &r->parties[i];
}

const struct tb_roster_party *tb_roster_party_match(const struct tb_roster *r, const struct tetra_identity *id)
{
	int i;

	if (!r || !tb_roster_id_valid(id))
		return NULL;
	if (id->mcc || id->mnc) {
		/* the TSI itself, else an SSI entry: that SSI in any network */
		i = hash_find(r, &r->by_id, id_key(id->mcc, id->mnc, id->ssi), false);
		if (i < 0)
			i = hash_find(r, &r->by_id, id_key(0, 0, id->ssi), false);
	} else {
		i = hash_find(r, &r->by_id, id_key(0, 0, id->ssi), false);
		if (i < 0)
			i = hash_find(r, &r->by_ssi, id->ssi, true);
	}
	return i < 0 ? NULL : &r->parties[i];
}

bool tb_roster_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (!len || len > TB_ROSTER_NAME_MAX || name[0] == ' ' || name[len - 1] == ' ')
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
	return tetra_utf8_valid(name, len);
}

int tb_roster_set_party(struct tb_roster *r, const struct tetra_identity *id, bool group, const char *name,
			unsigned line)
{
	struct tb_roster_party *p;
	struct tetra_identity c;
	char *copy;

	if (!tb_roster_id_valid(id) || !tb_roster_name_valid(name))
		return -EINVAL;
	c = canonical(id);
	p = (struct tb_roster_party *)tb_roster_party_exact(r, &c);
	if (p && p->group != group)
		return -EEXIST;
	if (!p && r->n_parties >= TB_ROSTER_MAX_ENTRIES)
		return -ENOSPC;
	copy = talloc_strdup(r, name);
	if (!copy)
		return -ENOMEM;
	if (p) {
		talloc_free(p->name);
		p->name = copy;
		p->line = line;
		return 0;
	}
	if (r->n_parties == r->cap_parties) {
		unsigned cap = r->cap_parties ? 2 * r->cap_parties : 16;
		struct tb_roster_party *a = talloc_realloc(r, r->parties, struct tb_roster_party, cap);

		if (!a) {
			talloc_free(copy);
			return -ENOMEM;
		}
		r->parties = a;
		r->cap_parties = cap;
	}
	if (2 * (r->n_parties + 1) > (1u << r->by_id.bits)) {
		int rc = rehash(r, 2 * (r->n_parties + 1));

		if (rc < 0) {
			talloc_free(copy);
			return rc;
		}
	}
	p = &r->parties[r->n_parties];
	*p = (struct tb_roster_party){ .id = c, .name = copy, .group = group, .line = line };
	hash_put(&r->by_id, party_key(p), r->n_parties);
	if (c.type == TETRA_ID_TSI && hash_find(r, &r->by_ssi, c.ssi, true) < 0)
		hash_put(&r->by_ssi, c.ssi, r->n_parties);
	r->n_parties++;
	return 0;
}

int tb_roster_remove_party(struct tb_roster *r, const struct tetra_identity *id)
{
	const struct tb_roster_party *p = tb_roster_party_exact(r, id);
	unsigned i;

	if (!p)
		return -ENOENT;
	i = p - r->parties;
	talloc_free(r->parties[i].name);
	talloc_free(r->parties[i].members);
	memmove(&r->parties[i], &r->parties[i + 1], (r->n_parties - i - 1) * sizeof(r->parties[0]));
	r->n_parties--;
	return rehash(r, r->n_parties);
}

/* Whether a configured identity (SSI or TSI entry) matches an event's id. */
static bool id_matches(const struct tetra_identity *entry, const struct tetra_identity *id)
{
	if (entry->ssi != id->ssi)
		return false;
	if (!entry->mcc && !entry->mnc)
		return true;	/* an SSI entry: any network */
	if (!id->mcc && !id->mnc)
		return true;	/* the event gives the SSI alone */
	return entry->mcc == id->mcc && entry->mnc == id->mnc;
}

static struct tb_roster_party *group_exact(struct tb_roster *r, const struct tetra_identity *group)
{
	struct tb_roster_party *p = (struct tb_roster_party *)tb_roster_party_exact(r, group);

	return p && p->group ? p : NULL;
}

/* The member configured exactly as m; -1 when none. */
static int member_exact(const struct tb_roster_party *g, const struct tetra_identity *m)
{
	for (unsigned i = 0; i < g->n_members; i++)
		if (g->members[i].ssi == m->ssi && g->members[i].mcc == m->mcc && g->members[i].mnc == m->mnc)
			return (int)i;
	return -1;
}

int tb_roster_add_member(struct tb_roster *r, const struct tetra_identity *group, const struct tetra_identity *member)
{
	struct tb_roster_party *g = group_exact(r, group);
	struct tetra_identity c;
	struct tetra_identity *a;

	if (!g)
		return -ENOENT;
	if (!tb_roster_id_valid(member))
		return -EINVAL;
	c = canonical(member);
	if (member_exact(g, &c) >= 0)
		return -EEXIST;
	if (g->n_members >= TB_ROSTER_MAX_MEMBERS)
		return -ENOSPC;
	a = talloc_realloc(r, g->members, struct tetra_identity, g->n_members + 1);
	if (!a)
		return -ENOMEM;
	g->members = a;
	g->members[g->n_members++] = c;
	return 0;
}

int tb_roster_remove_member(struct tb_roster *r, const struct tetra_identity *group,
			    const struct tetra_identity *member)
{
	struct tb_roster_party *g = group_exact(r, group);
	struct tetra_identity c;
	int i;

	if (!g || !tb_roster_id_valid(member))
		return -ENOENT;
	c = canonical(member);
	i = member_exact(g, &c);
	if (i < 0)
		return -ENOENT;
	memmove(&g->members[i], &g->members[i + 1], (g->n_members - i - 1) * sizeof(g->members[0]));
	g->n_members--;
	return 0;
}

const char *tb_roster_name(const struct tb_roster *r, const struct tetra_identity *id)
{
	const struct tb_roster_party *p = tb_roster_party_match(r, id);

	return p ? p->name : NULL;
}

bool tb_roster_is_group(const struct tb_roster *r, const struct tetra_identity *id)
{
	const struct tb_roster_party *p = tb_roster_party_match(r, id);

	return p && p->group;
}

unsigned tb_roster_members(const struct tb_roster *r, const struct tetra_identity *group,
			   const struct tetra_identity **members)
{
	const struct tb_roster_party *p = tb_roster_party_match(r, group);

	if (!p || !p->group) {
		*members = NULL;
		return 0;
	}
	*members = p->members;
	return p->n_members;
}

bool tb_roster_is_member(const struct tb_roster *r, const struct tetra_identity *group,
			 const struct tetra_identity *member)
{
	const struct tetra_identity *m;
	unsigned n = tb_roster_members(r, group, &m);

	if (!tb_roster_id_valid(member))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (id_matches(&m[i], member))
			return true;
	return false;
}

/* ---- status values ---------------------------------------------------------- */

/* The index of value, or where it would go (*found false). */
static unsigned status_pos(const struct tb_roster *r, uint16_t value, bool *found)
{
	unsigned lo = 0, hi = r->n_statuses;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (r->statuses[mid].value < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < r->n_statuses && r->statuses[lo].value == value;
	return lo;
}

unsigned tb_roster_n_statuses(const struct tb_roster *r)
{
	return r->n_statuses;
}

const struct tb_roster_status *tb_roster_status_at(const struct tb_roster *r, unsigned i)
{
	return i < r->n_statuses ? &r->statuses[i] : NULL;
}

const struct tb_roster_status *tb_roster_status_find(const struct tb_roster *r, uint16_t value)
{
	bool found;
	unsigned i;

	if (!r)
		return NULL;
	i = status_pos(r, value, &found);
	return found ? &r->statuses[i] : NULL;
}

static bool meaning_valid(tb_meaning m)
{
	return m >= TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE &&
	       m <= TETRABRIDGE__V1__ANSWER_MEANING__MEANING_AUTO_ACK;
}

int tb_roster_set_status(struct tb_roster *r, uint16_t value, const char *name, tb_meaning meaning, unsigned line)
{
	struct tb_roster_status *s;
	bool found;
	unsigned i;
	char *copy;

	if (!tb_roster_name_valid(name) || !meaning_valid(meaning))
		return -EINVAL;
	i = status_pos(r, value, &found);
	if (!found && r->n_statuses >= TB_ROSTER_MAX_STATUSES)
		return -ENOSPC;
	copy = talloc_strdup(r, name);
	if (!copy)
		return -ENOMEM;
	if (!found) {
		if (r->n_statuses == r->cap_statuses) {
			unsigned cap = r->cap_statuses ? 2 * r->cap_statuses : 16;
			struct tb_roster_status *a = talloc_realloc(r, r->statuses, struct tb_roster_status, cap);

			if (!a) {
				talloc_free(copy);
				return -ENOMEM;
			}
			r->statuses = a;
			r->cap_statuses = cap;
		}
		memmove(&r->statuses[i + 1], &r->statuses[i], (r->n_statuses - i) * sizeof(r->statuses[0]));
		r->n_statuses++;
		r->statuses[i] = (struct tb_roster_status){ .value = value };
	}
	s = &r->statuses[i];
	talloc_free(s->name);
	s->name = copy;
	s->meaning = meaning;
	s->line = line;
	return 0;
}

int tb_roster_remove_status(struct tb_roster *r, uint16_t value)
{
	bool found;
	unsigned i = status_pos(r, value, &found);

	if (!found)
		return -ENOENT;
	talloc_free(r->statuses[i].name);
	memmove(&r->statuses[i], &r->statuses[i + 1], (r->n_statuses - i - 1) * sizeof(r->statuses[0]));
	r->n_statuses--;
	return 0;
}

const char *tb_roster_status_name(const struct tb_roster *r, uint16_t value)
{
	const struct tb_roster_status *s = tb_roster_status_find(r, value);

	return s ? s->name : NULL;
}

tb_meaning tb_roster_status_meaning(const struct tb_roster *r, uint16_t value)
{
	const struct tb_roster_status *s = tb_roster_status_find(r, value);

	return s ? s->meaning : TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE;
}

/* ---- answers ------------------------------------------------------------------ */

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A Latin-1 capital letter's second UTF-8 byte (U+00C0-U+00DE but U+00D7
 * the multiplication sign) -> its small letter's. */
static unsigned char latin1_lower(unsigned char second)
{
	return second >= 0x80 && second <= 0x9e && second != 0x97 ? second + 0x20 : second;
}

size_t tb_roster_fold(const char *text, size_t len, char *out, size_t out_size)
{
	size_t n = 0;
	bool blank = false;

#define PUT(ch) do { if (n + 1 < out_size) out[n] = (char)(ch); n++; } while (0)
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (is_blank(c)) {
			blank = n > 0;
			continue;
		}
		if (blank)
			PUT(' ');
		blank = false;
		if (c >= 'A' && c <= 'Z') {
			PUT(c + ('a' - 'A'));
		} else if (c == 0xc3 && i + 1 < len && ((unsigned char)text[i + 1] & 0xc0) == 0x80) {
			PUT(c);
			PUT(latin1_lower((unsigned char)text[++i]));
		} else {
			PUT(c);
		}
	}
#undef PUT
	if (out_size)
		out[n < out_size ? n : out_size - 1] = '\0';
	return n;
}

/* A pattern as it is compiled: its Latin-1 capitals small (REG_ICASE
 * knows only ASCII in the C locale); nothing else changes (a "\S" stays). */
static char *fold_pattern(void *ctx, const char *p)
{
	char *s = talloc_strdup(ctx, p);

	for (size_t i = 0; s && s[i]; i++)
		if ((unsigned char)s[i] == 0xc3 && ((unsigned char)s[i + 1] & 0xc0) == 0x80) {
			s[i + 1] = (char)latin1_lower((unsigned char)s[i + 1]);
			i++;
		}
	return s;
}

static int answer_destructor(struct answer *a)
{
	if (a->compiled)
		regfree(&a->re);
	return 0;
}

static int cmp_fixed(const void *a, const void *b)
{
	return strcmp((*(struct answer *const *)a)->folded, (*(struct answer *const *)b)->folded);
}

static int reindex_fixed(struct tb_roster *r)
{
	struct answer **f = talloc_realloc(r, r->fixed, struct answer *, r->n_answers ? r->n_answers : 1);

	if (!f)
		return -ENOMEM;
	r->fixed = f;
	r->n_fixed = 0;
	for (unsigned i = 0; i < r->n_answers; i++)
		if (!r->answers[i]->pub.pattern)
			f[r->n_fixed++] = r->answers[i];
	qsort(f, r->n_fixed, sizeof(f[0]), cmp_fixed);
	return 0;
}

static struct answer *fixed_find(const struct tb_roster *r, const char *folded)
{
	unsigned lo = 0, hi = r->n_fixed;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = strcmp(r->fixed[mid]->folded, folded);

		if (!c)
			return r->fixed[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

unsigned tb_roster_n_answers(const struct tb_roster *r)
{
	return r->n_answers;
}

const struct tb_roster_answer *tb_roster_answer_at(const struct tb_roster *r, unsigned i)
{
	return i < r->n_answers ? &r->answers[i]->pub : NULL;
}

static int answer_index(const struct tb_roster *r, bool pattern, const char *text)
{
	char folded[TB_ROSTER_ANSWER_MAX + 1];
	size_t len = strlen(text);

	if (!pattern) {
		const struct answer *a;

		if (len > TB_ROSTER_ANSWER_MAX)
			return -1;
		tb_roster_fold(text, len, folded, sizeof(folded));
		a = fixed_find(r, folded);
		for (unsigned i = 0; a && i < r->n_answers; i++)
			if (r->answers[i] == a)
				return (int)i;
		return -1;
	}
	for (unsigned i = 0; i < r->n_answers; i++)
		if (r->answers[i]->pub.pattern && !strcmp(r->answers[i]->pub.text, text))
			return (int)i;
	return -1;
}

const struct tb_roster_answer *tb_roster_answer_find(const struct tb_roster *r, bool pattern, const char *text)
{
	int i = answer_index(r, pattern, text);

	return i < 0 ? NULL : &r->answers[i]->pub;
}

int tb_roster_set_answer(struct tb_roster *r, bool pattern, const char *text, tb_meaning meaning, unsigned line,
			 char *why, size_t why_len)
{
	size_t len = text ? strlen(text) : 0;
	struct answer *a, **arr;
	char folded[TB_ROSTER_ANSWER_MAX + 1];
	int i, rc;

	if (!why_len)
		why = NULL;
	if (!meaning_valid(meaning) || meaning == TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE) {
		if (why)
			snprintf(why, why_len, "an answer needs a meaning other than none");
		return -EINVAL;
	}
	if (len > TB_ROSTER_ANSWER_MAX || !len || !tetra_utf8_valid(text, len) ||
	    (!pattern && !tb_roster_fold(text, len, folded, sizeof(folded)))) {
		if (why)
			snprintf(why, why_len, "an answer %s is 1 to %u bytes of UTF-8 text", pattern ? "pattern" : "text",
				 TB_ROSTER_ANSWER_MAX);
		return -EINVAL;
	}
	i = answer_index(r, pattern, text);
	if (i >= 0) {
		r->answers[i]->pub.meaning = meaning;
		r->answers[i]->pub.line = line;
		return 0;
	}
	if (r->n_answers >= TB_ROSTER_MAX_ANSWERS)
		return -ENOSPC;
	a = talloc_zero(r, struct answer);
	if (!a)
		return -ENOMEM;
	talloc_set_destructor(a, answer_destructor);
	a->pub = (struct tb_roster_answer){ .pattern = pattern, .text = talloc_strdup(a, text), .meaning = meaning,
					    .line = line };
	if (!a->pub.text)
		goto oom;
	if (pattern) {
		char *p = fold_pattern(a, text);

		if (!p)
			goto oom;
		rc = regcomp(&a->re, p, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc) {
			if (why) {
				char err[128];

				regerror(rc, &a->re, err, sizeof(err));
				snprintf(why, why_len, "the pattern does not compile: %s", err);
			}
			talloc_free(a);
			return -EINVAL;
		}
		a->compiled = true;
	} else {
		a->folded = talloc_strdup(a, folded);
		if (!a->folded)
			goto oom;
	}
	arr = talloc_realloc(r, r->answers, struct answer *, r->n_answers + 1);
	if (!arr)
		goto oom;
	r->answers = arr;
	r->answers[r->n_answers++] = a;
	rc = reindex_fixed(r);
	if (rc < 0) {
		r->n_answers--;
		talloc_free(a);
	}
	return rc;
oom:
	talloc_free(a);
	return -ENOMEM;
}

int tb_roster_remove_answer(struct tb_roster *r, bool pattern, const char *text)
{
	int i = answer_index(r, pattern, text);

	if (i < 0)
		return -ENOENT;
	talloc_free(r->answers[i]);
	memmove(&r->answers[i], &r->answers[i + 1], (r->n_answers - i - 1) * sizeof(r->answers[0]));
	r->n_answers--;
	return reindex_fixed(r);
}

tb_meaning tb_roster_text_meaning(const struct tb_roster *r, const char *utf8, size_t len)
{
	tb_meaning m = TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE;
	char stack[FOLD_STACK];
	char *folded = stack;
	const struct answer *a;
	size_t n;

	if (!r || !r->n_answers || !utf8)
		return m;
	n = tb_roster_fold(utf8, len, stack, sizeof(stack));
	if (n >= sizeof(stack)) {
		folded = malloc(n + 1);
		if (!folded)
			return m;
		tb_roster_fold(utf8, len, folded, n + 1);
	}
	/* fixed texts first, then the patterns in config order */
	a = n <= TB_ROSTER_ANSWER_MAX ? fixed_find(r, folded) : NULL;
	if (a) {
		m = a->pub.meaning;
	} else {
		for (unsigned i = 0; i < r->n_answers; i++) {
			a = r->answers[i];
			if (a->compiled && regexec(&a->re, folded, 0, NULL, 0) == 0) {
				m = a->pub.meaning;
				break;
			}
		}
	}
	if (folded != stack)
		free(folded);
	return m;
}

/* ---- meanings --------------------------------------------------------------------- */

static const struct value_string meaning_names[] = {
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE, "none" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_ACCEPT, "accept" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_DECLINE, "decline" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_STANDBY, "standby" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_EN_ROUTE, "en-route" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_ON_SCENE, "on-scene" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_HANDED_OVER, "handed-over" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_DONE, "done" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_AVAILABLE, "available" },
	{ TETRABRIDGE__V1__ANSWER_MEANING__MEANING_AUTO_ACK, "auto-ack" },
	{ 0, NULL }
};

const char *tb_meaning_name(tb_meaning m)
{
	const char *s = meaning_valid(m) ? get_value_string_or_null(meaning_names, m) : NULL;

	return s ? s : "none";
}

int tb_meaning_by_name(const char *name)
{
	int m = name ? get_string_value(meaning_names, name) : -1;

	return m < 0 ? -1 : m;
}

/* ---- naming an event ------------------------------------------------------------------ */

/* Room for the identities of one body (Text has the most: 3). */
#define BODY_IDS_MAX 4

/* Every Identity field of the event's body, the one place that lists
 * them: a body that gains an identity gains its line here. Returns how
 * many (NULL ones left out). */
static unsigned body_identities(Tetrabridge__V1__Event *ev, Tetrabridge__V1__Identity *ids[BODY_IDS_MAX])
{
	Tetrabridge__V1__Identity *l[BODY_IDS_MAX] = { 0 };
	unsigned n = 0;

	/* the members of the body oneof share one pointer */
	if (!ev->radio_state)
		return 0;
	switch (ev->body_case) {
	case TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE:
		l[0] = ev->radio_state->identity;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_STATUS:
		l[0] = ev->status->calling, l[1] = ev->status->called;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_SHORT_REPORT:
		l[0] = ev->short_report->calling, l[1] = ev->short_report->called;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_SDS_RAW:
		l[0] = ev->sds_raw->calling, l[1] = ev->sds_raw->called;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_CALL_SETUP:
		l[0] = ev->call_setup->calling, l[1] = ev->call_setup->called;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_TX:
		l[0] = ev->tx->talker;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_TEXT:
		l[0] = ev->text->calling, l[1] = ev->text->called;
		if (ev->text->storage)
			l[2] = ev->text->storage->forward_address;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_TEXT_INCOMPLETE:
		l[0] = ev->text_incomplete->calling, l[1] = ev->text_incomplete->called;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_LOCATION:
		l[0] = ev->location->calling, l[1] = ev->location->called;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_LOCATION_CONTROL:
		l[0] = ev->location_control->calling, l[1] = ev->location_control->called;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_DELIVERY_REPORT:
		l[0] = ev->delivery_report->calling, l[1] = ev->delivery_report->called;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_RADIO_INFO: {
		Tetrabridge__V1__RadioInfo *ri = ev->radio_info;

		if (!ri->group)	/* the members of info share one pointer too */
			break;
		if (ri->info_case == TETRABRIDGE__V1__RADIO_INFO__INFO_GROUP)
			l[0] = ri->group->group;
		else if (ri->info_case == TETRABRIDGE__V1__RADIO_INFO__INFO_IDENTITY_ENTRY)
			l[0] = ri->identity_entry->identity;
		else if (ri->info_case == TETRABRIDGE__V1__RADIO_INFO__INFO_REPORTED_IDENTITY)
			l[0] = ri->reported_identity->identity;
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_OUTGOING:
		l[0] = ev->outgoing->to;
		break;
	case TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU:
		l[0] = ev->callout_pdu->calling, l[1] = ev->callout_pdu->called;
		break;
	default:
		/* no identity: call_connect, call_release, send_result,
		 * link_error, lost; callout: the tracker names its own */
		break;
	}
	for (unsigned i = 0; i < BODY_IDS_MAX; i++)
		if (l[i])
			ids[n++] = l[i];
	return n;
}

static void name_identity(const struct tb_roster *r, Tetrabridge__V1__Identity *pid)
{
	struct tetra_identity id = { .type = TETRA_ID_NONE };
	const char *name;

	if (pid->undecoded || (pid->name && pid->name[0]))
		return;
	switch (pid->type) {
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI:
		id.type = TETRA_ID_SSI;
		break;
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI:
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_EXTENDED_TSI:
		id.type = TETRA_ID_TSI;
		break;
	default:
		return;	/* external numbers, SNA, none */
	}
	if (pid->mcc > 1023 || pid->mnc > 16383 || pid->ssi > 0xffffff)
		return;
	id.mcc = pid->mcc;
	id.mnc = pid->mnc;
	id.ssi = pid->ssi;
	name = tb_roster_name(r, &id);
	if (name)
		pid->name = (char *)name;
}

static bool no_meaning(Tetrabridge__V1__AnswerMeaning m)
{
	return m == TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE;
}

void tb_roster_name_event(const struct tb_roster *r, Tetrabridge__V1__Event *ev, void *tmp)
{
	Tetrabridge__V1__Identity *ids[BODY_IDS_MAX];
	unsigned n;

	if (!r || !ev || !ev->radio_state)
		return;
	n = body_identities(ev, ids);
	for (unsigned i = 0; i < n; i++)
		name_identity(r, ids[i]);

	switch (ev->body_case) {
	case TETRABRIDGE__V1__EVENT__BODY_STATUS: {
		Tetrabridge__V1__Status *s = ev->status;
		const struct tb_roster_status *rs = s->value <= 0xffff ? tb_roster_status_find(r, s->value) : NULL;

		if (!rs)
			break;
		if (!s->name || !s->name[0])
			s->name = rs->name;
		if (no_meaning(s->meaning))
			s->meaning = rs->meaning;
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_TEXT:
		if (no_meaning(ev->text->meaning) && ev->text->text)
			ev->text->meaning = tb_roster_text_meaning(r, ev->text->text, strlen(ev->text->text));
		break;
	case TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU:
		/* an alert's text is the call-out's, not an answer */
		if (ev->callout_pdu->kind != 1 && no_meaning(ev->callout_pdu->meaning) && ev->callout_pdu->text)
			ev->callout_pdu->meaning =
				tb_roster_text_meaning(r, ev->callout_pdu->text, strlen(ev->callout_pdu->text));
		break;
	default:
		break;
	}
}
