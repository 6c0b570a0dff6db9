/* Two bounded tables keyed by address: token buckets per source address,
 * and per prefix a bucket and a count of live sessions. An entry that holds
 * nothing (bucket full, no session) is swept when a table fills up. */
#include "chat_server/reglimit.h"

#include <string.h>

#include "core/addr.h"
#include "core/tbucket.h"

struct reg_addr {
	struct tbucket regs;
	bool init;
};

struct reg_prefix {
	struct tbucket regs;
	uint64_t sessions;
	bool init;
};

int chatsrv_reglimit_init(struct chatsrv_reglimit *l, uint64_t rate, uint64_t max_per_prefix,
			  size_t table_max)
{
	l->rate = rate;
	l->max_per_prefix = max_per_prefix;
	l->by_addr = iptab_new(sizeof(struct reg_addr), table_max);
	l->by_prefix = iptab_new(sizeof(struct reg_prefix), table_max);
	return l->by_addr && l->by_prefix ? 0 : -1;
}

void chatsrv_reglimit_free(struct chatsrv_reglimit *l)
{
	iptab_free(l->by_addr);
	iptab_free(l->by_prefix);
	l->by_addr = l->by_prefix = NULL;
}

/* The /24 of an IPv4 address (kept v4-mapped), the /64 of an IPv6 one. */
static void reg_prefix_key(struct addr_key *k, const struct sockaddr *from)
{
	addr_key_from(k, from);
	if (from->sa_family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)k->ip))
		memset(k->ip + 8, 0, 8);
	else
		k->ip[15] = 0;
}

struct reg_sweep_ctx {
	uint64_t now_us;
};

static bool reg_addr_idle(void *v, void *ctx)
{
	struct reg_addr *a = v;
	return tbucket_is_full(&a->regs, ((struct reg_sweep_ctx *)ctx)->now_us);
}

static bool reg_prefix_idle(void *v, void *ctx)
{
	struct reg_prefix *p = v;
	return p->sessions == 0 && tbucket_is_full(&p->regs, ((struct reg_sweep_ctx *)ctx)->now_us);
}

/* The entry for key, made if need be (sweeping idle ones when full); NULL
 * when the table is full of entries that still hold something. */
static void *reg_entry(struct iptab *t, const struct addr_key *key, bool (*idle)(void *, void *),
		       uint64_t now_us)
{
	void *v = iptab_get(t, key);

	if (!v) {
		struct reg_sweep_ctx ctx = { now_us };
		iptab_sweep(t, idle, &ctx);
		v = iptab_get(t, key);
	}
	return v;
}

enum chatsrv_reg_verdict chatsrv_reglimit_check(struct chatsrv_reglimit *l,
						const struct sockaddr *from, bool replacing,
						uint64_t now_us)
{
	struct addr_key ak, pk;

	if (addr_is_loopback(from))
		return CHATSRV_REG_OK;
	addr_key_from(&ak, from);
	reg_prefix_key(&pk, from);
	struct reg_prefix *p = reg_entry(l->by_prefix, &pk, reg_prefix_idle, now_us);
	if (!p)
		return CHATSRV_REG_SLOW; /* the table is full of live prefixes: later */
	if (!p->init) {
		tbucket_init(&p->regs, CHATSRV_REG_PREFIX_FACTOR * l->rate,
			     2 * CHATSRV_REG_PREFIX_FACTOR * l->rate, now_us);
		p->init = true;
	}
	if (!replacing && l->max_per_prefix && p->sessions >= l->max_per_prefix)
		return CHATSRV_REG_PREFIX_FULL;
	if (l->rate == 0)
		return CHATSRV_REG_OK;
	struct reg_addr *a = reg_entry(l->by_addr, &ak, reg_addr_idle, now_us);
	if (!a)
		return CHATSRV_REG_SLOW;
	if (!a->init) {
		tbucket_init(&a->regs, l->rate, 2 * l->rate, now_us);
		a->init = true;
	}
	/* Both must allow it; the prefix is charged only when the address may. */
	if (!tbucket_take(&a->regs, 1, now_us))
		return CHATSRV_REG_SLOW;
	if (!tbucket_take(&p->regs, 1, now_us))
		return CHATSRV_REG_SLOW;
	return CHATSRV_REG_OK;
}

/* The entry of a session's prefix, or NULL for loopback (never limited).
 * check() made it, and entries with sessions are never swept. */
static struct reg_prefix *reg_session_prefix(struct chatsrv_reglimit *l,
					     const struct sockaddr *from)
{
	struct addr_key pk;

	if (addr_is_loopback(from))
		return NULL;
	reg_prefix_key(&pk, from);
	return iptab_find(l->by_prefix, &pk);
}

void chatsrv_reglimit_session_add(struct chatsrv_reglimit *l, const struct sockaddr *from)
{
	struct reg_prefix *p = reg_session_prefix(l, from);

	if (p)
		p->sessions++;
}

void chatsrv_reglimit_session_remove(struct chatsrv_reglimit *l, const struct sockaddr *from)
{
	struct reg_prefix *p = reg_session_prefix(l, from);

	if (p && p->sessions > 0)
		p->sessions--;
}

uint64_t chatsrv_reglimit_prefix_sessions(struct chatsrv_reglimit *l, const struct sockaddr *from)
{
	struct addr_key pk;

	reg_prefix_key(&pk, from);
	struct reg_prefix *p = iptab_find(l->by_prefix, &pk);
	return p ? p->sessions : 0;
}
