/* The kernel's recorder (rec.h's second one): eBPF programs on the
 * tracepoints tcp:tcp_probe (one sample per ACK), tcp:tcp_cong_state_set
 * and tcp:tcp_retransmit_skb (bpf/probe.bpf.c), kept in the kernel to the
 * lab's sender, read from a ring buffer. Loaded by the lab's process
 * before the sender starts (root, a kernel with BTF); when it cannot be,
 * the scenario says why in one line and records with TCP_INFO only. */
#ifndef SOCKLAB_TCPLAB_REC_BPF_H
#define SOCKLAB_TCPLAB_REC_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcplab/rec.h"

struct tl_ctx;
struct probe_rec;

/* One tcp_probe sample: the fields TCP_INFO has too in s (cwnd, ssthresh,
 * srtt_us, rttvar_us, unacked = packets_out, retrans, lost, sacked,
 * total_retrans, snd_mss, ca_state, snd_wnd; rto, delivery rate and bytes
 * acked stay 0), and what only the tracepoint has. */
struct tl_probe {
	struct tl_sample s;
	uint32_t snd_una, snd_nxt;
	uint32_t rcv_wnd;
	uint32_t data_len;          /* payload of the segment that came in */
	uint16_t sport, dport;
	uint64_t cookie;
};

enum tl_kev_kind { TL_KEV_CONG_STATE, TL_KEV_RETRANSMIT };

/* A congestion-state change or a retransmission. */
struct tl_kev {
	int64_t t_us;               /* CLOCK_MONOTONIC */
	enum tl_kev_kind kind;
	uint8_t from, to;           /* cong_state: TCP_CA_* */
	uint32_t seq, len;          /* retransmit: the segment (len: end_seq - seq) */
	uint8_t ca_state;           /* retransmit: the state it went out in */
	uint32_t cwnd, ssthresh;    /* at the tracepoint */
	uint64_t cookie;
};

struct tl_bpfrec {
	struct probe *skel;
	struct ring_buffer *rb;
	struct tl_probe *probes;
	size_t nprobes, capprobes;
	struct tl_kev *evs;
	size_t nevs, capevs;
	uint64_t lost;              /* records the ring had no room for */
};

/* --- pure: records to samples and events (rec_bpfconv.c) --- */

/* A record of kind PROBE_SAMPLE into *out; false for another kind. */
bool tl_bpfrec_to_probe(const struct probe_rec *r, struct tl_probe *out);
/* A record of kind PROBE_CONG_STATE or PROBE_RETRANSMIT into *out; false
 * for another kind. */
bool tl_bpfrec_to_kev(const struct probe_rec *r, struct tl_kev *out);
/* The first cong_state event into state `to` at or after t_us; NULL. */
const struct tl_kev *tl_bpfrec_state(const struct tl_kev *v, size_t n, unsigned to,
				     int64_t t_us);
/* Retransmit events in v[0..n). */
size_t tl_bpfrec_count_rtx(const struct tl_kev *v, size_t n);

/* --- the recorder (rec_bpf.c) --- */

/* Loads and attaches the programs for the sender in namespace ns
 * (/run/netns/NAME) talking to port dport. NULL with the reason in why:
 * not root, SOCKLAB_TCPLAB_BPF=0, the kernel refused. */
struct tl_bpfrec *tl_bpfrec_open(const char *ns, uint16_t dport, char *why, size_t n);
/* Reads what the ring holds. Stop, after the run: detaches first, so
 * nothing comes after, then reads the rest and sorts the samples and
 * events in time order; again is harmless. */
void tl_bpfrec_drain(struct tl_bpfrec *r);
void tl_bpfrec_stop(struct tl_bpfrec *r);
void tl_bpfrec_close(struct tl_bpfrec *r);

/* --- in a scenario --- */

/* tl_bpfrec_open for the lab's sender; NULL after one line saying why
 * (and a "recorder" JSON object either way). */
struct tl_bpfrec *tl_bpfrec_start(const struct tl_ctx *c, const char *ns);
/* Stops r, then says what it recorded in one line and emits each sample
 * ("tcp_probe") and event ("cong_state", "retransmit") with t_s from t0_us;
 * label (NULL: none) goes into each as "case". Nothing for NULL. */
void tl_bpfrec_report(const struct tl_ctx *c, struct tl_bpfrec *r, int64_t t0_us,
		      const char *label);

#endif
