/* The kernel's recorder, user-space side (see rec_bpf.h): loads
 * bpf/probe.bpf.c from the skeleton built into the binary, sets the
 * sender's namespace and port it keeps to, and reads its ring buffer. */
#include "tcplab/rec_bpf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probe.skel.h"
#include "tcplab/bpf/probe.h"
#include "tcplab/scen.h"
#include "tcplab/sock.h"

#define BR_MAX 1000000u /* samples and events kept, each */

/* libbpf's own messages only when asked for: the scenario says in one
 * line why the recorder is off. */
__attribute__((format(printf, 2, 0)))
static int br_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("SOCKLAB_BPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int br_grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	if (n >= BR_MAX)
		return -1;
	size_t ncap = *cap ? *cap * 2 : 1024;
	void *p = realloc(*v, ncap * size);

	if (!p)
		return -1;
	*v = p;
	*cap = ncap;
	return 0;
}

static int br_on_rec(void *ctx, void *data, size_t size)
{
	struct tl_bpfrec *r = ctx;
	struct tl_probe p;
	struct tl_kev e;

	if (size < sizeof(struct probe_rec))
		return 0;
	if (tl_bpfrec_to_probe(data, &p)) {
		if (br_grow((void **)&r->probes, &r->capprobes, r->nprobes, sizeof p) < 0)
			r->lost++;
		else
			r->probes[r->nprobes++] = p;
	} else if (tl_bpfrec_to_kev(data, &e)) {
		if (br_grow((void **)&r->evs, &r->capevs, r->nevs, sizeof e) < 0)
			r->lost++;
		else
			r->evs[r->nevs++] = e;
	}
	return 0;
}

struct tl_bpfrec *tl_bpfrec_open(const char *ns, uint16_t dport, char *why, size_t n)
{
	const char *env = getenv("SOCKLAB_TCPLAB_BPF");
	struct tl_bpfrec *r;
	char path[160];
	struct stat st;
	int err;

	if (env && strcmp(env, "0") == 0) {
		snprintf(why, n, "SOCKLAB_TCPLAB_BPF=0");
		return NULL;
	}
	if (!tl_observing()) {
		snprintf(why, n, "SOCKLAB_TCPLAB_OBSERVE=0");
		return NULL;
	}
	if (geteuid() != 0) {
		snprintf(why, n, "not root");
		return NULL;
	}
	snprintf(path, sizeof path, "/run/netns/%s", ns);
	if (stat(path, &st) < 0) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(why, n, "out of memory");
		return NULL;
	}
	libbpf_set_print(br_quiet);
	r->skel = probe__open();
	if (!r->skel) {
		snprintf(why, n, "cannot open its BPF object: %s", strerror(errno));
		goto fail;
	}
	/* the namespace file is a bind mount of the nsfs inode */
	r->skel->rodata->netns_ino = (__u32)st.st_ino;
	r->skel->rodata->dport = dport;
	err = probe__load(r->skel);
	if (err) {
		snprintf(why, n, "the kernel refused its BPF programs: %s", strerror(-err));
		goto fail;
	}
	err = probe__attach(r->skel);
	if (err) {
		snprintf(why, n, "cannot attach to the tcp tracepoints: %s", strerror(-err));
		goto fail;
	}
	r->rb = ring_buffer__new(bpf_map__fd(r->skel->maps.events), br_on_rec, r, NULL);
	if (!r->rb) {
		snprintf(why, n, "cannot read its ring buffer: %s", strerror(errno));
		goto fail;
	}
	return r;
fail:
	tl_bpfrec_close(r);
	return NULL;
}

void tl_bpfrec_drain(struct tl_bpfrec *r)
{
	if (r && r->rb)
		ring_buffer__consume(r->rb);
}

static int probe_cmp(const void *a, const void *b)
{
	const struct tl_probe *x = a, *y = b;

	return (x->s.t_us > y->s.t_us) - (x->s.t_us < y->s.t_us);
}

static int kev_cmp(const void *a, const void *b)
{
	const struct tl_kev *x = a, *y = b;

	return (x->t_us > y->t_us) - (x->t_us < y->t_us);
}

static bool br_sorted(const void *v, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (size_t i = 1; i < n; i++)
		if (cmp((const char *)v + (i - 1) * size, (const char *)v + i * size) > 0)
			return false;
	return true;
}

void tl_bpfrec_stop(struct tl_bpfrec *r)
{
	if (!r || !r->skel)
		return;
	probe__detach(r->skel);
	tl_bpfrec_drain(r);
	r->lost += r->skel->bss->lost;
	r->skel->bss->lost = 0;
	/* One socket's records are made under its lock, so the ring hands
	 * them over in time order: sorted only if not (qsort is not stable,
	 * and two ACKs may come within one microsecond). */
	if (!br_sorted(r->probes, r->nprobes, sizeof *r->probes, probe_cmp))
		qsort(r->probes, r->nprobes, sizeof *r->probes, probe_cmp);
	if (!br_sorted(r->evs, r->nevs, sizeof *r->evs, kev_cmp))
		qsort(r->evs, r->nevs, sizeof *r->evs, kev_cmp);
}

void tl_bpfrec_close(struct tl_bpfrec *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	probe__destroy(r->skel);
	free(r->probes);
	free(r->evs);
	free(r);
}

struct tl_bpfrec *tl_bpfrec_start(const struct tl_ctx *c, const char *ns)
{
	char why[256];
	struct tl_bpfrec *r = tl_bpfrec_open(ns, TL_PORT, why, sizeof why);

	if (!r)
		tl_say(c, "  (tcp_probe recorder off: %s; TCP_INFO only)", why);
	tl_emit(c, "recorder", r ? json_pack("{s:s,s:b}", "name", "tcp_probe", "on", 1)
				 : json_pack("{s:s,s:b,s:s}", "name", "tcp_probe", "on", 0, "why", why));
	return r;
}

static void br_case(json_t *o, const char *label)
{
	if (o && label)
		json_object_set_new(o, "case", json_string(label));
}

void tl_bpfrec_report(const struct tl_ctx *c, struct tl_bpfrec *r, int64_t t0_us,
		      const char *label)
{
	if (!r)
		return;
	tl_bpfrec_stop(r);
	uint32_t cmax = 0;
	size_t nrtx = tl_bpfrec_count_rtx(r->evs, r->nevs);
	char states[256] = "";
	size_t used = 0, nstates = 0;

	for (size_t i = 0; i < r->nprobes; i++) {
		const struct tl_probe *p = &r->probes[i];
		json_t *o = json_pack("{s:f,s:I,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i,s:s,s:I,s:I}",
				      "t_s", (double)(p->s.t_us - t0_us) / 1e6, "cookie",
				      (json_int_t)p->cookie, "sport", (int)p->sport, "cwnd",
				      (json_int_t)p->s.cwnd, "ssthresh", (json_int_t)p->s.ssthresh,
				      "srtt_us", (json_int_t)p->s.srtt_us, "snd_una",
				      (json_int_t)p->snd_una, "snd_nxt", (json_int_t)p->snd_nxt,
				      "snd_wnd", (json_int_t)p->s.snd_wnd, "rcv_wnd",
				      (json_int_t)p->rcv_wnd, "mss", (json_int_t)p->s.snd_mss,
				      "unacked", (int)p->s.unacked, "ca_state",
				      tl_ca_name(p->s.ca_state), "data_len", (json_int_t)p->data_len,
				      "total_retrans", (json_int_t)p->s.total_retrans);

		if (p->s.cwnd > cmax)
			cmax = p->s.cwnd;
		br_case(o, label);
		tl_emit(c, "tcp_probe", o);
	}
	for (size_t i = 0; i < r->nevs; i++) {
		const struct tl_kev *e = &r->evs[i];
		double t = (double)(e->t_us - t0_us) / 1e6;
		json_t *o;

		if (e->kind == TL_KEV_CONG_STATE) {
			o = json_pack("{s:f,s:I,s:s,s:s,s:I,s:I}", "t_s", t, "cookie",
				      (json_int_t)e->cookie, "from", tl_ca_name(e->from), "to",
				      tl_ca_name(e->to), "cwnd", (json_int_t)e->cwnd, "ssthresh",
				      (json_int_t)e->ssthresh);
			if (nstates++ < 6 && used < sizeof states)
				used += (size_t)snprintf(states + used, sizeof states - used,
							 "%s%s→%s %.3f s", nstates > 1 ? ", " : "",
							 tl_ca_name(e->from), tl_ca_name(e->to), t);
			br_case(o, label);
			tl_emit(c, "cong_state", o);
		} else {
			o = json_pack("{s:f,s:I,s:I,s:I,s:s,s:I,s:I}", "t_s", t, "cookie",
				      (json_int_t)e->cookie, "seq", (json_int_t)e->seq, "len",
				      (json_int_t)e->len, "ca_state", tl_ca_name(e->ca_state), "cwnd",
				      (json_int_t)e->cwnd, "ssthresh", (json_int_t)e->ssthresh);
			br_case(o, label);
			tl_emit(c, "retransmit", o);
		}
	}
	if (nstates > 6 && used < sizeof states)
		snprintf(states + used, sizeof states - used, ", … (%zu in all)", nstates);
	tl_say(c, "  %s%stcp_probe (eBPF, one sample per ACK): %zu samples, cwnd %u → %u (max %u); "
		  "%zu retransmission%s (tcp_retransmit_skb); congestion states "
		  "(tcp_cong_state_set): %s%s",
	       label ? label : "", label ? ": " : "", r->nprobes,
	       r->nprobes ? r->probes[0].s.cwnd : 0, r->nprobes ? r->probes[r->nprobes - 1].s.cwnd : 0,
	       cmax, nrtx, nrtx == 1 ? "" : "s", nstates ? states : "none",
	       r->lost ? " — some records were lost (the ring was full)" : "");
	if (r->lost)
		tl_emit(c, "recorder_lost", json_pack("{s:s,s:I}", "name", "tcp_probe", "lost",
						      (json_int_t)r->lost));
}
