/* The state of one UDP scan of one target, shared by its two phases: the
 * fast one (udp.c: probes as fast as answers come, retries after a
 * timeout) and the batches that follow when the target's ICMP rate limit
 * could explain a silence (udp_batch.c). Both call down into the books and
 * I/O (udp_io.c) and the rate-limit accounting (udp_limit.c); udp.c starts
 * the batches; nothing calls back up. Internal to these files. */
#ifndef SOCKLAB_SCAN_UDP_RUN_H
#define SOCKLAB_SCAN_UDP_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tbucket.h"
#include "scan/engine.h"
#include "scan/icmplim.h"
#include "scan/limits.h"
#include "scan/pace.h"
#include "scan/rtt.h"
#include "scan/workq.h"

/* Bits of udp_run.flags[port]. */
#define UDP_IN_FIFO 1    /* a probe in flight in the fast phase */
#define UDP_PARKED 2     /* silent after every try, the limit not ruled out */
#define UDP_IN_BATCH 4   /* a probe in the current batch */

struct udp_run {
	const struct scan_env *env;
	struct scan_table *t;
	union addr_any addr;
	socklen_t alen;
	int family;
	int fd;
	uint16_t self_port;      /* the socket's own port, when it is scanned here */
	struct event *rev, *tick;
	bool tick_pending;

	uint8_t *tries;          /* probes sent per port (saturates at 255) */
	uint8_t *verified;       /* silences the ICMP limit cannot explain */
	uint8_t *flags;
	uint64_t *sent_us;       /* when the last probe of each port went out */
	uint64_t *lost_us;       /* ... and the one before it */
	int32_t *pidx;           /* port number -> index in t, or -1 */
	uint32_t *fifo;          /* probes in flight, in the order sent (ring of t->n) */
	size_t fhead, flen;
	struct scan_workq work;  /* retries first, then ports never probed */
	size_t inflight;         /* undecided ports in fifo */
	size_t decided;
	size_t parked;           /* ports waiting for the batches */
	unsigned stalls;         /* sends refused in a row (a full send buffer) */

	struct scan_rtt rtt;
	struct scan_tries tmax;
	struct scan_rate rate;
	struct tbucket tb;

	/* The ICMP rate limit (scan/icmplim.h) and the batch phase. */
	struct scan_lim lim;
	struct scan_lim_log log;
	bool batching;           /* the fast phase is over */
	bool batch_active;       /* a batch is out, its answers not all in */
	uint64_t batch_sent_us;
	uint32_t *batch;         /* its ports, in the order sent */
	size_t nbatch;
	size_t batch_probes;     /* probes in it, canaries included (for --max-rate) */
	uint64_t last_send_us;   /* the latest probe (send times strictly increase) */
	int32_t canary[SCAN_LIM_CANARIES]; /* the latest ports to answer with an error */
	bool canary_closed;      /* the canaries answered with port unreachables */
	int32_t bcanary[SCAN_LIM_CANARIES]; /* the canaries of the current batch */
	unsigned ncanary;        /* how many */
	unsigned canary_errors;  /* ... answered so far */
	unsigned batch_errors;   /* errors drawn by the current batch */

	size_t answered, unreach;
	bool failed;
	char *err;
	size_t errlen;
	uint8_t buf[2048];
};

enum scan_udp_send_rc { SCAN_UDP_SEND_OK, SCAN_UDP_SEND_STALL, SCAN_UDP_SEND_FATAL };

/* udp_io.c. */
void scan_udp_fail(struct udp_run *run, int err, const char *what);
bool scan_udp_done(const struct udp_run *run);
/* The send rate from what answers have taught (scan/pace.h). */
void scan_udp_set_rate(struct udp_run *run, uint64_t now);
void scan_udp_decide(struct udp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r);
enum scan_udp_send_rc scan_udp_send(struct udp_run *run, uint32_t idx);
void scan_udp_drain(struct udp_run *run);
/* The next step (udp.c's or the batches') in delay_us. */
void scan_udp_schedule(struct udp_run *run, uint64_t delay_us);

/* udp_limit.c. The latest probe of idx drew no answer: may the limit
 * explain it? */
bool scan_udp_explained(struct udp_run *run, uint32_t idx);
/* An ICMP error from the target about port index idx (decided or not, -1:
 * a port not scanned) came in; closed: a port unreachable. */
void scan_udp_batch_error(struct udp_run *run, int32_t idx, bool closed);

/* udp_batch.c. */
/* The fast phase is over and ports are parked: batches begin. */
void scan_udp_batch_start(struct udp_run *run);
/* One step of the batches: a batch's end, the next one, or the end. */
void scan_udp_batch_step(struct udp_run *run);
/* The scan stops early: parked ports are uncertain (rate-limited). */
void scan_udp_batch_give_up(struct udp_run *run);

#endif
