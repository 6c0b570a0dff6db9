/* OpenBSD nc's (and ncat's and the traditional nc's) flags that socklab nc
 * has no letter for, each answered with socklab's way or why there is none,
 * so a habit never ends in a bare "unknown option". */
#ifndef SOCKLAB_NC_HABITS_H
#define SOCKLAB_NC_HABITS_H

#include <stddef.h>

#include "core/opt.h"

extern const struct opt_habit nc_habits[];
extern const size_t nc_nhabits;

#endif
