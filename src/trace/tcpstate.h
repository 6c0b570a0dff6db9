/* The TCP states of the traced ends, derived from the packets (RFC 793's
 * diagram as Linux walks it) and from listen/close calls. */
#ifndef SOCKLAB_TRACE_TCPSTATE_H
#define SOCKLAB_TRACE_TCPSTATE_H

#include "trace/model.h"
#include "trace/socks.h"

/* Appends every state change to t->states, in time order. Needs the
 * packets' lanes (tr_attrib_run). */
int tr_tcpstate_run(struct trace *t, const struct tr_socks *s);

#endif
