/* The isn scenario's contrast: an old-style responder as the lecture's
 * 1994 trace shows it, each SYN-ACK's ISN 128000 above the previous one.
 * It lives in the receiver's namespace on a packet socket and answers for
 * an address nobody else has (10.233.0.3, with a made-up MAC, so the
 * receiver's kernel drops those frames as not its own): the ARP request
 * for it and each SYN to it. Nothing more: the client in the sender's
 * namespace connects, then ends the connection with a reset. */
#ifndef SOCKLAB_TCPLAB_OLDISN_H
#define SOCKLAB_TCPLAB_OLDISN_H

#include <stdint.h>

#define TL_OLD_ADDR "10.233.0.3"
#define TL_OLD_ISN0 2021824000u /* the first ISN (one of the 1994 trace's) */
#define TL_OLD_MAX 100

struct tl_oldisn {
	volatile int ready;         /* the responder's socket is bound */
	volatile int stop;          /* set by the lab when the client is done */
	int n;                      /* connections the client makes */
	int made;                   /* connections it made */
	uint32_t answered;          /* SYNs the responder answered */
	uint16_t ports[TL_OLD_MAX]; /* the client's source ports */
};

int tl_oldisn_responder(void *arg); /* struct tl_oldisn *; receiver's namespace */
int tl_oldisn_client(void *arg);    /* the sender's */

#endif
