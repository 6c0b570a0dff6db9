/* A bulk transfer for the congestion scenarios: the receiver reads as fast
 * as it can; the sender writes for run_us with a non-blocking socket and
 * samples it through a recorder every millisecond into shared memory. */
#ifndef SOCKLAB_TCPLAB_BULK_H
#define SOCKLAB_TCPLAB_BULK_H

#include <stdint.h>

#include "tcplab/rec.h"

struct tl_bulk {
	volatile int listening;
	int64_t run_us;
	uint16_t port;              /* the sender's */
	char cc[16];                /* TCP_CONGESTION on the sender's socket; "": the default */
	uint64_t received;          /* bytes the receiver read */
	int64_t recv_us;            /* from accept to the end of the data */
	struct tl_samples samples;
};

int tl_bulk_receiver(void *arg);    /* struct tl_bulk * */
int tl_bulk_sender(void *arg);

#endif
