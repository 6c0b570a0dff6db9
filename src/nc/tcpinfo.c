/* TCP_INFO into JSON. linux/tcp.h, not glibc's netinet/tcp.h: glibc's copy
 * of struct tcp_info stops before the delivery rate and the byte counts. The
 * kernel fills as much of the struct as it knows and says how much (len), so
 * every field past the oldest ones is checked against that length. */
#include "nc/tcpinfo.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

/* ss's names (include/net/tcp_states.h order), but CLOSE where ss says
 * UNCONN: a TCP socket at the end of its session is closed, not unconnected. */
static const char *const nc_tcpinfo_states[] = {
	[1] = "ESTAB", [2] = "SYN-SENT", [3] = "SYN-RECV", [4] = "FIN-WAIT-1",
	[5] = "FIN-WAIT-2", [6] = "TIME-WAIT", [7] = "CLOSE", [8] = "CLOSE-WAIT",
	[9] = "LAST-ACK", [10] = "LISTEN", [11] = "CLOSING", [12] = "SYN-RECV",
};

/* TCP_INFINITE_SSTHRESH: no slow-start threshold yet (ss leaves it out). */
#define NC_TCPINFO_SSTHRESH_INF 0x7fffffffu

const char *nc_tcpinfo_state_name(unsigned state)
{
	if (state < sizeof(nc_tcpinfo_states) / sizeof(nc_tcpinfo_states[0]) &&
	    nc_tcpinfo_states[state])
		return nc_tcpinfo_states[state];
	return "UNKNOWN";
}

/* The kernel filled the field f of ti (len bytes of it). */
#define HAS(len, f) ((len) >= offsetof(struct tcp_info, f) + sizeof(((struct tcp_info *)0)->f))

static void nc_tcpinfo_int(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

static void nc_tcpinfo_ms(json_t *o, const char *key, uint32_t us)
{
	json_object_set_new(o, key, json_real((double)us / 1000.0));
}

json_t *nc_tcpinfo_json(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	json_t *o;

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 || len == 0)
		return json_null();
	o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "state", json_string(nc_tcpinfo_state_name(ti.tcpi_state)));
	nc_tcpinfo_ms(o, "rtt_ms", ti.tcpi_rtt);
	nc_tcpinfo_ms(o, "rttvar_ms", ti.tcpi_rttvar);
	if (HAS(len, tcpi_min_rtt))
		nc_tcpinfo_ms(o, "min_rtt_ms", ti.tcpi_min_rtt);
	nc_tcpinfo_ms(o, "rto_ms", ti.tcpi_rto);
	/* retransmits: unrecovered ones now; total_retrans: over the life */
	nc_tcpinfo_int(o, "retransmits", ti.tcpi_retransmits);
	nc_tcpinfo_int(o, "total_retrans", ti.tcpi_total_retrans);
	nc_tcpinfo_int(o, "lost", ti.tcpi_lost);
	nc_tcpinfo_int(o, "cwnd", ti.tcpi_snd_cwnd);
	if (ti.tcpi_snd_ssthresh >= NC_TCPINFO_SSTHRESH_INF)
		json_object_set_new(o, "ssthresh", json_null());
	else
		nc_tcpinfo_int(o, "ssthresh", ti.tcpi_snd_ssthresh);
	nc_tcpinfo_int(o, "mss", ti.tcpi_snd_mss);
	nc_tcpinfo_int(o, "rcv_mss", ti.tcpi_rcv_mss);
	nc_tcpinfo_int(o, "advmss", ti.tcpi_advmss);
	nc_tcpinfo_int(o, "pmtu", ti.tcpi_pmtu);
	nc_tcpinfo_int(o, "rcv_space", ti.tcpi_rcv_space);
	if (HAS(len, tcpi_pacing_rate))
		nc_tcpinfo_int(o, "pacing_rate", ti.tcpi_pacing_rate);
	if (HAS(len, tcpi_bytes_acked))
		nc_tcpinfo_int(o, "bytes_acked", ti.tcpi_bytes_acked);
	if (HAS(len, tcpi_bytes_received))
		nc_tcpinfo_int(o, "bytes_received", ti.tcpi_bytes_received);
	if (HAS(len, tcpi_segs_in)) {
		nc_tcpinfo_int(o, "segs_out", ti.tcpi_segs_out);
		nc_tcpinfo_int(o, "segs_in", ti.tcpi_segs_in);
	}
	if (HAS(len, tcpi_data_segs_out)) {
		nc_tcpinfo_int(o, "data_segs_out", ti.tcpi_data_segs_out);
		nc_tcpinfo_int(o, "data_segs_in", ti.tcpi_data_segs_in);
	}
	if (HAS(len, tcpi_delivery_rate)) {
		/* bytes per second, as ss -i's delivery_rate (there in bits) */
		nc_tcpinfo_int(o, "delivery_rate", ti.tcpi_delivery_rate);
		json_object_set_new(o, "delivery_rate_app_limited",
				    json_boolean(ti.tcpi_delivery_rate_app_limited));
	}
	if (HAS(len, tcpi_busy_time))
		nc_tcpinfo_int(o, "busy_time_ms", ti.tcpi_busy_time / 1000);
	return o;
}
