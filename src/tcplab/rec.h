/* What the lab records of the sender's TCP state, as samples over time.
 * A recorder fills samples; this one polls getsockopt(TCP_INFO) at a fixed
 * interval. The second, the kernel's tcp:tcp_probe tracepoint (one sample
 * per ACK, from eBPF), fills the same struct tl_sample from a ring buffer
 * in the lab's own process: rec_bpf.h. */
#ifndef SOCKLAB_TCPLAB_REC_H
#define SOCKLAB_TCPLAB_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TL_SAMPLES_MAX 20000

struct tl_sample {
	int64_t t_us;               /* CLOCK_MONOTONIC */
	uint32_t cwnd, ssthresh;    /* segments */
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t unacked, retrans, lost, sacked;
	uint32_t total_retrans, snd_mss, ca_state;
	uint64_t delivery_rate;     /* bytes per second */
	uint64_t bytes_acked;
	uint32_t snd_wnd;           /* the peer's advertised window, bytes */
};

struct tl_samples {
	size_t n;
	struct tl_sample v[TL_SAMPLES_MAX];
};

/* A source of samples. */
struct tl_recorder {
	const char *name;           /* "tcp_info" */
	/* Takes one sample of socket fd at t_us into s; 0, or -1. */
	int (*sample)(int fd, int64_t t_us, struct tl_samples *s);
};

extern const struct tl_recorder tl_tcpinfo_recorder;

/* The congestion states of a sample's ca_state (TCP_INFO's tcpi_ca_state,
 * tcp_probe's and tcp_cong_state_set's: linux/tcp.h's enum tcp_ca_state). */
enum { TL_CA_OPEN, TL_CA_DISORDER, TL_CA_CWR, TL_CA_RECOVERY, TL_CA_LOSS, TL_CA_N };
/* "Open", "Disorder", "CWR", "Recovery", "Loss"; "?" past them. */
const char *tl_ca_name(uint32_t ca_state);

/* False when SOCKLAB_TCPLAB_OBSERVE=0, an internal switch for
 * bench/tcplab.sh's cost of observing: no TCP_INFO polling in the bulk
 * sender, no capture, no kernel recorder (the verdicts then fail). */
bool tl_observing(void);

/* One TCP_INFO reading into *out (the same fields); 0, or -1. */
int tl_tcpinfo_read(int fd, int64_t t_us, struct tl_sample *out);

#endif
