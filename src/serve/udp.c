/* UDP side of the lab server: batches of datagrams (core/dgram), each checked
 * against the source filter and the per-source rate cap before it is answered. */
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
		report_suppressed("udp", n);
	report_drop(l->svc, sa, why);
}

uint64_t udp_rate_burst(const struct serve_config *cfg)
{
	/* One second's worth, but never less than one largest datagram. */
	return cfg->udp_rate > DGRAM_MAX ? cfg->udp_rate : DGRAM_MAX;
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
		enum src_verdict v = src_check(&srv->policy, sa);
		if (v != SRC_OK) {
			udp_log_drop(srv, l, sa, src_verdict_name(v), now);
			continue;
		}
		if (dgram_truncated(b, i)) {
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
		if (rlen >= 0)
			dgram_reply(b, i, reply, (size_t)rlen);
	}
}

void udp_on_readable(evutil_socket_t fd, short what, void *arg)
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
