/* The TCP_INFO recorder (see rec.h). */
#include "tcplab/rec.h"

#include <netinet/in.h>
#include <linux/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int tl_tcpinfo_read(int fd, int64_t t_us, struct tl_sample *out)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -1;
	*out = (struct tl_sample){
		.t_us = t_us,
		.cwnd = ti.tcpi_snd_cwnd,
		.ssthresh = ti.tcpi_snd_ssthresh,
		.srtt_us = ti.tcpi_rtt,
		.rttvar_us = ti.tcpi_rttvar,
		.rto_us = ti.tcpi_rto,
		.unacked = ti.tcpi_unacked,
		.retrans = ti.tcpi_retrans,
		.lost = ti.tcpi_lost,
		.sacked = ti.tcpi_sacked,
		.total_retrans = ti.tcpi_total_retrans,
		.snd_mss = ti.tcpi_snd_mss,
		.ca_state = ti.tcpi_ca_state,
		.delivery_rate = ti.tcpi_delivery_rate,
		.bytes_acked = ti.tcpi_bytes_acked,
		.snd_wnd = ti.tcpi_snd_wnd,
	};
	return 0;
}

static int tcpinfo_sample(int fd, int64_t t_us, struct tl_samples *s)
{
	if (s->n >= TL_SAMPLES_MAX)
		return -1;
	if (tl_tcpinfo_read(fd, t_us, &s->v[s->n]) < 0)
		return -1;
	s->n++;
	return 0;
}

bool tl_observing(void)
{
	const char *env = getenv("SOCKLAB_TCPLAB_OBSERVE");

	return !(env && strcmp(env, "0") == 0);
}

const struct tl_recorder tl_tcpinfo_recorder = { .name = "tcp_info", .sample = tcpinfo_sample };

const char *tl_ca_name(uint32_t ca_state)
{
	static const char *const names[TL_CA_N] = { "Open", "Disorder", "CWR", "Recovery",
						    "Loss" };

	return ca_state < TL_CA_N ? names[ca_state] : "?";
}
