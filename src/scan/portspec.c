/* -p parsing: items split on ',', each a port, a range or a service name. */
#include "scan/portspec.h"

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "scan/limits.h"

int scan_port_lookup_services(const char *name, const char *proto, void *ctx)
{
	struct servent *se = getservbyname(name, proto);

	if (!se)
		se = getservbyname(name, NULL);
	return se ? ntohs((uint16_t)se->s_port) : -1;
}

void scan_portset_clear(struct portset *set)
{
	memset(set->bits, 0, sizeof(set->bits));
}

void scan_portset_add(struct portset *set, uint16_t port)
{
	set->bits[port >> 3] |= (uint8_t)(1u << (port & 7));
}

bool scan_portset_has(const struct portset *set, uint16_t port)
{
	return set->bits[port >> 3] & (1u << (port & 7));
}

size_t scan_portset_count(const struct portset *set)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(set->bits); i++)
		n += (size_t)__builtin_popcount(set->bits[i]);
	return n;
}

size_t scan_portset_list(const struct portset *set, uint16_t *out, size_t cap)
{
	size_t n = 0;

	for (uint32_t p = 0; p < 65536 && n < cap; p++)
		if (scan_portset_has(set, (uint16_t)p))
			out[n++] = (uint16_t)p;
	return n;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* One end of a range: digits or a name; "" is not allowed here. */
static int spec_port(const char *s, size_t n, const char *proto, scan_port_lookup_fn lookup,
		     void *ctx, char *err, size_t errlen)
{
	if (all_digits(s, n)) {
		unsigned long v = 0;
		for (size_t i = 0; i < n; i++) {
			v = v * 10 + (unsigned long)(s[i] - '0');
			if (v > 65535)
				break;
		}
		if (v > 65535) {
			snprintf(err, errlen, "%.*s is not a port (1-65535)", (int)n, s);
			return -1;
		}
		if (v == 0) {
			snprintf(err, errlen, "port 0 cannot be scanned (ports are 1-65535)");
			return -1;
		}
		return (int)v;
	}
	if (n >= SCAN_NAME_MAX) {
		snprintf(err, errlen, "'%.20s...' is too long for a service name", s);
		return -1;
	}
	char name[SCAN_NAME_MAX];
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != '+') {
			snprintf(err, errlen, "'%.*s' is neither a port nor a service name", (int)n, s);
			return -1;
		}
		name[i] = (char)c;
	}
	name[n] = '\0';
	int port = lookup ? lookup(name, proto, ctx) : -1;
	if (port <= 0 || port > 65535) {
		snprintf(err, errlen, "unknown %s service '%s' (not in /etc/services)", proto, name);
		return -1;
	}
	return port;
}

static int spec_item(const char *s, size_t n, const char *proto, scan_port_lookup_fn lookup,
		     void *ctx, struct portset *set, char *err, size_t errlen)
{
	int lo, hi;

	if (n == 0) {
		snprintf(err, errlen, "empty item in the port list");
		return -1;
	}
	/* A name may itself hold dashes ("ms-sql-s"): try the whole item first. */
	const char *dash = memchr(s, '-', n);
	bool has_alpha = false;
	for (size_t i = 0; i < n; i++)
		has_alpha |= isalpha((unsigned char)s[i]) != 0;
	if (has_alpha && lookup) {
		char name[SCAN_NAME_MAX];
		if (n < sizeof(name)) {
			memcpy(name, s, n);
			name[n] = '\0';
			int p = lookup(name, proto, ctx);
			if (p > 0 && p <= 65535) {
				scan_portset_add(set, (uint16_t)p);
				return 0;
			}
		}
	}
	if (!dash)
		lo = hi = spec_port(s, n, proto, lookup, ctx, err, errlen);
	else {
		size_t a = (size_t)(dash - s), b = n - a - 1;
		if (memchr(dash + 1, '-', b)) {
			snprintf(err, errlen, "'%.*s' is not a port range (use LOW-HIGH)", (int)n, s);
			return -1;
		}
		lo = a ? spec_port(s, a, proto, lookup, ctx, err, errlen) : 1;
		if (lo < 0)
			return -1;
		hi = b ? spec_port(dash + 1, b, proto, lookup, ctx, err, errlen) : 65535;
	}
	if (lo < 0 || hi < 0)
		return -1;
	if (lo > hi) {
		snprintf(err, errlen, "range %d-%d goes backwards", lo, hi);
		return -1;
	}
	for (int p = lo; p <= hi; p++)
		scan_portset_add(set, (uint16_t)p);
	return 0;
}

int scan_portspec_parse(const char *spec, const char *proto, scan_port_lookup_fn lookup,
			void *ctx, struct portset *set, char *err, size_t errlen)
{
	size_t len = strnlen(spec, SCAN_SPEC_MAX + 1);

	if (len == 0) {
		snprintf(err, errlen, "empty port list");
		return -1;
	}
	if (len > SCAN_SPEC_MAX) {
		snprintf(err, errlen, "port list longer than %d bytes", SCAN_SPEC_MAX);
		return -1;
	}
	const char *p = spec;
	for (;;) {
		size_t n = strcspn(p, ",");
		if (spec_item(p, n, proto, lookup, ctx, set, err, errlen) < 0)
			return -1;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}
