/* Live capture for trace: libpcap on one interface, nanosecond stamps,
 * the frames kept in memory (bounded) until the story is built; and the
 * --pcap writer for the frames that made it into the story. As root, the
 * kernel observer (kobs.h) filters the capture down to the traced
 * programs' ports; without it every frame on the interface is kept. */
#ifndef SOCKLAB_TRACE_CAPTURE_H
#define SOCKLAB_TRACE_CAPTURE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/kobs.h"
#include "trace/model.h"

#define TCAP_SNAPLEN 65535
#define TCAP_BYTES_MAX (256u * 1024 * 1024) /* frames kept in memory */
#define TCAP_FRAMES_MAX 1000000u
#define TCAP_BLOCK_TIMEOUT_MS 10     /* the kernel hands over a block this late at most */

struct tr_tcap_frame {
	int64_t ts;
	uint32_t caplen, len;
	uint8_t *data;
};

struct tr_tcap {
	pcap_t *p;
	int dlt;
	struct tr_tcap_frame *v;
	size_t n, cap, bytes;
	bool full;        /* frames were dropped over the bounds */
	struct tr_kobs *kobs;   /* NULL: no kernel filter, every frame kept */
	char kobs_why[128];     /* why there is none */
};

/* Opens iface; prints the one-line error itself and returns -1. */
int tr_tcap_open(struct tr_tcap *c, const char *iface);
int tr_tcap_fd(const struct tr_tcap *c);
/* Takes every frame the kernel has ready. -1 when the capture broke. */
int tr_tcap_drain(struct tr_tcap *c);
/* Frames the kernel dropped, or 0 when unknown. */
unsigned tr_tcap_kernel_drops(const struct tr_tcap *c);
/* After the run: one warning line for each way packets went missing (the
 * memory bound, the kernel filter's maps, the kernel's drops); without
 * the kernel filter, the lines say why it was off, since they then count
 * other programs' packets too. */
void tr_tcap_warn(const struct tr_tcap *c);
void tr_tcap_close(struct tr_tcap *c);

/* Writes the trace's packets (their frames) as a pcap file with nanosecond
 * stamps to f, which it closes; path names it in messages. Prints its own
 * error; returns -1. */
int tr_tcap_write_pcap(const struct trace *t, FILE *f, const char *path);

#endif
