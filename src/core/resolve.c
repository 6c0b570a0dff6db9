/* getaddrinfo with the options the tools use. */
#include "core/resolve.h"

#include <string.h>

int resolve(const char *host, const char *port, int family, int socktype, int flags,
	    struct addrinfo **out, const char **errstr)
{
	struct addrinfo hints;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_protocol = socktype == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
	if (flags & RESOLVE_NUMERIC)
		hints.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
	if (flags & RESOLVE_PASSIVE)
		hints.ai_flags |= AI_PASSIVE;
	int rc = getaddrinfo(host, port, &hints, out);
	if (rc != 0) {
		*errstr = gai_strerror(rc);
		return -1;
	}
	return 0;
}
