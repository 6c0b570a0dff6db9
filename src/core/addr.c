/* Address parsing and formatting; no I/O. */
#include "core/addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/resolve.h"

int addr_parse_ip(const char *s, union addr_any *out)
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, &out->v4.sin_addr) == 1) {
		out->v4.sin_family = AF_INET;
		return 0;
	}
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		s = buf;
	}
	if (inet_pton(AF_INET6, s, &out->v6.sin6_addr) == 1) {
		out->v6.sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

socklen_t addr_len(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

uint16_t addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

void addr_set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)sa)->sin_port = htons(port);
}

const char *addr_ip_str(const struct sockaddr *sa, char *buf, size_t n)
{
	const void *ip = sa->sa_family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	if (!inet_ntop(sa->sa_family, ip, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

const char *addr_format(const struct sockaddr *sa, char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN];

	addr_ip_str(sa, ip, sizeof(ip));
	if (sa->sa_family == AF_INET6)
		snprintf(buf, n, "[%s]:%u", ip, addr_port(sa));
	else
		snprintf(buf, n, "%s:%u", ip, addr_port(sa));
	return buf;
}

void addr_copy(union addr_any *dst, const struct sockaddr *src)
{
	memset(dst, 0, sizeof(*dst));
	memcpy(dst, src, addr_len(src));
}

void addr_key_from(struct addr_key *key, const struct sockaddr *sa)
{
	memset(key, 0, sizeof(*key));
	if (sa->sa_family == AF_INET6) {
		memcpy(key->ip, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else {
		key->ip[10] = 0xff;
		key->ip[11] = 0xff;
		memcpy(key->ip + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	}
}

bool addr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

bool addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
}

/* Appends a to the list unless it is there; -1 when the list is full. */
static int addr_list_put(union addr_any *list, unsigned *n, unsigned max, const union addr_any *a,
			 bool *dup)
{
	*dup = false;
	for (unsigned i = 0; i < *n; i++)
		if (memcmp(&list[i], a, sizeof(*a)) == 0) {
			*dup = true;
			return 0;
		}
	if (*n == max)
		return -1;
	list[(*n)++] = *a;
	return 0;
}

int addr_list_add(union addr_any *list, unsigned *n, unsigned max, const char *arg, char *err,
		  size_t errlen)
{
	union addr_any a;
	struct addrinfo *ai = NULL;
	const char *why = NULL;
	bool dup;

	if (addr_parse_ip(arg, &a) == 0) {
		if (addr_list_put(list, n, max, &a, &dup) < 0)
			goto full;
		if (dup) {
			snprintf(err, errlen, "--bind %s: given twice", arg);
			return -1;
		}
		return 0;
	}
	/* a name: every address it has here ("localhost": 127.0.0.1 and ::1) */
	if (resolve(arg, NULL, AF_UNSPEC, SOCK_STREAM, 0, &ai, &why) < 0) {
		snprintf(err, errlen, "--bind %s: not an address, and cannot resolve it: %s", arg, why);
		return -1;
	}
	for (struct addrinfo *p = ai; p; p = p->ai_next) {
		if ((p->ai_family != AF_INET && p->ai_family != AF_INET6) ||
		    p->ai_addrlen > sizeof(a))
			continue;
		memset(&a, 0, sizeof(a));
		memcpy(&a, p->ai_addr, p->ai_addrlen);
		if (addr_list_put(list, n, max, &a, &dup) < 0) {
			freeaddrinfo(ai);
			goto full;
		}
	}
	freeaddrinfo(ai);
	return 0;
full:
	snprintf(err, errlen, "--bind: at most %u addresses", max);
	return -1;
}

int addr_list_check_family(const union addr_any *list, unsigned n, int family, char *err,
			   size_t errlen)
{
	char ip[INET6_ADDRSTRLEN];

	for (unsigned i = 0; i < n; i++) {
		if (family != AF_UNSPEC && list[i].sa.sa_family != family) {
			snprintf(err, errlen, "cannot use -%c with --bind %s", family == AF_INET ? '4' : '6',
				 addr_ip_str(&list[i].sa, ip, sizeof(ip)));
			return -1;
		}
	}
	return 0;
}

unsigned addr_list_or_loopback(const union addr_any *list, unsigned n, int family, bool have_ipv6,
			       union addr_any *out)
{
	unsigned k = 0;

	if (n > 0) {
		memcpy(out, list, n * sizeof(out[0]));
		return n;
	}
	if (family != AF_INET6)
		addr_parse_ip("127.0.0.1", &out[k++]);
	if (family != AF_INET && have_ipv6)
		addr_parse_ip("::1", &out[k++]);
	return k;
}
