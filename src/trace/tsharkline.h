/* A packet as one line of Wireshark's packet list (tsharkline.c). */
#ifndef SOCKLAB_TRACE_TSHARKLINE_H
#define SOCKLAB_TRACE_TSHARKLINE_H

#include <stddef.h>

#include "trace/model.h"

/* "5\t11:52:09.558407\t127.0.0.1\t127.0.0.2\tTCP\t56\t2210 → 5000 [SYN] Seq=0 ..." */
char *tr_tshark_line(const struct trace *t, const struct tr_packet *p, char *buf, size_t n);

#endif
