/* A token bucket in front of a log. */
#include "core/ratelog.h"

void ratelog_init(struct ratelog *rl, unsigned per_sec, unsigned burst, uint64_t now_us)
{
	tbucket_init(&rl->tb, per_sec, burst, now_us);
	rl->suppressed = 0;
}

bool ratelog_allow(struct ratelog *rl, uint64_t now_us)
{
	if (tbucket_take(&rl->tb, 1, now_us))
		return true;
	rl->suppressed++;
	return false;
}

uint64_t ratelog_take_suppressed(struct ratelog *rl)
{
	uint64_t n = rl->suppressed;

	rl->suppressed = 0;
	return n;
}
