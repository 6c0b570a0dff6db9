/* The delay line's I/O (see fwd.h): two AF_PACKET sockets, a queue per
 * direction (dline.c), ppoll with microsecond timeouts. */
#include "tcplab/fwd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int open_side(const char *ifname)
{
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	int one = 1, big = 4 << 20;

	if (s < 0) {
		log_error_errno(errno, "cannot open a packet socket");
		return -1;
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)if_nametoindex(ifname) };

	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
	if (!sll.sll_ifindex || bind(s, (struct sockaddr *)&sll, sizeof sll) < 0 ||
	    setsockopt(s, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0) {
		log_error_errno(errno, "cannot bind a packet socket to %s", ifname);
		close(s);
		return -1;
	}
	return s;
}

/* Reads every frame waiting on s into q (direction dir). */
static void take(int s, int dir, struct tl_dline *q, const struct tl_link *l,
		 struct tl_dropper *dr, struct rng *r, struct tl_fwdstats *st)
{
	uint8_t buf[TL_FRAME_MAX + 64];

	for (int i = 0; i < 4096; i++) {
		ssize_t n = recv(s, buf, sizeof buf, 0);

		if (n <= 0)
			return;
		uint64_t t = now_us();

		uint32_t seq;

		if (dir == 0 && tl_frame_is_syn(buf, (size_t)n))
			tl_dropper_reset(dr); /* segments are counted per connection */
		if (dir == 0 && tl_frame_is_data(buf, (size_t)n, &seq)) {
			st->segs++;
			if (tl_dropper_next(dr, r, seq)) {
				if (st->dropped_rule < TL_FWD_DROPS_MAX) {
					st->dropped_seg[st->dropped_rule] = dr->nseg;
					st->dropped_at_us[st->dropped_rule] = (int64_t)t;
				}
				st->dropped_rule++;
				continue;
			}
		}
		(void)l;
		tl_dline_push(q, buf, (size_t)n, t); /* a full queue counts its drops */
		if (dir == 0 && tl_frame_is_data(buf, (size_t)n, NULL) && tl_dropper_dup(dr)) {
			tl_dline_push(q, buf, (size_t)n, t);
			st->duplicated++;
		}
	}
}

/* Sends every due frame of q out of s. */
static void give(int s, int dir, struct tl_dline *q, struct tl_fwdstats *st)
{
	const struct tl_held *h;

	while ((h = tl_dline_due(q, now_us())) != NULL) {
		uint64_t t;

		if (send(s, h->data, h->len, 0) < 0)
			st->send_errors++;
		t = now_us();
		st->frames[dir]++;
		if (st->nerr < TL_FWD_ERR_MAX)
			st->err_us[st->nerr++] = (int32_t)((int64_t)(t - h->in_us) -
							   (int64_t)q->delay_us);
		tl_dline_pop(q);
	}
}

int tl_fwd_run(const struct tl_link *l, const char *side0, const char *side1,
	       struct tl_fwdstats *st, volatile sig_atomic_t *stop)
{
	struct tl_dline q[2];
	struct tl_dropper dr = { .rule = &l->drop };
	struct rng r;
	int s[2] = { open_side(side0), open_side(side1) };
	int rc = -1;
	size_t cap = l->queue ? l->queue : 10000;

	rng_seed_random(&r);
	/* a real-time priority keeps the line's holding times close to the
	 * delay on a busy machine; it sleeps in ppoll, so it cannot hog a CPU */
	struct sched_param sp = { .sched_priority = 10 };

	sched_setscheduler(0, SCHED_FIFO, &sp);
	if (s[0] < 0 || s[1] < 0)
		goto out_close;
	if (tl_dline_init(&q[0], cap, l->delay_us / 2) < 0)
		goto out_close;
	if (tl_dline_init(&q[1], cap, l->delay_us / 2) < 0) {
		tl_dline_free(&q[0]);
		goto out_close;
	}
	st->ready = 1;
	while (!*stop) {
		struct pollfd pfd[2] = { { s[0], POLLIN, 0 }, { s[1], POLLIN, 0 } };
		uint64_t due = tl_dline_next_due(&q[0]), due1 = tl_dline_next_due(&q[1]);
		uint64_t now = now_us(), wait = 100000;

		if (due1 < due)
			due = due1;
		if (due != UINT64_MAX)
			wait = due > now ? due - now : 0;
		if (wait > 100000)
			wait = 100000; /* look at *stop at least every 100 ms */
		struct timespec ts = { (time_t)(wait / 1000000u), (long)(wait % 1000000u) * 1000 };

		if (ppoll(pfd, 2, &ts, NULL) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			take(s[0], 0, &q[0], l, &dr, &r, st);
		if (pfd[1].revents & POLLIN)
			take(s[1], 1, &q[1], l, &dr, &r, st);
		give(s[1], 0, &q[0], st);
		give(s[0], 1, &q[1], st);
	}
	st->dropped_queue = q[0].dropped_full + q[1].dropped_full;
	rc = 0;
	tl_dline_free(&q[0]);
	tl_dline_free(&q[1]);
out_close:
	for (int i = 0; i < 2; i++)
		if (s[i] >= 0)
			close(s[i]);
	return rc;
}
