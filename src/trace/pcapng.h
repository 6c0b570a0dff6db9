/* --pcapng: the trace's packets as a pcapng file (the format Wireshark
 * writes) whose every packet carries a comment (opt_comment) saying what
 * sent it: "[4] by #9 send (data); client: python3 client.py (pid 200)".
 * `tshark -r FILE -T fields -e frame.comment` and Wireshark's packet
 * comments show it. */
#ifndef SOCKLAB_TRACE_PCAPNG_H
#define SOCKLAB_TRACE_PCAPNG_H

#include <stdio.h>

#include "trace/model.h"

/* Writes the section header, one interface (t->dlt, nanosecond stamps) and
 * an enhanced packet block per packet to f. 0, or -1 when writing failed
 * (errno set). Does not close f. */
int tr_pcapng_write(const struct trace *t, FILE *f);

/* The comment of packet p into buf (always terminated); returns buf. */
char *tr_pcapng_comment(const struct trace *t, const struct tr_packet *p, char *buf, size_t n);

#endif
