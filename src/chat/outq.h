/* What socklab chat owes its peer, until the peer's kernel has acknowledged
 * it: bytes queued for the socket, and bytes the socket took but the peer
 * has not acknowledged yet. A line counts as delivered only then, so that
 * when the connection ends early (a reset, a timeout) the chat can say how
 * many of the person's lines did not arrive. */
#ifndef SOCKLAB_CHAT_OUTQ_H
#define SOCKLAB_CHAT_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/buffer.h>

struct chat_outq {
	struct evbuffer *queued;   /* not taken by the socket yet */
	/* Taken by the socket, not acknowledged yet: at most what the kernel
	 * itself holds unacknowledged (its send buffer). */
	struct evbuffer *unacked;
	uint64_t acked;            /* bytes acknowledged since the start */
	size_t hello_len;          /* the first bytes are the hello, not a line */
};

/* 0, or -1 (ENOMEM). */
int chat_outq_init(struct chat_outq *q);
void chat_outq_free(struct chat_outq *q);
/* Queues the hello (it is not one of the person's lines); 0 or -1 (ENOMEM). */
int chat_outq_hello(struct chat_outq *q, const char *hello, size_t n);
/* Queues a line and its LF; 0 or -1 (ENOMEM). */
int chat_outq_line(struct chat_outq *q, const void *line, size_t n);
/* Bytes not taken by the socket yet. */
size_t chat_outq_queued(const struct chat_outq *q);
/* Hands queued bytes to the socket (as many as it takes): 0, or -1 with
 * errno (EAGAIN: try when writable). */
int chat_outq_write(struct chat_outq *q, int fd);
/* Forgets what the peer acknowledged (fin: our FIN is sent). Returns what
 * is still unacknowledged in bytes (queued ones and the FIN included), 0
 * once everything arrived, or -1 with errno. After a reset the count still
 * tells what did not arrive; the reset itself is the caller's to see. */
int64_t chat_outq_settle(struct chat_outq *q, int fd, bool fin);
/* The person's lines not acknowledged yet (as of the last settle). */
size_t chat_outq_lines_owed(const struct chat_outq *q);

#endif
