/* What a UDP server may send back to a source address it cannot verify
 * (CERT CA-1996-01, CVE-1999-0103: chargen and qotd as amplifiers):
 *  - the amplification budget: IP bytes out at most factor x IP bytes in,
 *    per source address and per /24 (IPv4) or /64 (IPv6), beyond a small
 *    starting credit;
 *  - loops: a datagram that is our own last answer to that peer (address
 *    and port) coming back draws from a small per-peer bucket, and generated
 *    answers (chargen, qotd, daytime, time) are paced per peer, so a
 *    ping-pong between two servers ends within a few datagrams;
 *  - a per-source byte rate (--udp-rate).
 * Every answer costs at least SRCBUDGET_MIN_COST bytes, so empty datagrams
 * are not free. Pure: time is passed in, the table has a fixed size. */
#ifndef SOCKLAB_CORE_SRCBUDGET_H
#define SOCKLAB_CORE_SRCBUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* IP and UDP headers, counted on both sides. */
#define SRCBUDGET_HDR4 28
#define SRCBUDGET_HDR6 48
/* The largest IP datagram a UDP answer can be (IPv6, 65,527 B of payload). */
#define SRCBUDGET_IP_MAX (65527 + SRCBUDGET_HDR6)
/* What an answer costs at the least (IP bytes): more than an empty request
 * earns (28 or 48 B), so a loop of empty datagrams drains the budget. */
#define SRCBUDGET_MIN_COST 64

/* The factor in thousandths: 1000 is x1.0. 0 turns the budget off. */
#define SRCBUDGET_FACTOR_DEFAULT 1000
#define SRCBUDGET_FACTOR_MAX 1000000
/* The starting credit of a source address (IP bytes): seed 000's client,
 * a few times over (a full chargen and qotd answer is 540 B each). */
#define SRCBUDGET_CREDIT_DEFAULT 4096
#define SRCBUDGET_CREDIT_MAX (16ULL * 1024 * 1024)
/* A /24 or /64 holds this many sources' credit: a class in one lab subnet. */
#define SRCBUDGET_PREFIX_SHARE 16
/* Every byte of credit spent is also taken from one pool that holds this
 * many prefixes' credit and refills at one source's credit a second: a
 * prefix made again (evicted by a flood) or one of very many has credit on
 * paper only, so churning the table gains no more than the pool. */
#define SRCBUDGET_POOL_PREFIXES 16
/* A spent credit comes back over a minute, counted from 10 s after the
 * last answer that the budget refused or shortened: a sender that keeps
 * asking beyond its budget gets nothing back while it does. */
#define SRCBUDGET_REFILL_US (60ULL * 1000000)
#define SRCBUDGET_HOLD_US (10ULL * 1000000)

/* Our own answers coming back from a peer: a few at once (a person
 * pressing Return in nc -u), then 10 a second. A loop is faster than that. */
#define SRCBUDGET_RETURN_BURST 8
#define SRCBUDGET_RETURN_RATE 10
/* Generated answers a second to one peer (address and port), and their
 * burst: ends loops between two generating services, whose answers do not
 * repeat what they were sent. */
#define SRCBUDGET_PEER_RATE_DEFAULT 1000
#define SRCBUDGET_PEER_RATE_MAX 10000000
#define SRCBUDGET_PEER_BURST 32

/* Table entries (sources, prefixes and peers together), in sets of 8. */
#define SRCBUDGET_SLOTS 16384
#define SRCBUDGET_WAYS 8

struct srcbudget_cfg {
	uint32_t factor_milli;  /* 0: no amplification budget */
	uint64_t credit;        /* starting credit of a source, IP bytes */
	uint64_t byte_rate;     /* IP bytes a second to one address; 0: no cap */
	uint64_t peer_rate;     /* generated answers a second to one address and
				   port; 0: no cap */
	bool budget_loopback;   /* false: loopback sources are exempt from the budget */
	size_t slots;           /* 0: SRCBUDGET_SLOTS; else a power of two >= 8 */
};

enum srcbudget_verdict {
	SRCBUDGET_SEND,         /* the whole answer */
	SRCBUDGET_SHORTENED,    /* *granted bytes of it, at least `least` */
	SRCBUDGET_OVER_BUDGET,  /* nothing: the amplification budget */
	SRCBUDGET_LOOP,         /* nothing: our own answers keep coming back */
	SRCBUDGET_PEER_RATE,    /* nothing: the per-peer pace of generated answers */
	SRCBUDGET_BYTE_RATE,    /* nothing: the per-source byte rate */
};

/* One datagram and the answer the service would send. */
struct srcbudget_req {
	const struct sockaddr *from;
	size_t in_len;          /* payload bytes received */
	uint64_t in_digest;     /* srcbudget_digest of them, taken before any
				   service changed them in place */
	const void *out;        /* the answer */
	bool out_is_in;         /* the answer is the datagram as it came (echo):
				   its digest is in_digest */
	size_t want;            /* its length */
	size_t least;           /* the shortest the service allows (chargen: 1) */
	bool generated;         /* chargen, qotd, daytime, time: paced per peer */
};

struct srcbudget;

/* The defaults above; the byte rate off. */
void srcbudget_cfg_default(struct srcbudget_cfg *cfg);
/* NULL when out of memory. The table is allocated once, here. */
struct srcbudget *srcbudget_new(const struct srcbudget_cfg *cfg, uint64_t now_us);
void srcbudget_free(struct srcbudget *b);
/* A fingerprint of a datagram: its length, first and last 32 bytes. */
uint64_t srcbudget_digest(const void *p, size_t n);
/*
 * May r->from get the answer (want bytes, or as few as least)? Charges it
 * when it goes out and remembers it; *granted is its payload length then.
 */
enum srcbudget_verdict srcbudget_decide(struct srcbudget *b, const struct srcbudget_req *r,
					uint64_t now_us, size_t *granted);
const char *srcbudget_verdict_name(enum srcbudget_verdict v);

/* Entries in use and the fixed capacity (for tests and the docs' claim). */
size_t srcbudget_used(const struct srcbudget *b);
size_t srcbudget_capacity(const struct srcbudget *b);

/* "1", "0.5", "2.25": a factor in thousandths (at most 3 decimals), 0..1000. */
int srcbudget_parse_factor(const char *s, uint32_t *milli, const char **errstr);

#endif
