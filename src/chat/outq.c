/* socklab chat's queue towards the peer, kept until acknowledged. */
#include "chat/outq.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

#define CHAT_TCP_OUTQ_IOV 16 /* pieces of the queue handed over per call */

int chat_outq_init(struct chat_outq *q)
{
	memset(q, 0, sizeof(*q));
	q->queued = evbuffer_new();
	q->unacked = evbuffer_new();
	if (q->queued && q->unacked)
		return 0;
	chat_outq_free(q);
	errno = ENOMEM;
	return -1;
}

void chat_outq_free(struct chat_outq *q)
{
	if (q->queued)
		evbuffer_free(q->queued);
	if (q->unacked)
		evbuffer_free(q->unacked);
	q->queued = q->unacked = NULL;
}

int chat_outq_hello(struct chat_outq *q, const char *hello, size_t n)
{
	q->hello_len = n;
	return evbuffer_add(q->queued, hello, n);
}

int chat_outq_line(struct chat_outq *q, const void *line, size_t n)
{
	if (evbuffer_expand(q->queued, n + 1) < 0)
		return -1; /* all of the line or nothing */
	evbuffer_add(q->queued, line, n);
	return evbuffer_add(q->queued, "\n", 1);
}

size_t chat_outq_queued(const struct chat_outq *q)
{
	return evbuffer_get_length(q->queued);
}

int chat_outq_write(struct chat_outq *q, int fd)
{
	struct evbuffer_iovec v[CHAT_TCP_OUTQ_IOV];
	struct iovec iov[CHAT_TCP_OUTQ_IOV];
	int n = evbuffer_peek(q->queued, -1, NULL, v, CHAT_TCP_OUTQ_IOV);

	if (n <= 0)
		return 0;
	if (n > CHAT_TCP_OUTQ_IOV)
		n = CHAT_TCP_OUTQ_IOV;
	for (int i = 0; i < n; i++) {
		iov[i].iov_base = v[i].iov_base;
		iov[i].iov_len = v[i].iov_len;
	}
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)n };
	ssize_t w = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0)
		return -1;
	/* Moved, not copied: the chains change hands. */
	evbuffer_remove_buffer(q->queued, q->unacked, (size_t)w);
	return 0;
}

int64_t chat_outq_settle(struct chat_outq *q, int fd, bool fin)
{
	int inflight = 0;

	/* SIOCOUTQ: sent and not yet acknowledged, our FIN counting as one. */
	if (ioctl(fd, SIOCOUTQ, &inflight) < 0 || inflight < 0)
		return -1;
	size_t data = (size_t)inflight;
	if (fin && data > 0)
		data--;
	size_t held = evbuffer_get_length(q->unacked);
	if (held > data) {
		evbuffer_drain(q->unacked, held - data);
		q->acked += held - data;
	}
	return (int64_t)(evbuffer_get_length(q->queued) + (size_t)inflight);
}

static size_t chat_outq_count_lf(struct evbuffer *b)
{
	struct evbuffer_ptr p;
	size_t n = 0;

	evbuffer_ptr_set(b, &p, 0, EVBUFFER_PTR_SET);
	while ((p = evbuffer_search(b, "\n", 1, &p)).pos >= 0) {
		n++;
		if (evbuffer_ptr_set(b, &p, 1, EVBUFFER_PTR_ADD) < 0)
			break;
	}
	return n;
}

size_t chat_outq_lines_owed(const struct chat_outq *q)
{
	size_t n = chat_outq_count_lf(q->unacked) + chat_outq_count_lf(q->queued);

	/* The hello's LF is not a line of the person's. */
	if (q->acked < q->hello_len && n > 0)
		n--;
	return n;
}
