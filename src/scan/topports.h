/* The 1000 most common TCP and UDP ports: the default when there is no -p. */
#ifndef SOCKLAB_SCAN_TOPPORTS_H
#define SOCKLAB_SCAN_TOPPORTS_H

#include "scan/portspec.h"

#define SCAN_TOPPORTS_N 1000

/* Adds the list for IPPROTO_TCP or IPPROTO_UDP to set; 0, or -1 (a typo in
 * the table: the unit tests catch it). */
int scan_topports_fill(int proto, struct portset *set);
/* The first n (at most SCAN_TOPPORTS_N) of that list, nmap's --top-ports n. */
int scan_topports_fill_n(int proto, unsigned n, struct portset *set);

#endif
