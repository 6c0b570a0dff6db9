/* The nagle scenario's second part: a typist, one byte every 5 ms, to a
 * receiver that only reads; with Nagle the keystrokes typed while one is
 * unacknowledged leave together, with TCP_NODELAY each leaves alone. */
#ifndef SOCKLAB_TCPLAB_TYPIST_H
#define SOCKLAB_TCPLAB_TYPIST_H

#include <stdbool.h>
#include <stddef.h>

#include "tcplab/cap.h"
#include "tcplab/lab.h"

#define TL_TYPIST_KEYS 30
#define TL_TYPIST_GAP_US 5000

struct tl_typist {
	size_t keys, segments;      /* keystrokes typed, data segments sent */
	double bytes_per_seg;
};

/* Runs one typist in the lab, measured from cap; -1 when a peer failed. */
int tl_typist_run(struct tl_lab *lab, struct tl_cap *cap, bool nodelay, struct tl_typist *out);

#endif
