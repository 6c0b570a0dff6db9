/* recvmmsg/sendmmsg batches. */
#include "core/dgram.h"

#include <errno.h>
#include <stdlib.h>

struct dgram_batch *dgram_batch_new(void)
{
	struct dgram_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	for (int i = 0; i < DGRAM_BATCH; i++) {
		b->in_iov[i] = (struct iovec){ b->data[i], DGRAM_MAX };
		b->in[i].msg_hdr.msg_iov = &b->in_iov[i];
		b->in[i].msg_hdr.msg_iovlen = 1;
		b->in[i].msg_hdr.msg_name = &b->from[i];
		b->out[i].msg_hdr.msg_iov = &b->out_iov[i];
		b->out[i].msg_hdr.msg_iovlen = 1;
	}
	return b;
}

void dgram_batch_free(struct dgram_batch *b)
{
	free(b);
}

int dgram_recv(int fd, struct dgram_batch *b)
{
	b->nout = 0;
	for (int i = 0; i < DGRAM_BATCH; i++) {
		b->in[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
		b->in[i].msg_hdr.msg_flags = 0;
	}
	for (;;) {
		int n = recvmmsg(fd, b->in, DGRAM_BATCH, MSG_DONTWAIT, NULL);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -1;
	}
}

size_t dgram_len(const struct dgram_batch *b, unsigned i)
{
	return b->in[i].msg_len;
}

const struct sockaddr *dgram_from(const struct dgram_batch *b, unsigned i)
{
	return &b->from[i].sa;
}

int dgram_truncated(const struct dgram_batch *b, unsigned i)
{
	return (b->in[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
}

void dgram_reply(struct dgram_batch *b, unsigned i, const void *p, size_t n)
{
	unsigned k = b->nout++;

	b->out_iov[k] = (struct iovec){ (void *)p, n };
	b->out[k].msg_hdr.msg_name = &b->from[i];
	b->out[k].msg_hdr.msg_namelen = b->in[i].msg_hdr.msg_namelen;
}

unsigned dgram_send(int fd, struct dgram_batch *b, uint64_t *failed)
{
	unsigned done = 0, sent = 0;

	while (done < b->nout) {
		int k = sendmmsg(fd, b->out + done, b->nout - done, MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			(*failed)++;
			done++;
			continue;
		}
		sent += (unsigned)k;
		done += (unsigned)k;
	}
	b->nout = 0;
	return sent;
}
