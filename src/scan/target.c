/* Target resolution. */
#include "scan/target.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/addr.h"
#include "core/resolve.h"
#include "scan/limits.h"

int scan_target_resolve(const char *name, int family, struct scan_host *h, char *err,
			size_t errlen)
{
	char host[SCAN_HOST_MAX + 1];
	struct addrinfo *ai = NULL;
	const char *why;
	size_t n = strlen(name);

	memset(h, 0, sizeof(*h));
	h->name = name;
	/* "[::1]" as in URLs and socklab's own output. */
	if (n >= 2 && name[0] == '[' && name[n - 1] == ']' && n - 2 < sizeof(host)) {
		memcpy(host, name + 1, n - 2);
		host[n - 2] = '\0';
	} else {
		snprintf(host, sizeof(host), "%s", name);
	}
	h->numeric = resolve(host, NULL, family, SOCK_STREAM, RESOLVE_NUMERIC, &ai, &why) == 0;
	if (!h->numeric && resolve(host, NULL, family, SOCK_STREAM, 0, &ai, &why) < 0) {
		const char *fam = family == AF_INET ? " as IPv4" : family == AF_INET6 ? " as IPv6" : "";
		snprintf(err, errlen, "cannot resolve %s%s: %s", name, fam, why);
		return -1;
	}
	const struct addrinfo *pick = NULL;
	for (const struct addrinfo *p = ai; p && !pick; p = p->ai_next)
		if (p->ai_family == AF_INET)
			pick = p;
	for (const struct addrinfo *p = ai; p && !pick; p = p->ai_next)
		if (p->ai_family == AF_INET6)
			pick = p;
	if (!pick) {
		freeaddrinfo(ai);
		snprintf(err, errlen, "cannot resolve %s: no IPv4 or IPv6 address", name);
		return -1;
	}
	addr_copy(&h->addr, pick->ai_addr);
	freeaddrinfo(ai);
	addr_set_port(&h->addr.sa, 0);
	addr_ip_str(&h->addr.sa, h->ip, sizeof(h->ip));
	return 0;
}

void scan_target_error(char *err, size_t errlen, const char *what, const struct sockaddr *sa,
		       int e)
{
	char ip[ADDR_STRLEN];

	snprintf(err, errlen, "%s %s: %s", what, addr_ip_str(sa, ip, sizeof(ip)), strerror(e));
}
