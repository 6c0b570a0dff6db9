/* The lab's link: a forwarder in the router namespace that moves frames
 * between its two veths with AF_PACKET, holds each for half the asked
 * round-trip delay, and drops what the drop rule or the full queue says.
 * It measures its own accuracy (each frame's holding time minus the delay
 * asked) into shared memory the parent reads when it has stopped. */
#ifndef SOCKLAB_TCPLAB_FWD_H
#define SOCKLAB_TCPLAB_FWD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcplab/dline.h"

#define TL_FWD_ERR_MAX 200000
#define TL_FWD_DROPS_MAX 64

/* The link as the options set it. */
struct tl_link {
	uint64_t delay_us;          /* round trip added: half each way */
	const char *rate;           /* tc's spelling ("10mbit"), or NULL */
	size_t queue;               /* packets per direction; drop-tail */
	struct tl_droprule drop;
	/* --profile textbook (lab.c, not the forwarder): the sender's route's
	 * initial window (0: the kernel's, 10), and RACK and the tail loss
	 * probe off in the sender's namespace */
	uint32_t initcwnd;
	bool no_rack_tlp;
};

/* Written by the forwarder, read by the parent after it stopped. */
struct tl_fwdstats {
	volatile int ready;         /* the sockets are bound */
	uint64_t frames[2];         /* forwarded, per direction (0: to the receiver) */
	uint64_t segs;              /* data segments toward the receiver */
	uint64_t dropped_rule, dropped_queue, send_errors;
	uint64_t duplicated;        /* data segments delivered twice */
	uint64_t dropped_seg[TL_FWD_DROPS_MAX]; /* the numbers of the dropped segments */
	int64_t dropped_at_us[TL_FWD_DROPS_MAX]; /* when (CLOCK_MONOTONIC) */
	size_t nerr;
	int32_t err_us[TL_FWD_ERR_MAX];
};

/* Runs in the router namespace until *stop is set; 0, or -1 on a socket
 * error (after its line). side0 faces the sender, side1 the receiver. */
int tl_fwd_run(const struct tl_link *l, const char *side0, const char *side1,
	       struct tl_fwdstats *st, volatile sig_atomic_t *stop);

#endif
