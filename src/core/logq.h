/* A bounded queue of whole output lines, for event output that must never
 * stall a server (core/log's queued mode): a line is queued whole or not at
 * all, and the lines that did not fit are counted, so that a notice can say
 * how many are missing exactly where they went missing. Pure: no I/O. */
#ifndef SOCKLAB_CORE_LOGQ_H
#define SOCKLAB_CORE_LOGQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct logq {
	char *buf;
	size_t cap;
	size_t head;        /* first byte not yet written */
	size_t len;         /* bytes queued from head */
	uint64_t dropped;   /* lines refused since the last notice */
};

/* An empty queue of cap bytes; -1 when out of memory. */
int logq_init(struct logq *q, size_t cap);
void logq_free(struct logq *q);
/* Queues text and a newline, or, when they do not fit, counts one dropped
 * line; true if queued. After a drop every line is dropped until the notice
 * is queued, so the notice stands where the lines went missing. */
bool logq_push(struct logq *q, const char *text, size_t n);
/* True if a line of n bytes (and its newline) would be queued now. */
bool logq_fits(const struct logq *q, size_t n);
/* Lines dropped since the last notice. */
uint64_t logq_dropped(const struct logq *q);
/* Queues the notice about the dropped lines (text and a newline) if it fits,
 * and then starts counting afresh; true if queued. */
bool logq_push_notice(struct logq *q, const char *text, size_t n);
/* The queued bytes that are contiguous from the oldest; *n = 0 when empty. */
const char *logq_peek(const struct logq *q, size_t *n);
/* n bytes from the oldest have been written. */
void logq_consume(struct logq *q, size_t n);
size_t logq_len(const struct logq *q);
/* Drops every queued byte (the reader went away); not counted. */
void logq_clear(struct logq *q);

#endif
