/* The order in which a scan probes its ports: first the ports waiting for
 * another try (a ring), then the ones never probed, in table order. Shared
 * by the TCP and the UDP scan. */
#ifndef SOCKLAB_SCAN_WORKQ_H
#define SOCKLAB_SCAN_WORKQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scan_workq {
	uint32_t *ring;   /* ports to probe again, a ring of n */
	size_t head, len;
	uint32_t next;    /* the next port never probed */
	uint32_t n;       /* ports in the table */
};

int scan_workq_init(struct scan_workq *q, uint32_t n);
void scan_workq_free(struct scan_workq *q);
/* Probe idx again, after the others waiting. */
void scan_workq_retry(struct scan_workq *q, uint32_t idx);
/* Probe idx again before anything else (its probe could not be sent). */
void scan_workq_retry_first(struct scan_workq *q, uint32_t idx);
/* The next port to probe whose state[] is still pending; false when none. */
bool scan_workq_next(struct scan_workq *q, const uint8_t *state, uint8_t pending, uint32_t *idx);
bool scan_workq_left(const struct scan_workq *q);

#endif
