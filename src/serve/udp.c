/* UDP side of the lab server: batches of datagrams (core/dgram), each checked
 * against the source filter and the answer budget (guard/srcbudget: the
 * amplification budget, the per-peer answer rate, the per-source byte rate)
 * before it is answered. */
#include "serve/udp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "serve/report.h"

/* Batches handled per wake-up before other sockets get their turn. */
#define UDP_ROUNDS 8

static void udp_log_drop(struct server *srv, const struct listener *l, const struct sockaddr *sa,
			 const char *why, uint64_t now)
{
	srv->stats.udp_dropped++;
	if (srv->cfg->quiet || !ratelog_allow(&srv->udp_log, now))
		return;
	uint64_t n = ratelog_take_suppressed(&srv->udp_log);
	if (n)
		serve_report_suppressed("udp", n);
	serve_report_drop(l->svc, sa, why);
}

struct srcbudget *serve_udp_budget_new(const struct serve_config *cfg, uint64_t now_us)
{
	struct srcbudget_cfg bc;

	srcbudget_cfg_default(&bc);
	bc.factor_milli = cfg->amp_factor_milli;
	bc.credit = cfg->amp_credit;
	bc.byte_rate = cfg->udp_rate;
	bc.peer_rate = cfg->udp_peer_rate;
	return srcbudget_new(&bc, now_us);
}

/* The budget's say on the answer (*rlen bytes at reply) to a datagram of
 * len bytes whose digest was taken before the service saw it: true to send.
 * *rlen may shrink: chargen's answer is 0 to 512 characters, so a shorter
 * one is still RFC 864's; a quote or a time is never cut. */
static bool udp_budget_ok(struct server *srv, const struct listener *l, const struct sockaddr *sa,
			  size_t len, uint64_t digest, const uint8_t *reply, ssize_t *rlen,
			  uint64_t now)
{
	struct srcbudget_req r = {
		.from = sa,
		.in_len = len,
		.in_digest = digest,
		.out = reply,
		.want = (size_t)*rlen,
		.least = (size_t)*rlen,
		.out_is_in = l->svc == SVC_ECHO,
		.generated = l->svc != SVC_ECHO && l->svc != SVC_UPPER,
	};
	size_t granted;

	if (l->svc == SVC_CHARGEN && r.want > 0)
		r.least = 1;
	enum srcbudget_verdict v = srcbudget_decide(srv->budget, &r, now, &granted);
	switch (v) {
	case SRCBUDGET_SEND:
		return true;
	case SRCBUDGET_SHORTENED:
		srv->stats.udp_shortened++;
		*rlen = (ssize_t)granted;
		return true;
	case SRCBUDGET_OVER_BUDGET:
		srv->stats.udp_over_budget++;
		break;
	case SRCBUDGET_LOOP:
		srv->stats.udp_loop++;
		break;
	case SRCBUDGET_PEER_RATE:
		srv->stats.udp_peer_rate++;
		break;
	case SRCBUDGET_BYTE_RATE:
		break;
	}
	udp_log_drop(srv, l, sa, srcbudget_verdict_name(v), now);
	return false;
}

/* Answers the n datagrams of the batch (queued in it). */
static void udp_answer(struct server *srv, struct listener *l, unsigned n)
{
	struct dgram_batch *b = srv->udp;
	uint64_t now = clock_mono_us();

	srv->reply.now = time(NULL);
	for (unsigned i = 0; i < n; i++) {
		const struct sockaddr *sa = dgram_from(b, i);
		size_t len = dgram_len(b, i);
		const uint8_t *reply;

		srv->stats.udp_in++;
		enum src_verdict v = srcfilter_check(&srv->policy, sa);
		if (v != SRC_OK) {
			udp_log_drop(srv, l, sa, srcfilter_verdict_name(v), now);
			continue;
		}
		if (dgram_truncated(b, i)) {
			udp_log_drop(srv, l, sa, "oversized", now);
			continue;
		}
		/* before upper changes it in place */
		uint64_t digest = srcbudget_digest(b->data[i], len);
		ssize_t rlen = serve_reply_datagram(l->svc, b->data[i], len, b->reply[i], &srv->reply, &reply);
		if (rlen >= 0 && !udp_budget_ok(srv, l, sa, len, digest, reply, &rlen, now))
			continue;
		if (!srv->cfg->quiet && ratelog_allow(&srv->udp_log, now)) {
			uint64_t k = ratelog_take_suppressed(&srv->udp_log);
			if (k)
				serve_report_suppressed("udp", k);
			serve_report_dgram(l->svc, sa, len, rlen < 0 ? 0 : (uint64_t)rlen);
		}
		if (rlen >= 0)
			dgram_reply(b, i, reply, (size_t)rlen);
	}
}

void serve_udp_on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;
	struct server *srv = l->srv;

	for (int round = 0; round < UDP_ROUNDS; round++) {
		/* An error here is about one datagram (or none): the next may be fine. */
		int n = dgram_recv(fd, srv->udp);
		if (n <= 0)
			return;
		udp_answer(srv, l, (unsigned)n);
		srv->stats.udp_out += dgram_send(fd, srv->udp, &srv->stats.udp_dropped);
		if (n < DGRAM_BATCH)
			return;
	}
}
