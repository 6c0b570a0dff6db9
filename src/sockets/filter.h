/* What the kernel cannot filter for us (ports on either end, owning
 * processes), and the comparison of two draws for --watch. Pure. */
#ifndef SOCKLAB_SOCKETS_FILTER_H
#define SOCKLAB_SOCKETS_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "sockets/entry.h"

/* Keeps the sockets whose local or peer port is port. */
void sockets_keep_port(struct sockets_list *l, uint16_t port);
/* Keeps the sockets that process pid holds. */
void sockets_keep_pid(struct sockets_list *l, int32_t pid);
/* Sockets that have an inode (an open file somewhere) but no known owner:
 * held by processes whose /proc/PID/fd we may not read. */
size_t sockets_count_unowned(const struct sockets_list *l);

struct sockets_diff_counts {
	size_t appeared, went;
};

/* Marks cur's entries SOCKETS_APPEARED when prev lacks them (else KEPT) and
 * appends prev's entries that cur lacks, marked SOCKETS_WENT. Both lists are
 * reordered (sort cur for display afterwards). 0, or -1 with errno. */
int sockets_diff(struct sockets_list *prev, struct sockets_list *cur,
		 struct sockets_diff_counts *counts);

#endif
