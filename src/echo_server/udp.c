/* UDP side of socklab echo-server: batches of datagrams in (core/dgram's
 * recvmmsg), each sent back as it is in one sendmmsg, within serve's source
 * filter and answer budget (guard/srcfilter, guard/srcbudget). */
#include "echo_server/server.h"

#include <netinet/in.h>

#include "core/clock.h"

/* Batches handled per wake-up before the loop looks at signals again. */
#define UDP_ROUNDS 8

static void udp_log(struct echo_server *srv, const struct sockaddr *sa, const void *p, size_t len,
		    const char *what, uint64_t now)
{
	if (!ratelog_allow(&srv->udp_log, now))
		return;
	uint64_t n = ratelog_take_suppressed(&srv->udp_log);
	if (n)
		echosrv_report_suppressed(IPPROTO_UDP, n);
	echosrv_report_dgram(sa, p, len, what);
}

static const char *echosrv_udp_why(enum srcbudget_verdict v)
{
	switch (v) {
	case SRCBUDGET_OVER_BUDGET: return "dropped: over the amplification budget";
	case SRCBUDGET_LOOP: return "dropped: it is our own echo coming back (a loop?)";
	default: return "dropped: over --udp-rate";
	}
}

static void udp_answer(struct echo_server *srv, unsigned n)
{
	struct dgram_batch *b = srv->batch;
	uint64_t now = clock_mono_us();

	for (unsigned i = 0; i < n; i++) {
		const struct sockaddr *sa = dgram_from(b, i);
		size_t len = dgram_len(b, i);

		srv->stats.udp_in++;
		/* The lab server's rule: sources that could loop or reflect. */
		enum src_verdict v = srcfilter_check(&srv->policy, sa);
		if (v != SRC_OK || dgram_truncated(b, i)) {
			srv->stats.udp_dropped++;
			udp_log(srv, sa, b->data[i], len,
				v == SRC_BAD_PORT   ? "dropped: its source port could start a loop"
				: v == SRC_BAD_ADDR ? "dropped: its source address is never answered"
						    : "dropped: oversized",
				now);
			continue;
		}
		struct srcbudget_req r = {
			.from = sa,
			.in_len = len,
			.in_digest = srcbudget_digest(b->data[i], len),
			.out = b->data[i],
			.out_is_in = true,
			.want = len,
			.least = len,
		};
		size_t granted;
		enum srcbudget_verdict bv = srcbudget_decide(srv->budget, &r, now, &granted);
		if (bv != SRCBUDGET_SEND) {
			srv->stats.udp_dropped++;
			srv->stats.udp_over_budget += bv == SRCBUDGET_OVER_BUDGET;
			srv->stats.udp_loop += bv == SRCBUDGET_LOOP;
			udp_log(srv, sa, b->data[i], len, echosrv_udp_why(bv), now);
			continue;
		}
		udp_log(srv, sa, b->data[i], len, "echoed", now);
		dgram_reply(b, i, b->data[i], len);
	}
}

static void udp_on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct echo_server *srv = arg;

	for (int round = 0; round < UDP_ROUNDS; round++) {
		/* An error is about one datagram (an ICMP error queued), not the socket. */
		int n = dgram_recv(fd, srv->batch);
		if (n <= 0)
			return;
		udp_answer(srv, (unsigned)n);
		srv->stats.udp_out += dgram_send(fd, srv->batch, &srv->stats.udp_dropped);
		if (n < DGRAM_BATCH)
			return;
	}
}

int echosrv_udp_start(struct echo_server *srv)
{
	struct srcbudget_cfg bc;

	srcbudget_cfg_default(&bc);
	bc.factor_milli = srv->cfg->amp_factor_milli;
	bc.credit = srv->cfg->amp_credit;
	bc.byte_rate = srv->cfg->udp_rate;
	srv->budget = srcbudget_new(&bc, clock_mono_us());
	srcfilter_init(&srv->policy);
	srcfilter_load_ifaces(&srv->policy);
	srcfilter_add_port(&srv->policy, addr_port(&srv->bound.sa));
	srv->batch = dgram_batch_new();
	srv->udp_ev = event_new(srv->base, srv->fd, EV_READ | EV_PERSIST, udp_on_readable, srv);
	ratelog_init(&srv->udp_log, ECHO_SERVER_UDP_LOG_RATE, ECHO_SERVER_UDP_LOG_BURST,
		     clock_mono_us());
	if (!srv->budget || !srv->batch || !srv->udp_ev || event_add(srv->udp_ev, NULL) < 0)
		return -1;
	return 0;
}
