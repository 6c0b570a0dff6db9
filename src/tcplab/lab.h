/* The lab: three network namespaces (socklab-tcplab-PID-snd, -rtr, -rcv),
 * veths snd<->rtr and rtr<->rcv, one subnet 10.233.0.0/24 (sender .1,
 * receiver .2) bridged by the forwarder (fwd.c) in the router namespace,
 * whose kernel forwards nothing. Built with iproute2, torn down on every
 * way out; leftovers of runs whose process is gone are removed first. */
#ifndef SOCKLAB_TCPLAB_LAB_H
#define SOCKLAB_TCPLAB_LAB_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "tcplab/fwd.h"

#define TL_SND_ADDR "10.233.0.1"
#define TL_RCV_ADDR "10.233.0.2"
#define TL_SUBNET "10.233.0.0/24"
#define TL_SND_IF "tl-snd"   /* in snd, toward the router */
#define TL_RCV_IF "tl-rcv"   /* in rcv, toward the router */
#define TL_RTR_SND_IF "tl-rs" /* in rtr, toward the sender */
#define TL_RTR_RCV_IF "tl-rr" /* in rtr, toward the receiver */

enum tl_side { TL_SND, TL_RTR, TL_RCV };

struct tl_lab {
	char ns[3][64];
	bool made[3];
	pid_t router;
	struct tl_fwdstats *fwd;    /* shared with the router's child */
	struct tl_link link;
};

/* Set by SIGINT/SIGTERM: every loop of the lab looks at it. */
extern volatile sig_atomic_t tl_interrupted;

/* Installs the signal handlers; removes leftovers of dead runs. */
void tl_lab_prepare(void);
/* Builds the namespaces and links and starts the forwarder. -1 after the
 * error line (what was made is torn down). */
int tl_lab_up(struct tl_lab *lab, const struct tl_link *link);
/* Stops the forwarder (its stats stay readable in lab->fwd until
 * tl_lab_free) and deletes the namespaces. */
void tl_lab_down(struct tl_lab *lab);
void tl_lab_free(struct tl_lab *lab);
/* Namespaces of the lab (any run) that exist now. */
int tl_lab_count_namespaces(void);

/* Shared anonymous memory for a child's results; NULL when out of memory. */
void *tl_shared(size_t size);
void tl_shared_free(void *p, size_t size);

#endif
