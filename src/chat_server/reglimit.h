/* Limits on registrations from one place, applied once a client has proved
 * its address (cookie.h): a rate per source address and per prefix (/24 for
 * IPv4, /64 for IPv6, so rotating addresses inside a network gains nothing),
 * and a number of sessions per prefix, so that one network's silent clients
 * cannot fill --max-users and lock everyone else out. Tables are bounded;
 * loopback is exempt (local users share 127.0.0.1, and nobody outside can
 * spoof it). Pure: time is passed in. */
#ifndef SOCKLAB_CHAT_SERVER_REGLIMIT_H
#define SOCKLAB_CHAT_SERVER_REGLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/iptab.h"

/* A prefix may register this many times the rate of one address. */
#define CHATSRV_REG_PREFIX_FACTOR 4

enum chatsrv_reg_verdict {
	CHATSRV_REG_OK,
	CHATSRV_REG_SLOW,         /* over the rate: ignored, the client asks again */
	CHATSRV_REG_PREFIX_FULL,  /* the prefix has its most sessions */
};

struct chatsrv_reglimit {
	struct iptab *by_addr, *by_prefix;
	uint64_t rate;            /* registrations a second per address; 0: no rate limit */
	uint64_t max_per_prefix;  /* sessions per prefix; 0: no limit */
};

/* table_max entries per table at most; -1 when out of memory. */
int chatsrv_reglimit_init(struct chatsrv_reglimit *l, uint64_t rate, uint64_t max_per_prefix,
			  size_t table_max);
void chatsrv_reglimit_free(struct chatsrv_reglimit *l);
/* May from register a new session now? OK takes one from its buckets;
 * replacing: the client's own session from that address goes first, so it
 * does not count against the prefix. */
enum chatsrv_reg_verdict chatsrv_reglimit_check(struct chatsrv_reglimit *l,
						const struct sockaddr *from, bool replacing,
						uint64_t now_us);
/* A session from `from` began or ended (after an OK check). */
void chatsrv_reglimit_session_add(struct chatsrv_reglimit *l, const struct sockaddr *from);
void chatsrv_reglimit_session_remove(struct chatsrv_reglimit *l, const struct sockaddr *from);
/* The sessions from from's prefix (tests). */
uint64_t chatsrv_reglimit_prefix_sessions(struct chatsrv_reglimit *l, const struct sockaddr *from);

#endif
