/* One look at the system: the sockets the options select, with owners,
 * filtered and in display order. */
#ifndef SOCKLAB_SOCKETS_SNAPSHOT_H
#define SOCKLAB_SOCKETS_SNAPSHOT_H

#include <stddef.h>

#include "sockets/entry.h"
#include "sockets/netlink.h"
#include "sockets/options.h"

#define SOCKETS_WHY_MAX 256

/* Replaces l's contents. *unowned counts sockets whose holder we may not
 * see. 0, or -1 with a message (without the "socklab sockets: ") in why. */
int sockets_snapshot(struct sockets_netlink *nl, const struct sockets_opts *o,
		     struct sockets_list *l, size_t *unowned, char *why, size_t whylen);

/* The note for sockets whose process we may not see, once per run, and only
 * when not root (root sees every process). */
void sockets_note_unowned(size_t unowned);

#endif
