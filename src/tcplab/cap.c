/* Capture on the sender's veth (see cap.h). */
#include "tcplab/cap.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "core/log.h"
#include "pkt/live.h"
#include "tcplab/lab.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/rec.h"

/* wall-clock minus monotonic, to put packets on the samples' clock */
static int64_t wall_minus_mono_us(void)
{
	struct timespec w, m;

	clock_gettime(CLOCK_REALTIME, &w);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return ((int64_t)w.tv_sec - m.tv_sec) * 1000000 + (w.tv_nsec - m.tv_nsec) / 1000;
}

int tl_cap_open(struct tl_cap *c, const char *ns, const char *ifname, const char *pcap_path)
{
	struct live_opts lo = { .iface = ifname, .snaplen = 256, .timeout_ms = 5,
				.buffer_bytes = 16 << 20, .nanoseconds = false };
	char errbuf[PCAP_ERRBUF_SIZE];

	memset(c, 0, sizeof *c);
	c->v = calloc(TL_CAP_SEGS_MAX, sizeof *c->v);
	if (!c->v) {
		log_error("out of memory");
		return -1;
	}
	if (!tl_observing()) /* bench/tcplab.sh's cost of observing: no capture */
		return 0;
	if (tl_ns_enter(ns) < 0)
		return -1;
	c->p = pkt_live_open(&lo); /* bound to the interface of this namespace */
	if (tl_ns_home() < 0 || !c->p)
		return -1;
	if (pcap_setnonblock(c->p, 1, errbuf) < 0) {
		log_error("cannot capture on %s: %s", ifname, errbuf);
		return -1;
	}
	c->dlt = pcap_datalink(c->p);
	if (pcap_path) {
		c->dump = pcap_dump_open(c->p, pcap_path);
		if (!c->dump) {
			log_error("cannot write '%s': %s", pcap_path, pcap_geterr(c->p));
			return -1;
		}
	}
	return 0;
}

static void keep_syn(struct tl_cap *c, const struct pkt *k, uint16_t port, bool synack)
{
	const struct tcp_hdr *t = &k->net.tcp;

	for (size_t i = 0; i < c->nsyn; i++)
		if (c->syn[i].port == port && c->syn[i].synack == synack)
			return;
	if (c->nsyn >= TL_CAP_SYNS_MAX)
		return;
	struct tl_synframe *f = &c->syn[c->nsyn++];
	size_t optlen = t->hlen > 20 ? (size_t)t->hlen - 20 : 0;

	f->port = port;
	f->synack = synack;
	f->tcp = *t;
	if (optlen > sizeof f->opts)
		optlen = sizeof f->opts;
	if ((size_t)t->off + 20 + optlen <= k->caplen)
		memcpy(f->opts, k->data + t->off + 20, optlen);
	f->nopts = optlen;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct tl_cap *c = (struct tl_cap *)user;
	struct pkt k;
	struct in_addr snd;

	c->frames++;
	if (c->dump)
		pcap_dump((u_char *)c->dump, h, data);
	pkt_decode(pkt_link_from_dlt(c->dlt), data, h->caplen, h->len, &k);
	if (k.net.kind != NET_IP4 || k.net.l4 != L4_TCP || k.net.tcp.have < 20)
		return;
	inet_pton(AF_INET, TL_SND_ADDR, &snd);
	bool out = memcmp(k.net.ip.src, &snd, 4) == 0;
	const struct tcp_hdr *t = &k.net.tcp;
	uint16_t port = out ? t->sport : t->dport;

	if (t->flags & TCP_SYN)
		keep_syn(c, &k, port, (t->flags & TCP_ACK) != 0);
	if (c->n >= TL_CAP_SEGS_MAX)
		return;
	uint8_t nsack = 0;
	uint32_t sack_bytes = 0;
	const struct tcp_opt *sackopt = NULL;

	for (size_t i = 0; i < t->nopts; i++)
		if (t->opts[i].kind == 5) {
			nsack = t->opts[i].nsack;
			for (size_t b = 0; b < nsack && b < PKT_SACK_MAX; b++)
				sack_bytes += t->opts[i].sack[b][1] - t->opts[i].sack[b][0];
			sackopt = &t->opts[i];
		}
	c->v[c->n++] = (struct tl_capseg){
		.port = port,
		.s = { .t_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec, .out = out,
		       .flags = t->flags, .seq = t->seq, .ack = t->ack, .len = t->payload_len,
		       .win = t->win, .nsack = nsack, .sack_bytes = sack_bytes },
	};
	for (size_t b = 0; sackopt && b < nsack && b < TL_SEG_SACKS; b++) {
		c->v[c->n - 1].s.sack[b][0] = sackopt->sack[b][0];
		c->v[c->n - 1].s.sack[b][1] = sackopt->sack[b][1];
	}
}

void tl_cap_drain(struct tl_cap *c, int wait_ms)
{
	if (!c->p) { /* not capturing (tl_observing): only the wait */
		if (wait_ms > 0)
			poll(NULL, 0, wait_ms);
		return;
	}
	struct pollfd pfd = { pcap_get_selectable_fd(c->p), POLLIN, 0 };
	bool waited = false;

	for (int i = 0; i < 100000; i++) {
		int n = pcap_dispatch(c->p, -1, on_frame, (u_char *)c);

		if (n > 0)
			continue;
		if (n < 0 || waited || wait_ms <= 0)
			break;
		poll(&pfd, 1, wait_ms);
		waited = true;
	}
}

void tl_cap_close(struct tl_cap *c)
{
	if (c->dump)
		pcap_dump_close(c->dump);
	if (c->p)
		pcap_close(c->p);
	free(c->v);
	memset(c, 0, sizeof *c);
}

struct tl_seg *tl_cap_conn(const struct tl_cap *c, uint16_t port, size_t *n)
{
	struct tl_seg *v = calloc(c->n + 1, sizeof *v);
	int64_t off = wall_minus_mono_us();

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].port == port) {
			v[*n] = c->v[i].s;
			v[*n].t_us -= off;
			(*n)++;
		}
	return v;
}

const struct tl_synframe *tl_cap_syn(const struct tl_cap *c, uint16_t port, bool synack)
{
	for (size_t i = 0; i < c->nsyn; i++)
		if (c->syn[i].port == port && c->syn[i].synack == synack)
			return &c->syn[i];
	return NULL;
}

int tl_cap_wait_peer(struct tl_cap *c, pid_t pid, uint64_t timeout_ms)
{
	int64_t end = tl_now_us() + (int64_t)timeout_ms * 1000;

	while (pid > 0 && tl_now_us() < end && !tl_interrupted) {
		siginfo_t si = { 0 };

		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid)
			break;
		tl_cap_drain(c, 20);
	}
	int st = pid > 0 ? tl_peer_wait(pid, 0) : -1;

	tl_cap_drain(c, 30);
	return st;
}
