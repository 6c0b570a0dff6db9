/* Which processes hold which sockets: what ss -p does, a walk over
 * /proc/PID/fd for "socket:[INODE]" links, with the name from /proc/PID/comm. */
#ifndef SOCKLAB_SOCKETS_PROCMAP_H
#define SOCKLAB_SOCKETS_PROCMAP_H

#include <stddef.h>
#include <stdint.h>

#include "sockets/entry.h"

/* "socket:[4242]" is 17 characters; anything longer is not a socket. */
#define SOCKETS_LINK_MAX 64

struct sockets_procmap_stats {
	size_t processes; /* /proc/PID directories looked at */
	size_t denied;    /* ... whose fd directory we may not read */
};

/* The inode of a "socket:[N]" fd link target: 0 and *inode, or -1. Pure. */
int sockets_parse_socket_link(const char *target, uint32_t *inode);

/* Fills in the owners of every entry of l with an inode, reading proc_root
 * ("/proc", or a tree shaped like it in tests). Processes that exit while
 * being read are skipped. 0, or -1 with errno when proc_root cannot be read. */
int sockets_procmap_fill(struct sockets_list *l, const char *proc_root,
			 struct sockets_procmap_stats *st);

#endif
