/* Token bucket: a rate in units per second and a burst; time is passed in,
 * so the logic is pure and testable. */
#ifndef SOCKLAB_CORE_TBUCKET_H
#define SOCKLAB_CORE_TBUCKET_H

#include <stdbool.h>
#include <stdint.h>

struct tbucket {
	uint64_t rate;   /* units per second; 0 = unlimited */
	uint64_t burst;  /* bucket size in units */
	uint64_t level;  /* units available, scaled by 1e6 */
	uint64_t stamp;  /* time of the last refill, microseconds */
};

void tbucket_init(struct tbucket *tb, uint64_t rate, uint64_t burst, uint64_t now_us);
/* Takes n units if available (true) or leaves the bucket as it was (false). */
bool tbucket_take(struct tbucket *tb, uint64_t n, uint64_t now_us);
/* True when the bucket has refilled to its burst: nothing to remember. */
bool tbucket_is_full(struct tbucket *tb, uint64_t now_us);

#endif
