/* Token bucket arithmetic in micro-units, so slow rates still refill. */
#include "core/tbucket.h"

#define TB_SCALE 1000000ULL

void tbucket_init(struct tbucket *tb, uint64_t rate, uint64_t burst, uint64_t now_us)
{
	tb->rate = rate;
	tb->burst = burst;
	tb->level = burst * TB_SCALE;
	tb->stamp = now_us;
}

static void tbucket_refill(struct tbucket *tb, uint64_t now_us)
{
	uint64_t cap = tb->burst * TB_SCALE;

	if (now_us <= tb->stamp)
		return;
	uint64_t elapsed = now_us - tb->stamp;
	tb->stamp = now_us;
	/* rate * elapsed is units*1e6; guard the product against overflow. */
	if (elapsed > cap / (tb->rate ? tb->rate : 1) + 1) {
		tb->level = cap;
		return;
	}
	tb->level += tb->rate * elapsed;
	if (tb->level > cap)
		tb->level = cap;
}

bool tbucket_take(struct tbucket *tb, uint64_t n, uint64_t now_us)
{
	if (tb->rate == 0)
		return true;
	tbucket_refill(tb, now_us);
	if (n > tb->burst || n * TB_SCALE > tb->level)
		return false;
	tb->level -= n * TB_SCALE;
	return true;
}

bool tbucket_is_full(struct tbucket *tb, uint64_t now_us)
{
	if (tb->rate == 0)
		return true;
	tbucket_refill(tb, now_us);
	return tb->level >= tb->burst * TB_SCALE;
}
