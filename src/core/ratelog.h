/* Rate-limited logging: lets a few lines a second through and counts the
 * rest, so a flood of datagrams cannot flood the log. */
#ifndef SOCKLAB_CORE_RATELOG_H
#define SOCKLAB_CORE_RATELOG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/tbucket.h"

struct ratelog {
	struct tbucket tb;
	uint64_t suppressed;
};

void ratelog_init(struct ratelog *rl, unsigned per_sec, unsigned burst, uint64_t now_us);
/* True if a line may be logged now; otherwise counts it as suppressed. */
bool ratelog_allow(struct ratelog *rl, uint64_t now_us);
/* The number suppressed since the last call, reset to 0. */
uint64_t ratelog_take_suppressed(struct ratelog *rl);

#endif
