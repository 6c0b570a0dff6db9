/* libpcap capture into memory for trace, and the --pcap writer. */
#include "trace/capture.h"

#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/log.h"
#include "trace/bpf/kobs.h"
#include "pkt/live.h"

/* The kernel's ring. run.c's drain waits longer than the block timeout, so
 * the last half-filled block is handed over before the capture closes. */
#define TCAP_BUFFER_BYTES (32 * 1024 * 1024)

static void discard(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	(void)user;
	(void)h;
	(void)data;
}

/* What the ring took before the kernel filter was attached is other
 * programs' traffic (nothing traced runs yet): dropped, with the kernel's
 * drop counters, which reading them resets, so that "packets dropped"
 * speaks of the trace's own packets only. */
static void forget_unfiltered(struct tr_tcap *c)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof st;

	for (int i = 0; i < 4096 && pcap_dispatch(c->p, -1, discard, NULL) > 0; i++)
		;
	getsockopt(pcap_fileno(c->p), SOL_PACKET, PACKET_STATISTICS, &st, &len);
}

int tr_tcap_open(struct tr_tcap *c, const char *iface)
{
	/* Calls are stamped in nanoseconds; packets must be too, or a SYN would
	 * seem to leave before the connect() that sent it. */
	struct live_opts lo = {
		.iface = iface, .snaplen = TCAP_SNAPLEN, .timeout_ms = TCAP_BLOCK_TIMEOUT_MS,
		.buffer_bytes = TCAP_BUFFER_BYTES, .nanoseconds = true,
	};
	char errbuf[PCAP_ERRBUF_SIZE];

	memset(c, 0, sizeof *c);
	c->p = pkt_live_open(&lo);
	if (!c->p)
		return -1;
	if (pcap_setnonblock(c->p, 1, errbuf) < 0) {
		log_error("cannot capture on %s: %s", iface, errbuf);
		pcap_close(c->p);
		c->p = NULL;
		return -1;
	}
	c->dlt = pcap_datalink(c->p);
	/* before any traced program starts: it is traced from its fork */
	c->kobs = tr_kobs_open(pcap_fileno(c->p), c->dlt, c->kobs_why, sizeof c->kobs_why);
	if (c->kobs)
		forget_unfiltered(c);
	return 0;
}

int tr_tcap_fd(const struct tr_tcap *c)
{
	return pcap_get_selectable_fd(c->p);
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct tr_tcap *c = (struct tr_tcap *)user;

	if (c->n >= TCAP_FRAMES_MAX || c->bytes + h->caplen > TCAP_BYTES_MAX) {
		c->full = true;
		return;
	}
	if (tr_grow(&c->v, &c->cap, c->n, sizeof *c->v, 256) < 0) {
		c->full = true;
		return;
	}
	uint8_t *copy = malloc(h->caplen ? h->caplen : 1);
	if (!copy) {
		c->full = true;
		return;
	}
	memcpy(copy, data, h->caplen);
	/* nanosecond precision: tv_usec holds nanoseconds */
	c->v[c->n++] = (struct tr_tcap_frame){
		.ts = (int64_t)h->ts.tv_sec * 1000000000LL + h->ts.tv_usec,
		.caplen = h->caplen,
		.len = h->len,
		.data = copy,
	};
	c->bytes += h->caplen;
}

int tr_tcap_drain(struct tr_tcap *c)
{
	for (;;) {
		int n = pcap_dispatch(c->p, -1, on_frame, (u_char *)c);

		if (n < 0) {
			log_error("capture stopped: %s", pcap_geterr(c->p));
			return -1;
		}
		if (n == 0) {
			tr_kobs_drain(c->kobs);
			return 0;
		}
	}
}

unsigned tr_tcap_kernel_drops(const struct tr_tcap *c)
{
	struct pcap_stat st;

	return c->p && pcap_stats(c->p, &st) == 0 ? st.ps_drop : 0;
}

void tr_tcap_warn(const struct tr_tcap *c)
{
	char why[sizeof c->kobs_why + 64] = "";
	unsigned drops = tr_tcap_kernel_drops(c);

	if (!c->kobs)
		snprintf(why, sizeof why, " (every packet on the interface was kept: no kernel filter, %s)",
			 c->kobs_why);
	if (c->full)
		log_error("warning: the capture outgrew its memory bound; later packets are missing%s",
			  why);
	if (tr_kobs_overflowed(c->kobs))
		log_error("warning: the kernel filter's maps filled up (%d processes, %d ports); "
			  "packets of later ones are missing",
			  KOBS_TGIDS_MAX, KOBS_PORTS_MAX);
	if (drops)
		log_error("warning: the kernel dropped %u packets during the capture%s", drops, why);
}

void tr_tcap_close(struct tr_tcap *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].data);
	free(c->v);
	if (c->p)
		pcap_close(c->p);
	tr_kobs_close(c->kobs);
	memset(c, 0, sizeof *c);
}

int tr_tcap_write_pcap(const struct trace *t, FILE *f, const char *path)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(t->dlt, TCAP_SNAPLEN,
							     PCAP_TSTAMP_PRECISION_NANO);
	pcap_dumper_t *d;
	int rc = 0;

	if (!dead) {
		log_error("cannot write '%s': out of memory", path);
		fclose(f);
		return -1;
	}
	d = pcap_dump_fopen(dead, f);
	if (!d) {
		log_error("cannot write '%s': %s", path, pcap_geterr(dead));
		fclose(f);
		pcap_close(dead);
		return -1;
	}
	for (size_t i = 0; i < t->npackets; i++) {
		const struct tr_packet *p = &t->packets[i];
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = p->ts / 1000000000LL, .tv_usec = p->ts % 1000000000LL },
			.caplen = p->caplen,
			.len = p->wirelen,
		};
		pcap_dump((u_char *)d, &h, p->frame);
	}
	if (pcap_dump_flush(d) < 0) {
		log_error("cannot write '%s': write failed", path);
		rc = -1;
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return rc;
}
