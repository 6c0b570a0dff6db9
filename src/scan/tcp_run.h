/* The state of one TCP connect scan (one slice of a target's ports, on one
 * loop) and the calls its files make downwards: the engine (tcp.c) starts
 * connects and hands open ports to the banner reader (tcp_banner.c); both
 * keep their books here (tcp_run.c); the driver (tcp_threads.c) cuts the
 * ports into slices, one per thread. The banner reader asks for more
 * probes through run->refill, never by calling the engine. */
#ifndef SOCKLAB_SCAN_TCP_RUN_H
#define SOCKLAB_SCAN_TCP_RUN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include <event2/event_struct.h>

#include "scan/engine.h"
#include "scan/limits.h"
#include "scan/pace.h"
#include "scan/rtt.h"
#include "scan/workq.h"

enum slot_phase {
	SLOT_FREE,
	SLOT_CONNECT,       /* waiting for the handshake */
	SLOT_BANNER_FIRST,  /* open; waiting for the service to speak first */
	SLOT_BANNER_NUDGED, /* it did not: sent scan_nudge, waiting for a reply */
	SLOT_BANNER_MORE,   /* got bytes; a short wait for the rest */
};

struct tcp_run;

struct tcp_slot {
	struct event ev;
	struct tcp_run *run;
	int fd;
	uint32_t idx;
	uint8_t phase;
	uint64_t start_us;
	uint64_t deadline_us;  /* banner: the end of the wait */
	uint16_t blen;
	uint8_t *buf;          /* SCAN_BANNER_MAX bytes, with -b */
};

struct tcp_run {
	const struct scan_env *env;
	struct scan_table *t;
	union addr_any addr;
	socklen_t alen;
	int family;

	struct tcp_slot *slots;
	uint32_t nslots;
	uint32_t *freelist;
	uint32_t nfree;
	uint32_t connecting;     /* slots in SLOT_CONNECT */
	uint64_t last_start_us;  /* --scan-delay: when the last connect went out */

	struct scan_workq work;  /* retries first, then ports never probed */
	uint8_t *tries;          /* probes sent per port */
	uint64_t *sent_us;       /* when the latest probe of each port went out */
	uint64_t *lost_us;       /* ... and the one before it */
	size_t decided;

	int pool[SCAN_TCP_POOL]; /* refused, disconnected sockets */
	int npool;

	struct scan_rtt rtt;
	struct scan_window win;
	struct scan_tries tmax;

	struct event *pump;
	bool pump_pending;
	unsigned stalls;

	/* The engine's "start more probes", for the banner reader. */
	void (*refill)(struct tcp_run *run);

	size_t answered;         /* open or closed */
	size_t unreach;          /* host/net unreachable */
	bool failed;
	char *err;
	size_t errlen;
};

struct tcp_part {
	struct scan_env env;       /* a loop of its own on a worker thread */
	const union addr_any *addr;
	struct scan_table t;       /* a slice of the target's table */
	uint32_t nslots;
	size_t answered, unreach;
	int rc;
	uint8_t cut;               /* enum scan_cut: stopped early */
	bool started;
	pthread_t th;
	char err[SCAN_ERR_MAX + 64];
};


/* tcp_run.c: the books. */
void scan_tcp_close_reset(int fd);
/* The scan cannot go on: err set once, the loop broken. */
void scan_tcp_fail(struct tcp_run *run, int err, const char *what);
/* Breaks the loop when every port is decided and every slot free. */
void scan_tcp_check_done(struct tcp_run *run);
void scan_tcp_decide(struct tcp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r);
void scan_tcp_answer(struct tcp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r,
		     uint64_t start_us);
struct tcp_slot *scan_tcp_slot_get(struct tcp_run *run);
void scan_tcp_slot_put(struct tcp_run *run, struct tcp_slot *s);
void scan_tcp_pool_put(struct tcp_run *run, int fd);
void scan_tcp_run_free(struct tcp_run *run);

/* tcp_banner.c: the handshake completed on fd (s: the slot it waited in,
 * or NULL); with -b the port's banner is read, then the socket reset. */
void scan_tcp_opened(struct tcp_run *run, struct tcp_slot *s, int fd, uint32_t idx,
		     uint64_t start_us);

/* tcp.c: scans the ports of part->t on part->env's loop. */
void scan_tcp_part_run(struct tcp_part *part);

#endif
