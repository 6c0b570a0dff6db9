/* nmap's target specifications, parsed without resolving anything: a name,
 * an address, a CIDR block (10.0.0.0/24, fd00::/120), and IPv4 octet ranges
 * (10.0.0.1-20, 10.0-1.*.1). Pure: the tests expand specs without sending a
 * packet. */
#ifndef SOCKLAB_SCAN_TSPEC_H
#define SOCKLAB_SCAN_TSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "scan/limits.h"

enum scan_tspec_kind {
	TSPEC_NAME,                /* resolved later; one host */
	TSPEC_V4,                  /* every combination of the four octet ranges */
	TSPEC_V6,                  /* base and the 2^v6_bits addresses after it */
};

struct scan_tspec {
	enum scan_tspec_kind kind;
	char name[SCAN_HOST_MAX + 1]; /* TSPEC_NAME: as given */
	uint8_t lo[4], hi[4];         /* TSPEC_V4: each octet's range, inclusive */
	uint8_t v6[16];               /* TSPEC_V6: the first address */
	unsigned v6_bits;             /* TSPEC_V6: host bits, 0..SCAN_V6_HOST_BITS */
};

/* 0, or -1 with a one-line reason in err. */
int scan_tspec_parse(const char *spec, struct scan_tspec *t, char *err, size_t errlen);
/* How many hosts the spec names (a name: 1). */
uint64_t scan_tspec_count(const struct scan_tspec *t);
/* The i-th host (i < count) as text: the name, or the numeric address. */
void scan_tspec_nth(const struct scan_tspec *t, uint64_t i, char *buf, size_t n);
/* Whether the spec takes in the address sa (names never do: the caller
 * compares names), for --exclude. */
bool scan_tspec_has(const struct scan_tspec *t, const struct sockaddr *sa);

#endif
