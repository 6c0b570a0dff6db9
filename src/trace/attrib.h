/* Ties the story together: which call (or the kernel) sent each packet,
 * which packet completed each blocking call, and which lane (column) each
 * call and packet belongs to. */
#ifndef SOCKLAB_TRACE_ATTRIB_H
#define SOCKLAB_TRACE_ATTRIB_H

#include "trace/model.h"
#include "trace/socks.h"

/* ACKs later than this after the data they acknowledge were held back by
 * the delayed-ACK timer (Linux waits at least 40 ms). */
#define ATTRIB_DELAYED_ACK_NS (20 * 1000 * 1000LL)

/* Fills lanes, packet causes and lanes, call completions and lanes. The
 * packets must be numbered (tr_packets_number) and only the trace's own. */
int tr_attrib_run(struct trace *t, struct tr_socks *s);

#endif
