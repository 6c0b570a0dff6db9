/* A HOST argument to one address: numeric as it is, a name through
 * getaddrinfo (IPv4 first, as nmap does, unless -6). */
#ifndef SOCKLAB_SCAN_TARGET_H
#define SOCKLAB_SCAN_TARGET_H

#include <stddef.h>
#include <sys/socket.h>

#include "scan/result.h"

/* Fills h->name, addr, ip, numeric. 0, or -1 with a one-line reason. */
int scan_target_resolve(const char *name, int family, struct scan_host *h, char *err,
			size_t errlen);

/* "WHAT ADDRESS: strerror(e)" into err: an engine's reason to stop. */
void scan_target_error(char *err, size_t errlen, const char *what, const struct sockaddr *sa,
		       int e);

#endif
