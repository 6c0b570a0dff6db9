/* The UDP answer budget: one fixed table of sources, prefixes and peers in
 * sets of SRCBUDGET_WAYS, evicting the least recently used entry of a set
 * (an active sender's own entries are the most recently used, so a flood of
 * new sources pushes out idle ones, and whatever comes back fresh draws its
 * spending from the pool). Credit is in thousandths of a byte so that any
 * factor is exact. */
#include "guard/srcbudget.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/rng.h"
#include "core/siphash.h"
#include "core/tbucket.h"

#define SB_MILLI 1000ULL
#define SB_SEC 1000000ULL

enum sb_kind { SB_EMPTY, SB_SOURCE, SB_PREFIX, SB_PEER };

struct sb_slot {
	struct addr_key key;    /* IPv4 as v4-mapped; a prefix masked */
	uint16_t port;          /* peers only */
	uint8_t kind;
	bool answered;          /* peer: `answer` is set */
	uint64_t stamp;         /* last use (the LRU order) and the refill clock, us */
	union {
		struct {        /* a source or a prefix */
			uint64_t hold;          /* no refill before this time */
			uint64_t bal;           /* credit, thousandths of a byte */
			struct tbucket bytes;   /* source: byte_rate */
		} a;
		struct {        /* a peer */
			uint64_t answer;        /* digest of our last answer to it */
			struct tbucket returned;
			struct tbucket paced;
		} p;
	} u;
};

struct srcbudget {
	struct srcbudget_cfg cfg;
	struct sb_slot *slots;
	size_t nsets;
	size_t used;
	uint64_t pool;          /* what all may still spend of their credit, thousandths of a byte */
	uint64_t pool_stamp;
	uint8_t secret[16];
};

void srcbudget_cfg_default(struct srcbudget_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->factor_milli = SRCBUDGET_FACTOR_DEFAULT;
	cfg->credit = SRCBUDGET_CREDIT_DEFAULT;
	cfg->peer_rate = SRCBUDGET_PEER_RATE_DEFAULT;
}

static uint64_t sb_source_cap(const struct srcbudget *b)
{
	return b->cfg.credit * SB_MILLI;
}

static uint64_t sb_prefix_cap(const struct srcbudget *b)
{
	return b->cfg.credit * SRCBUDGET_PREFIX_SHARE * SB_MILLI;
}

static uint64_t sb_pool_cap(const struct srcbudget *b)
{
	return sb_prefix_cap(b) * SRCBUDGET_POOL_PREFIXES;
}

struct srcbudget *srcbudget_new(const struct srcbudget_cfg *cfg, uint64_t now_us)
{
	struct srcbudget *b = calloc(1, sizeof(*b));
	size_t slots = cfg->slots ? cfg->slots : SRCBUDGET_SLOTS;

	if (!b)
		return NULL;
	b->cfg = *cfg;
	if (b->cfg.credit > SRCBUDGET_CREDIT_MAX)
		b->cfg.credit = SRCBUDGET_CREDIT_MAX;
	if (b->cfg.factor_milli > SRCBUDGET_FACTOR_MAX)
		b->cfg.factor_milli = SRCBUDGET_FACTOR_MAX;
	b->nsets = 1;
	while (b->nsets * SRCBUDGET_WAYS < slots)
		b->nsets *= 2;
	b->slots = calloc(b->nsets * SRCBUDGET_WAYS, sizeof(*b->slots));
	if (!b->slots) {
		free(b);
		return NULL;
	}
	b->pool = sb_pool_cap(b);
	b->pool_stamp = now_us;
	rng_fill_secure(b->secret, sizeof(b->secret));
	return b;
}

void srcbudget_free(struct srcbudget *b)
{
	if (!b)
		return;
	free(b->slots);
	free(b);
}

size_t srcbudget_used(const struct srcbudget *b)
{
	return b->used;
}

size_t srcbudget_capacity(const struct srcbudget *b)
{
	return b->nsets * SRCBUDGET_WAYS;
}

static bool sb_key_is_v4(const struct addr_key *k)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(k->ip, mapped, sizeof(mapped)) == 0;
}

/* The /24 of an IPv4 address, the /64 of an IPv6 one. */
static void sb_key_prefix(struct addr_key *k)
{
	if (sb_key_is_v4(k))
		k->ip[15] = 0;
	else
		memset(k->ip + 8, 0, 8);
}

static struct sb_slot *sb_set(struct srcbudget *b, uint8_t kind, const struct addr_key *key,
			      uint16_t port)
{
	uint8_t buf[sizeof(key->ip) + 3];

	memcpy(buf, key->ip, sizeof(key->ip));
	buf[16] = kind;
	buf[17] = (uint8_t)(port >> 8);
	buf[18] = (uint8_t)port;
	uint64_t h = siphash_24(b->secret, buf, sizeof(buf));
	return &b->slots[(size_t)(h & (b->nsets - 1)) * SRCBUDGET_WAYS];
}

/*
 * The entry for (kind, key, port), made if absent (*fresh set). A full set
 * gives up its least recently used entry, never one of the pins (entries
 * this decision already holds).
 */
static struct sb_slot *sb_get(struct srcbudget *b, uint8_t kind, const struct addr_key *key,
			      uint16_t port, uint64_t now, const struct sb_slot *pin1,
			      const struct sb_slot *pin2, bool *fresh)
{
	struct sb_slot *set = sb_set(b, kind, key, port), *victim = NULL;

	*fresh = false;
	for (unsigned i = 0; i < SRCBUDGET_WAYS; i++) {
		struct sb_slot *s = &set[i];
		if (s->kind == kind && s->port == port && memcmp(s->key.ip, key->ip, 16) == 0)
			return s;
		if (s == pin1 || s == pin2)
			continue;
		if (s->kind == SB_EMPTY) {
			if (!victim || victim->kind != SB_EMPTY)
				victim = s;
		} else if (!victim || (victim->kind != SB_EMPTY && s->stamp < victim->stamp)) {
			victim = s;
		}
	}
	if (victim->kind == SB_EMPTY)
		b->used++;
	memset(victim, 0, sizeof(*victim));
	victim->key = *key;
	victim->port = port;
	victim->kind = kind;
	victim->stamp = now;
	*fresh = true;
	return victim;
}

/* The pool, refilled at one source's credit a second up to its cap. */
static uint64_t sb_pool_level(struct srcbudget *b, uint64_t now)
{
	uint64_t cap = sb_pool_cap(b);

	if (now > b->pool_stamp) {
		uint64_t dt = now - b->pool_stamp;
		uint64_t full = SRCBUDGET_PREFIX_SHARE * SRCBUDGET_POOL_PREFIXES * SB_SEC;
		/* credit bytes a second is credit / 1000 thousandths a microsecond */
		b->pool = dt >= full ? cap : b->pool + b->cfg.credit * dt / SB_MILLI;
		if (b->pool > cap)
			b->pool = cap;
		b->pool_stamp = now;
	}
	return b->pool;
}

/* Credit back at cap per SRCBUDGET_REFILL_US, counted from the later of the
 * last use and the end of the hold. */
static void sb_refill(struct sb_slot *s, uint64_t cap, uint64_t now)
{
	uint64_t from = s->stamp > s->u.a.hold ? s->stamp : s->u.a.hold;

	if (now > from && s->u.a.bal < cap) {
		uint64_t dt = now - from;
		/* cap * dt / REFILL, without overflowing 64 bits */
		uint64_t add = dt >= SRCBUDGET_REFILL_US
				       ? cap
				       : cap / SB_MILLI * dt / (SRCBUDGET_REFILL_US / SB_MILLI);
		s->u.a.bal = cap - s->u.a.bal < add ? cap : s->u.a.bal + add;
	}
	s->stamp = now;
}

static uint64_t sb_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The budget of one decision: the source's and its prefix's entries. */
struct sb_budget {
	struct sb_slot *src, *pfx;
	uint64_t credit;        /* what the source, its prefix and the pool all have */
	uint64_t earn;          /* what this request pays: factor x its IP bytes */
};

static void sb_budget_open(struct srcbudget *b, struct sb_budget *bd, struct sb_slot *src,
			   const struct addr_key *key, size_t in_ip, uint64_t now)
{
	struct addr_key pk = *key;
	bool fresh;

	bd->src = src;
	sb_key_prefix(&pk);
	bd->pfx = sb_get(b, SB_PREFIX, &pk, 0, now, src, NULL, &fresh);
	if (fresh)
		bd->pfx->u.a.bal = sb_prefix_cap(b);
	sb_refill(src, sb_source_cap(b), now);
	sb_refill(bd->pfx, sb_prefix_cap(b), now);
	bd->credit = sb_min(sb_min(src->u.a.bal, bd->pfx->u.a.bal), sb_pool_level(b, now));
	bd->earn = (uint64_t)in_ip * b->cfg.factor_milli;
}

/* Takes what the answer costs beyond the request's own pay from the source,
 * its prefix and the pool alike: a prefix made again (evicted, or one of
 * many) has credit on paper only, and the pool bounds what all of them
 * spend. A surplus is not kept: nothing is banked for later. */
static void sb_budget_spend(struct srcbudget *b, struct sb_budget *bd, uint64_t cost)
{
	uint64_t spend = cost > bd->earn ? cost - bd->earn : 0;

	bd->src->u.a.bal -= spend;
	bd->pfx->u.a.bal -= spend;
	b->pool -= spend;
}

static void sb_budget_hold(struct sb_budget *bd, uint64_t now)
{
	bd->src->u.a.hold = bd->pfx->u.a.hold = now + SRCBUDGET_HOLD_US;
}

/* Not keyed: it only tells our own answer from a peer's next datagram, and
 * a peer that made the two collide would only hold back its own answers. */
uint64_t srcbudget_digest(const void *p, size_t n)
{
	uint8_t buf[64] = { 0 };
	size_t head = n < 32 ? n : 32, tail = n - head < 32 ? n - head : 32;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;

	memcpy(buf, p, head);
	memcpy(buf + head, (const uint8_t *)p + n - tail, tail);
	for (size_t i = 0; i < head + tail; i += 8) {
		uint64_t w;
		memcpy(&w, buf + i, sizeof(w));
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* The entries one decision needs, made if absent; each made one pinned so
 * that the next cannot evict it. */
struct sb_entries {
	struct sb_slot *src, *peer;
	struct sb_budget bd;
};

static void sb_entries_get(struct srcbudget *b, struct sb_entries *e, const struct srcbudget_req *r,
			   bool budget, size_t hdr, uint64_t now)
{
	const struct srcbudget_cfg *cfg = &b->cfg;
	struct addr_key key;
	bool fresh;

	addr_key_from(&key, r->from);
	if (budget || cfg->byte_rate) {
		e->src = sb_get(b, SB_SOURCE, &key, 0, now, NULL, NULL, &fresh);
		if (fresh) {
			e->src->u.a.bal = sb_source_cap(b);
			tbucket_init(&e->src->u.a.bytes, cfg->byte_rate,
				     cfg->byte_rate > SRCBUDGET_IP_MAX ? cfg->byte_rate : SRCBUDGET_IP_MAX,
				     now);
		}
	}
	if (budget)
		sb_budget_open(b, &e->bd, e->src, &key, r->in_len + hdr, now); /* refills, stamps */
	else if (e->src)
		e->src->stamp = now;
	e->peer = sb_get(b, SB_PEER, &key, addr_port(r->from), now, e->src, e->bd.pfx, &fresh);
	if (fresh) {
		tbucket_init(&e->peer->u.p.returned, SRCBUDGET_RETURN_RATE, SRCBUDGET_RETURN_BURST, now);
		tbucket_init(&e->peer->u.p.paced, cfg->peer_rate, SRCBUDGET_PEER_BURST, now);
	}
	e->peer->stamp = now;
}

enum srcbudget_verdict srcbudget_decide(struct srcbudget *b, const struct srcbudget_req *r,
					uint64_t now_us, size_t *granted)
{
	const struct srcbudget_cfg *cfg = &b->cfg;
	size_t hdr = r->from->sa_family == AF_INET6 ? SRCBUDGET_HDR6 : SRCBUDGET_HDR4;
	size_t want_ip = r->want + hdr, grant_ip = want_ip;
	size_t least = r->least < r->want ? r->least : r->want;
	bool budget = cfg->factor_milli && (cfg->budget_loopback || !addr_is_loopback(r->from));
	struct sb_entries e = { 0 };

	*granted = 0;
	sb_entries_get(b, &e, r, budget, hdr, now_us);
	/* A loop is our answer coming back; a client rarely sends exactly that. */
	if (e.peer->answered && e.peer->u.p.answer == r->in_digest &&
	    !tbucket_take(&e.peer->u.p.returned, 1, now_us))
		return SRCBUDGET_LOOP;
	if (budget) {
		uint64_t avail = (e.bd.credit + e.bd.earn) / SB_MILLI;
		if (avail < least + hdr || avail < SRCBUDGET_MIN_COST) {
			sb_budget_hold(&e.bd, now_us);
			return SRCBUDGET_OVER_BUDGET;
		}
		if (want_ip > avail) /* least + hdr <= avail: a shorter answer */
			grant_ip = (size_t)avail;
	}
	if (r->generated && cfg->peer_rate && !tbucket_take(&e.peer->u.p.paced, 1, now_us))
		return SRCBUDGET_PEER_RATE;
	uint64_t cost = grant_ip > SRCBUDGET_MIN_COST ? grant_ip : SRCBUDGET_MIN_COST;
	if (cfg->byte_rate && !tbucket_take(&e.src->u.a.bytes, cost, now_us))
		return SRCBUDGET_BYTE_RATE;
	if (budget) {
		sb_budget_spend(b, &e.bd, cost * SB_MILLI);
		if (grant_ip < want_ip)
			sb_budget_hold(&e.bd, now_us);
	}
	*granted = grant_ip - hdr;
	e.peer->answered = true;
	e.peer->u.p.answer = r->out_is_in && *granted == r->in_len ? r->in_digest
								    : srcbudget_digest(r->out, *granted);
	return grant_ip < want_ip ? SRCBUDGET_SHORTENED : SRCBUDGET_SEND;
}

const char *srcbudget_verdict_name(enum srcbudget_verdict v)
{
	static const char *const names[] = {
		[SRCBUDGET_SEND] = "ok",
		[SRCBUDGET_SHORTENED] = "shortened",
		[SRCBUDGET_OVER_BUDGET] = "over-budget",
		[SRCBUDGET_LOOP] = "loop",
		[SRCBUDGET_PEER_RATE] = "peer-rate",
		[SRCBUDGET_BYTE_RATE] = "rate-limited",
	};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

int srcbudget_parse_factor(const char *s, uint32_t *milli, const char **errstr)
{
	uint64_t whole = 0, frac = 0, scale = 100;
	const char *p = s;

	if (!isdigit((unsigned char)*p)) {
		*errstr = "not a number (e.g. 1 or 0.5)";
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > SRCBUDGET_FACTOR_MAX / SB_MILLI) {
			*errstr = "too large (at most 1000)";
			return -1;
		}
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p)) {
			*errstr = "not a number (e.g. 1 or 0.5)";
			return -1;
		}
		for (; isdigit((unsigned char)*p); p++) {
			if (scale == 0) {
				if (*p != '0') {
					*errstr = "more than 3 decimals";
					return -1;
				}
				continue;
			}
			frac += (uint64_t)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p) {
		*errstr = "not a number (e.g. 1 or 0.5)";
		return -1;
	}
	if (whole * SB_MILLI + frac > SRCBUDGET_FACTOR_MAX) {
		*errstr = "too large (at most 1000)";
		return -1;
	}
	*milli = (uint32_t)(whole * SB_MILLI + frac);
	return 0;
}
