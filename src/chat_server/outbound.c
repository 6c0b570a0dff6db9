/* The chat server's datagrams out: one sendmmsg(2) batch per socket,
 * filled in place by chatwire_link_flush so that a datagram is built once and
 * never copied. A datagram the kernel refuses is lost, as UDP may lose any. */
#include "chat_server/outbound.h"

#include <errno.h>

static void udp_send_batch(struct chatsrv_server *srv, struct chatsrv_socket *s)
{
	struct chatsrv_send_batch *o = s->out;
	unsigned done = 0;

	while (done < o->n) {
		int k = sendmmsg(s->fd, o->msg + done, o->n - done, MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			/* Full buffer or an unreachable peer: that datagram is lost, as
			 * UDP may lose any; retransmission covers it. */
			srv->stats.send_errors++;
			done++;
			continue;
		}
		srv->stats.dgrams_out += (uint64_t)k;
		done += (unsigned)k;
	}
	o->n = 0;
}

unsigned chatsrv_out_room(struct chatsrv_server *srv, unsigned sidx, unsigned n)
{
	struct chatsrv_socket *s = &srv->socks[sidx];

	if (CHATSRV_SEND_BATCH - s->out->n < n)
		udp_send_batch(srv, s);
	return CHATSRV_SEND_BATCH - s->out->n;
}

struct chat_builder *chatsrv_out_slot(struct chatsrv_server *srv, unsigned sidx)
{
	struct chatsrv_socket *s = &srv->socks[sidx];

	if (s->out->n == CHATSRV_SEND_BATCH)
		udp_send_batch(srv, s);
	return &s->out->dg[s->out->n];
}

void chatsrv_out_commit(struct chatsrv_server *srv, unsigned sidx, unsigned n,
			const union addr_any *to)
{
	struct chatsrv_send_batch *o = srv->socks[sidx].out;

	for (unsigned i = 0; i < n; i++) {
		unsigned k = o->n++;
		o->iov[k] = (struct iovec){ o->dg[k].buf, o->dg[k].len };
		o->to[k] = *to;
		o->msg[k].msg_hdr = (struct msghdr){ .msg_name = &o->to[k],
						     .msg_namelen = addr_len(&to->sa),
						     .msg_iov = &o->iov[k],
						     .msg_iovlen = 1 };
	}
}

void chatsrv_out_send_all(struct chatsrv_server *srv)
{
	for (unsigned i = 0; i < srv->nsocks; i++)
		if (srv->socks[i].out && srv->socks[i].out->n)
			udp_send_batch(srv, &srv->socks[i]);
}
