/* trace's kernel observer, user-space side (the BPF side is
 * bpf/kobs.bpf.c): loaded as root beside the capture, it keeps the
 * capture to the traced programs' ports with a socket filter on the
 * capture's packet socket, and gathers what the kernel did on its own
 * (retransmissions, RSTs) for attribution. Without it (not root, no BTF, a
 * load that fails) trace captures everything as before. */
#ifndef SOCKLAB_TRACE_KOBS_H
#define SOCKLAB_TRACE_KOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/model.h"

struct tr_kobs;
struct kobs_event;

/* Loads the observer, marks the calling process as traced (what it starts
 * from now on is traced too) and filters the packet socket fd, whose link
 * type is dlt. NULL, with why it could not in why, when it cannot. */
struct tr_kobs *tr_kobs_open(int fd, int dlt, char *why, size_t n);
/* Takes the kernel's events waiting in the ring buffer. */
void tr_kobs_drain(struct tr_kobs *k);
/* Moves the events gathered into t->kevents (in time order). -1 out of
 * memory. */
int tr_kobs_take(struct tr_kobs *k, struct trace *t);
/* A map of the kernel filter filled up: some process or port of the
 * trace went unwatched, and its packets may be missing. */
bool tr_kobs_overflowed(const struct tr_kobs *k);
void tr_kobs_close(struct tr_kobs *k);

/* Pure parts (kobs_event.c). */
/* The filter's enum kobs_link for a libpcap link type, 0 when the filter
 * cannot read it. */
uint32_t tr_kobs_link_kind(int dlt);
/* An event from the kernel as the model's; mono_to_real is added to its
 * CLOCK_MONOTONIC stamp. false for one it does not know. */
bool tr_kobs_event_convert(const struct kobs_event *e, int64_t mono_to_real,
			   struct tr_kevent *out);
/* The reason a packet gets from a kernel event: "retransmission (timeout)",
 * "RST: nothing listens on this port", ...; NULL when the kernel gave none
 * worth more than trace's own rules. */
const char *tr_kevent_why(const struct tr_kevent *k);

#endif
