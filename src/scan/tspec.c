/* Target specifications: CIDR blocks and octet ranges to address lists. */
#include "scan/tspec.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "N", "N-M", "N-", "-M" or "*" as one octet's range; 0 or -1. */
static int tspec_octet(const char *s, size_t len, uint8_t *lo, uint8_t *hi)
{
	unsigned long a = 0, b = 255;
	const char *dash = memchr(s, '-', len);
	char *end;

	if (len == 1 && s[0] == '*') {
		*lo = 0;
		*hi = 255;
		return 0;
	}
	if (len == 0 || (dash && dash == s && len == 1))
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '-')
			return -1;
	if (dash != s) {
		a = strtoul(s, &end, 10);
		if (end != (dash ? dash : s + len) || end - s > 3)
			return -1;
	}
	if (!dash) {
		b = a;
	} else if (dash + 1 < s + len) {
		b = strtoul(dash + 1, &end, 10);
		if (end != s + len || end - dash - 1 > 3)
			return -1;
	}
	if (a > 255 || b > 255 || a > b)
		return -1;
	*lo = (uint8_t)a;
	*hi = (uint8_t)b;
	return 0;
}

/* Four dot-separated octet ranges; 0, 1 (not that shape at all: a name), -1. */
static int tspec_octets(const char *s, struct scan_tspec *t, char *err, size_t errlen)
{
	const char *p = s;
	int dots = 0;

	for (const char *q = s; *q; q++) {
		if (*q == '.')
			dots++;
		else if (!isdigit((unsigned char)*q) && *q != '-' && *q != '*')
			return 1;
	}
	if (dots != 3)
		return 1;
	for (int k = 0; k < 4; k++) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (tspec_octet(p, len, &t->lo[k], &t->hi[k]) < 0) {
			snprintf(err, errlen, "%s: octet %d '%.*s' is not 0-255, N-M or *", s, k + 1,
				 (int)(len > 12 ? 12 : len), p);
			return -1;
		}
		p = dot ? dot + 1 : p + len;
	}
	t->kind = TSPEC_V4;
	return 0;
}

/* "[::1]" or "::1" into 16 bytes; 0 or -1. */
static int tspec_v6(const char *s, size_t len, uint8_t out[16])
{
	char buf[INET6_ADDRSTRLEN + 2];

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

static int tspec_cidr(const char *spec, const char *slash, struct scan_tspec *t, char *err,
		      size_t errlen)
{
	size_t alen = (size_t)(slash - spec);
	char addr[INET6_ADDRSTRLEN + 2];
	char *end;
	unsigned long bits = strtoul(slash + 1, &end, 10);
	struct in_addr a4;

	if (slash[1] == '\0' || *end != '\0' || !isdigit((unsigned char)slash[1])) {
		snprintf(err, errlen, "%.80s: the prefix length after / is not a number", spec);
		return -1;
	}
	if (alen < sizeof(addr)) {
		memcpy(addr, spec, alen);
		addr[alen] = '\0';
	}
	if (alen < sizeof(addr) && inet_pton(AF_INET, addr, &a4) == 1) {
		if (bits > 32) {
			snprintf(err, errlen, "%.80s: an IPv4 prefix is /0 to /32", spec);
			return -1;
		}
		uint32_t h = ntohl(a4.s_addr), mask = bits ? 0xffffffffu << (32 - bits) : 0;
		uint32_t lo = h & mask, hi = lo | ~mask;
		for (int k = 0; k < 4; k++) {
			t->lo[k] = (uint8_t)(lo >> (24 - 8 * k));
			t->hi[k] = (uint8_t)(hi >> (24 - 8 * k));
		}
		t->kind = TSPEC_V4;
		return 0;
	}
	if (tspec_v6(spec, alen, t->v6) == 0) {
		if (bits > 128) {
			snprintf(err, errlen, "%.80s: an IPv6 prefix is /0 to /128", spec);
			return -1;
		}
		if (128 - bits > SCAN_V6_HOST_BITS) {
			snprintf(err, errlen, "%.80s: too many addresses; socklab expands IPv6 blocks "
				 "of /%d and longer", spec, 128 - SCAN_V6_HOST_BITS);
			return -1;
		}
		t->v6_bits = 128 - (unsigned)bits;
		for (unsigned b = 0; b < t->v6_bits; b++) /* clear the host bits */
			t->v6[15 - b / 8] &= (uint8_t)~(1u << (b % 8));
		t->kind = TSPEC_V6;
		return 0;
	}
	snprintf(err, errlen, "%.80s: a /prefix needs an IPv4 or IPv6 address, not a name", spec);
	return -1;
}

int scan_tspec_parse(const char *spec, struct scan_tspec *t, char *err, size_t errlen)
{
	size_t len = strlen(spec);

	memset(t, 0, sizeof(*t));
	if (len == 0 || len > SCAN_HOST_MAX) {
		snprintf(err, errlen, "'%.40s' is not a host name, address or range", spec);
		return -1;
	}
	const char *slash = strchr(spec, '/');
	if (slash)
		return tspec_cidr(spec, slash, t, err, errlen);
	int rc = tspec_octets(spec, t, err, errlen);
	if (rc <= 0)
		return rc;
	if (tspec_v6(spec, len, t->v6) == 0) {
		t->kind = TSPEC_V6;
		return 0;
	}
	/* A name: resolved when its turn comes. Characters a name cannot have
	 * are most likely a typo of a range. */
	for (const char *p = spec; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_[]:%", *p)) {
			snprintf(err, errlen, "'%.40s' is not a host name, address or range", spec);
			return -1;
		}
	t->kind = TSPEC_NAME;
	memcpy(t->name, spec, len + 1);
	return 0;
}

uint64_t scan_tspec_count(const struct scan_tspec *t)
{
	uint64_t n = 1;

	switch (t->kind) {
	case TSPEC_V4:
		for (int k = 0; k < 4; k++)
			n *= (uint64_t)(t->hi[k] - t->lo[k]) + 1;
		return n;
	case TSPEC_V6:
		return (uint64_t)1 << t->v6_bits;
	default:
		return 1;
	}
}

void scan_tspec_nth(const struct scan_tspec *t, uint64_t i, char *buf, size_t n)
{
	if (t->kind == TSPEC_V4) {
		unsigned o[4];
		for (int k = 3; k >= 0; k--) { /* the last octet varies fastest */
			uint64_t span = (uint64_t)(t->hi[k] - t->lo[k]) + 1;
			o[k] = t->lo[k] + (unsigned)(i % span);
			i /= span;
		}
		snprintf(buf, n, "%u.%u.%u.%u", o[0], o[1], o[2], o[3]);
	} else if (t->kind == TSPEC_V6) {
		uint8_t a[16];
		memcpy(a, t->v6, sizeof(a));
		for (int b = 15; b >= 0 && i; b--, i >>= 8)
			a[b] |= (uint8_t)(i & 0xff); /* host bits are clear */
		if (!inet_ntop(AF_INET6, a, buf, (socklen_t)n) && n)
			buf[0] = '\0';
	} else {
		snprintf(buf, n, "%s", t->name);
	}
}

bool scan_tspec_has(const struct scan_tspec *t, const struct sockaddr *sa)
{
	if (t->kind == TSPEC_V4 && sa->sa_family == AF_INET) {
		uint32_t h = ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr);
		for (int k = 0; k < 4; k++) {
			unsigned o = (h >> (24 - 8 * k)) & 0xff;
			if (o < t->lo[k] || o > t->hi[k])
				return false;
		}
		return true;
	}
	if (t->kind == TSPEC_V6 && sa->sa_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		for (unsigned b = 0; b < 128 - t->v6_bits; b++) {
			uint8_t m = (uint8_t)(0x80u >> (b % 8));
			if ((a[b / 8] & m) != (t->v6[b / 8] & m))
				return false;
		}
		return true;
	}
	return false;
}
