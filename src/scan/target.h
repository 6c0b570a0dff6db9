/* A HOST argument to one address: numeric as it is, a name through
 * getaddrinfo (IPv4 first, as nmap does, unless -6). */
#ifndef SOCKLAB_SCAN_TARGET_H
#define SOCKLAB_SCAN_TARGET_H

#include <stddef.h>

#include "scan/result.h"

/* Fills h->name, addr, ip, numeric. 0, or -1 with a one-line reason. */
int scan_target_resolve(const char *name, int family, struct scan_host *h, char *err,
			size_t errlen);

#endif
