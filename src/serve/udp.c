/* UDP service loop: datagrams come in batches through recvmmsg(2) and the
 * answers leave through sendmmsg(2), so a busy socket costs two system calls
 * per batch rather than two per datagram. Each datagram is checked against
 * the source filter and the per-source rate cap before it is answered. */
#include "serve/udp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "serve/report.h"

#define UDP_BATCH 32
/* Larger than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6). */
#define UDP_DGRAM_MAX 65536
/* Batches handled per wake-up before other sockets get their turn. */
#define UDP_ROUNDS 8

struct udp_batch {
	struct mmsghdr in[UDP_BATCH];
	struct iovec in_iov[UDP_BATCH];
	union addr_any from[UDP_BATCH];
	struct mmsghdr out[UDP_BATCH];
	struct iovec out_iov[UDP_BATCH];
	uint8_t reply[UDP_BATCH][REPLY_OUT_MAX];
	uint8_t data[UDP_BATCH][UDP_DGRAM_MAX];
};

struct udp_batch *udp_batch_new(void)
{
	struct udp_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	for (int i = 0; i < UDP_BATCH; i++) {
		b->in_iov[i] = (struct iovec){ b->data[i], UDP_DGRAM_MAX };
		b->in[i].msg_hdr.msg_iov = &b->in_iov[i];
		b->in[i].msg_hdr.msg_iovlen = 1;
		b->in[i].msg_hdr.msg_name = &b->from[i];
		b->out[i].msg_hdr.msg_iov = &b->out_iov[i];
		b->out[i].msg_hdr.msg_iovlen = 1;
	}
	return b;
}

void udp_batch_free(struct udp_batch *b)
{
	free(b);
}

static void udp_log_drop(struct server *srv, const struct listener *l, const struct sockaddr *sa,
			 const char *why, uint64_t now)
{
	srv->stats.udp_dropped++;
	if (srv->cfg->quiet || !ratelog_allow(&srv->udp_log, now))
		return;
	uint64_t n = ratelog_take_suppressed(&srv->udp_log);
	if (n)
		report_suppressed("udp", n);
	report_drop(l->svc, sa, why);
}

uint64_t udp_rate_burst(const struct serve_config *cfg)
{
	/* One second's worth, but never less than one largest datagram. */
	return cfg->udp_rate > UDP_DGRAM_MAX ? cfg->udp_rate : UDP_DGRAM_MAX;
}

static bool udp_rate_ok(struct server *srv, const struct sockaddr *sa, size_t n, uint64_t now)
{
	const struct serve_config *cfg = srv->cfg;
	struct addr_key key;

	if (cfg->udp_rate == 0)
		return true;
	addr_key_from(&key, sa);
	struct tbucket *tb = iptab_get(srv->udp_rates, &key);
	if (!tb)
		tb = &srv->udp_overflow;
	else if (tb->burst == 0)
		tbucket_init(tb, cfg->udp_rate, udp_rate_burst(cfg), now);
	return tbucket_take(tb, n, now);
}

static bool udp_sweep_one(void *value, void *ctx)
{
	return tbucket_is_full(value, *(uint64_t *)ctx);
}

void udp_sweep_rates(struct server *srv)
{
	uint64_t now = clock_mono_us();

	if (srv->udp_rates)
		iptab_sweep(srv->udp_rates, udp_sweep_one, &now);
}

/* Answers the n datagrams in the batch; returns how many answers to send. */
static unsigned udp_answer(struct server *srv, struct listener *l, unsigned n)
{
	struct udp_batch *b = srv->udp;
	uint64_t now = clock_mono_us();
	unsigned nout = 0;

	srv->reply.now = time(NULL);
	for (unsigned i = 0; i < n; i++) {
		struct msghdr *h = &b->in[i].msg_hdr;
		const struct sockaddr *sa = h->msg_name;
		size_t len = b->in[i].msg_len;
		const uint8_t *reply;

		srv->stats.udp_in++;
		enum src_verdict v = src_check(&srv->policy, sa);
		if (v != SRC_OK) {
			udp_log_drop(srv, l, sa, src_verdict_name(v), now);
			continue;
		}
		if (h->msg_flags & MSG_TRUNC) {
			udp_log_drop(srv, l, sa, "oversized", now);
			continue;
		}
		ssize_t rlen = reply_datagram(l->svc, b->data[i], len, b->reply[i], &srv->reply, &reply);
		if (rlen >= 0 && !udp_rate_ok(srv, sa, (size_t)rlen, now)) {
			udp_log_drop(srv, l, sa, "rate-limited", now);
			continue;
		}
		if (!srv->cfg->quiet && ratelog_allow(&srv->udp_log, now)) {
			uint64_t k = ratelog_take_suppressed(&srv->udp_log);
			if (k)
				report_suppressed("udp", k);
			report_dgram(l->svc, sa, len, rlen < 0 ? 0 : (uint64_t)rlen);
		}
		if (rlen < 0)
			continue;
		b->out_iov[nout] = (struct iovec){ (void *)reply, (size_t)rlen };
		b->out[nout].msg_hdr.msg_name = h->msg_name;
		b->out[nout].msg_hdr.msg_namelen = h->msg_namelen;
		nout++;
	}
	return nout;
}

static void udp_send(struct server *srv, int fd, unsigned nout)
{
	struct udp_batch *b = srv->udp;
	unsigned done = 0;

	while (done < nout) {
		int k = sendmmsg(fd, b->out + done, nout - done, MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			/* This answer cannot go (full buffer, unreachable peer): skip it. */
			srv->stats.udp_dropped++;
			done++;
			continue;
		}
		srv->stats.udp_out += (uint64_t)k;
		done += (unsigned)k;
	}
}

void udp_on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;
	struct server *srv = l->srv;
	struct udp_batch *b = srv->udp;

	for (int round = 0; round < UDP_ROUNDS; round++) {
		for (int i = 0; i < UDP_BATCH; i++) {
			b->in[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
			b->in[i].msg_hdr.msg_flags = 0;
		}
		int n = recvmmsg(fd, b->in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* EAGAIN, or an error the next datagram may not have */
		}
		unsigned nout = udp_answer(srv, l, (unsigned)n);
		if (nout)
			udp_send(srv, fd, nout);
		if (n < UDP_BATCH)
			return;
	}
}
