/* ss's -o, -e, -m and -i words, in ss's order and spelling (iproute2
 * misc/ss.c: tcp_timer_print, sock_details_print, print_skmeminfo,
 * tcp_stats_print), and their JSON. */
#include "sockets/details.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "core/jsontext.h"

/* TCPI_OPT_* (linux/tcp.h). */
#define SOCKETS_TCPI_TS 1
#define SOCKETS_TCPI_SACK 2
#define SOCKETS_TCPI_WSCALE 4
#define SOCKETS_TCPI_ECN 8
#define SOCKETS_TCPI_ECN_SEEN 16
#define SOCKETS_TCPI_SYN_DATA 32

/* A text being appended to; it stops growing when full. */
struct det_buf {
	char *p;
	size_t n, at;
};

__attribute__((format(printf, 2, 3))) static void det_add(struct det_buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->at >= b->n)
		return;
	va_start(ap, fmt);
	int w = vsnprintf(b->p + b->at, b->n - b->at, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->at = b->at + (size_t)w < b->n ? b->at + (size_t)w : b->n - 1;
}

const char *sockets_format_ms_timer(uint32_t ms, char *buf, size_t n)
{
	struct det_buf b = { buf, n, 0 };
	uint32_t secs = ms / 1000, minutes = secs / 60, msecs = ms % 1000;

	secs %= 60;
	buf[0] = '\0';
	if (minutes) {
		msecs = 0;
		det_add(&b, "%" PRIu32 "min", minutes);
		if (minutes > 9)
			secs = 0;
	}
	if (secs) {
		if (secs > 9)
			msecs = 0;
		det_add(&b, "%" PRIu32 "%s", secs, msecs ? "." : "sec");
	}
	/* iproute2 since 6.9 says "9.501sec", not "9.501ms", for 9.501 s. */
	if (msecs)
		det_add(&b, "%03" PRIu32 "%s", msecs, secs ? "sec" : "ms");
	return buf;
}

const char *sockets_timer_name(uint8_t timer)
{
	static const char *const names[] = { "off", "on", "keepalive", "timewait", "persist" };

	return timer < 5 ? names[timer] : "unknown";
}

static void det_skmem(struct det_buf *b, const struct sockets_entry *e)
{
	const uint32_t *m = e->skmem;

	if (e->nskmem < 7)
		return;
	det_add(b, " skmem:(r%" PRIu32 ",rb%" PRIu32 ",t%" PRIu32 ",tb%" PRIu32 ",f%" PRIu32
		   ",w%" PRIu32 ",o%" PRIu32, m[0], m[1], m[2], m[3], m[4], m[5], m[6]);
	if (e->nskmem > 7)
		det_add(b, ",bl%" PRIu32, m[7]);
	if (e->nskmem > 8)
		det_add(b, ",d%" PRIu32, m[8]);
	det_add(b, ")");
}

const char *sockets_format_inline(const struct sockets_entry *e,
				  const struct sockets_details_want *w, char *buf, size_t n)
{
	struct det_buf b = { buf, n, 0 };
	char t[32];

	buf[0] = '\0';
	if (w->timers && e->timer)
		det_add(&b, " timer:(%s,%s,%u)", sockets_timer_name(e->timer),
			sockets_format_ms_timer(e->expires, t, sizeof(t)), (unsigned)e->retrans);
	if (e->proto == SOCKETS_PROTO_UNIX) {
		/* ss's Unix words (unix_show_sock): memory on the line, then the
		 * shutdown state, the bound file and a listener's pending peers. */
		if (w->memory)
			det_skmem(&b, e);
		if (!w->extended)
			return buf;
		if (e->have_shutdown)
			det_add(&b, " %c-%c", e->shutdown & 1 ? '-' : '<', e->shutdown & 2 ? '-' : '>');
		if (e->have_vfs)
			det_add(&b, " ino:%" PRIu32 " dev:%u/%u", e->vfs_ino, major(e->vfs_dev),
				minor(e->vfs_dev));
		if (e->have_icons) {
			det_add(&b, " peers:");
			for (unsigned k = 0; k < e->nicons; k++)
				det_add(&b, " %" PRIu32, e->icons[k]);
			if (e->icons_more)
				det_add(&b, " ...(+%" PRIu32 " more)", e->icons_more);
		}
		return buf;
	}
	if (w->extended) {
		if (e->uid)
			det_add(&b, " uid:%" PRIu32, e->uid);
		det_add(&b, " ino:%" PRIu32 " sk:%" PRIx64, e->inode, e->cookie);
		if (e->family == AF_INET6)
			det_add(&b, " v6only:%u", e->v6only ? 1u : 0u);
		if (e->have_shutdown)
			det_add(&b, " %c-%c", e->shutdown & 1 ? '-' : '<', e->shutdown & 2 ? '-' : '>');
	}
	return buf;
}

/* ss -i's words (tcp_stats_print), with ss -n's numeric rates. */
static void det_tcpinfo(struct det_buf *b, const struct sockets_entry *e, bool opts)
{
	const struct sockets_tcpinfo *i = &e->info;

	if (opts) {
		if (i->options & SOCKETS_TCPI_TS)
			det_add(b, " ts");
		if (i->options & SOCKETS_TCPI_SACK)
			det_add(b, " sack");
		if (i->options & SOCKETS_TCPI_ECN)
			det_add(b, " ecn");
		if (i->options & SOCKETS_TCPI_ECN_SEEN)
			det_add(b, " ecnseen");
		if (i->options & SOCKETS_TCPI_SYN_DATA)
			det_add(b, " fastopen");
	}
	if (e->cong[0])
		det_add(b, " %s", e->cong);
	if (i->options & SOCKETS_TCPI_WSCALE)
		det_add(b, " wscale:%u,%u", (unsigned)i->snd_wscale, (unsigned)i->rcv_wscale);
	if (i->rto && i->rto != 3000000)
		det_add(b, " rto:%g", (double)i->rto / 1000);
	if (i->backoff)
		det_add(b, " backoff:%u", (unsigned)i->backoff);
	if (i->rtt)
		det_add(b, " rtt:%g/%g", (double)i->rtt / 1000, (double)i->rttvar / 1000);
	if (i->ato)
		det_add(b, " ato:%g", (double)i->ato / 1000);
	if (i->snd_mss)
		det_add(b, " mss:%" PRIu32, i->snd_mss);
	if (i->pmtu)
		det_add(b, " pmtu:%" PRIu32, i->pmtu);
	if (i->rcv_mss)
		det_add(b, " rcvmss:%" PRIu32, i->rcv_mss);
	if (i->advmss)
		det_add(b, " advmss:%" PRIu32, i->advmss);
	if (i->snd_cwnd)
		det_add(b, " cwnd:%" PRIu32, i->snd_cwnd);
	if (i->snd_ssthresh && i->snd_ssthresh < 0xffff)
		det_add(b, " ssthresh:%" PRIu32, i->snd_ssthresh);
	if (i->bytes_sent)
		det_add(b, " bytes_sent:%" PRIu64, i->bytes_sent);
	if (i->bytes_retrans)
		det_add(b, " bytes_retrans:%" PRIu64, i->bytes_retrans);
	if (i->bytes_acked)
		det_add(b, " bytes_acked:%" PRIu64, i->bytes_acked);
	if (i->bytes_received)
		det_add(b, " bytes_received:%" PRIu64, i->bytes_received);
	if (i->segs_out)
		det_add(b, " segs_out:%" PRIu32, i->segs_out);
	if (i->segs_in)
		det_add(b, " segs_in:%" PRIu32, i->segs_in);
	if (i->data_segs_out)
		det_add(b, " data_segs_out:%" PRIu32, i->data_segs_out);
	if (i->data_segs_in)
		det_add(b, " data_segs_in:%" PRIu32, i->data_segs_in);
	if (i->have_bbr) {
		det_add(b, " bbr:(bw:%.0fbps,mrtt:%g", (double)i->bbr_bw * 8.0,
			(double)i->bbr_min_rtt / 1000.0);
		if (i->bbr_pacing_gain)
			det_add(b, ",pacing_gain:%g", (double)i->bbr_pacing_gain / 256.0);
		if (i->bbr_cwnd_gain)
			det_add(b, ",cwnd_gain:%g", (double)i->bbr_cwnd_gain / 256.0);
		det_add(b, ")");
	}
	if (i->rtt && i->snd_mss && i->snd_cwnd)
		det_add(b, " send %.0fbps",
			(double)i->snd_cwnd * (double)i->snd_mss * 8000000. / (double)i->rtt);
	if (i->last_data_sent)
		det_add(b, " lastsnd:%" PRIu32, i->last_data_sent);
	if (i->last_data_recv)
		det_add(b, " lastrcv:%" PRIu32, i->last_data_recv);
	if (i->last_ack_recv)
		det_add(b, " lastack:%" PRIu32, i->last_ack_recv);
	if (i->pacing_rate && i->pacing_rate != UINT64_MAX) {
		det_add(b, " pacing_rate %.0fbps", (double)i->pacing_rate * 8.);
		if (i->max_pacing_rate && i->max_pacing_rate != UINT64_MAX)
			det_add(b, "/%.0fbps", (double)i->max_pacing_rate * 8.);
	}
	if (i->delivery_rate)
		det_add(b, " delivery_rate %.0fbps", (double)i->delivery_rate * 8.);
	if (i->delivered)
		det_add(b, " delivered:%" PRIu32, i->delivered);
	if (i->delivered_ce)
		det_add(b, " delivered_ce:%" PRIu32, i->delivered_ce);
	if (i->delivery_rate_app_limited)
		det_add(b, " app_limited");
	if (i->busy_time) {
		det_add(b, " busy:%" PRIu64 "ms", i->busy_time / 1000);
		if (i->rwnd_limited)
			det_add(b, " rwnd_limited:%" PRIu64 "ms(%.1f%%)", i->rwnd_limited / 1000,
				100.0 * (double)i->rwnd_limited / (double)i->busy_time);
		if (i->sndbuf_limited)
			det_add(b, " sndbuf_limited:%" PRIu64 "ms(%.1f%%)", i->sndbuf_limited / 1000,
				100.0 * (double)i->sndbuf_limited / (double)i->busy_time);
	}
	if (i->unacked)
		det_add(b, " unacked:%" PRIu32, i->unacked);
	if (i->retrans || i->total_retrans)
		det_add(b, " retrans:%" PRIu32 "/%" PRIu32, i->retrans, i->total_retrans);
	if (i->lost)
		det_add(b, " lost:%" PRIu32, i->lost);
	if (i->sacked && e->state != SOCKETS_ST_LISTEN)
		det_add(b, " sacked:%" PRIu32, i->sacked);
	if (i->dsack_dups)
		det_add(b, " dsack_dups:%" PRIu32, i->dsack_dups);
	if (i->fackets)
		det_add(b, " fackets:%" PRIu32, i->fackets);
	if (i->reordering != 3)
		det_add(b, " reordering:%" PRIu32, i->reordering);
	if (i->reord_seen)
		det_add(b, " reord_seen:%" PRIu32, i->reord_seen);
	if (i->rcv_rtt)
		det_add(b, " rcv_rtt:%g", (double)i->rcv_rtt / 1000);
	if (i->rcv_space)
		det_add(b, " rcv_space:%" PRIu32, i->rcv_space);
	if (i->rcv_ssthresh)
		det_add(b, " rcv_ssthresh:%" PRIu32, i->rcv_ssthresh);
	if (i->notsent_bytes)
		det_add(b, " notsent:%" PRIu32, i->notsent_bytes);
	if (i->min_rtt && i->min_rtt != UINT32_MAX)
		det_add(b, " minrtt:%g", (double)i->min_rtt / 1000);
	if (i->rcv_ooopack)
		det_add(b, " rcv_ooopack:%" PRIu32, i->rcv_ooopack);
	if (i->snd_wnd)
		det_add(b, " snd_wnd:%" PRIu32, i->snd_wnd);
}

const char *sockets_format_more(const struct sockets_entry *e,
				const struct sockets_details_want *w, char *buf, size_t n)
{
	struct det_buf b = { buf, n, 0 };

	buf[0] = '\0';
	if (e->proto == SOCKETS_PROTO_UNIX)
		return buf; /* on the socket's line (sockets_format_inline) */
	if (w->memory)
		det_skmem(&b, e);
	if (w->info && e->have_info)
		det_tcpinfo(&b, e, w->timers);
	return buf;
}

/* ---- JSON ---- */

static int det_set(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new(o, key, v) : -1;
}

static json_t *det_skmem_json(const struct sockets_entry *e)
{
	static const char *const names[SOCKETS_SKMEM_N] = { "r", "rb", "t", "tb", "f",
							    "w", "o", "bl", "d" };
	json_t *m = json_object();

	for (unsigned k = 0; m && k < e->nskmem; k++)
		if (det_set(m, names[k], json_integer(e->skmem[k])) < 0) {
			json_decref(m);
			return NULL;
		}
	return m;
}

#define DET_INT(k, v) ok &= det_set(t, k, json_integer((json_int_t)(v))) == 0
#define DET_REAL(k, v) ok &= det_set(t, k, json_real(v)) == 0
#define DET_BOOL(k, v) ok &= det_set(t, k, json_boolean(v)) == 0

/* ss -i's facts under ss's names; times in ms (as ss prints them), rates
 * in bits per second. */
static json_t *det_tcpinfo_json(const struct sockets_entry *e)
{
	const struct sockets_tcpinfo *i = &e->info;
	json_t *t = json_object();
	bool ok = t != NULL;

	if (!ok)
		return NULL;
	DET_BOOL("ts", i->options & SOCKETS_TCPI_TS);
	DET_BOOL("sack", i->options & SOCKETS_TCPI_SACK);
	DET_BOOL("ecn", i->options & SOCKETS_TCPI_ECN);
	DET_BOOL("ecnseen", i->options & SOCKETS_TCPI_ECN_SEEN);
	DET_INT("snd_wscale", i->snd_wscale);
	DET_INT("rcv_wscale", i->rcv_wscale);
	DET_REAL("rto_ms", (double)i->rto / 1000);
	DET_INT("backoff", i->backoff);
	DET_REAL("rtt_ms", (double)i->rtt / 1000);
	DET_REAL("rttvar_ms", (double)i->rttvar / 1000);
	DET_REAL("ato_ms", (double)i->ato / 1000);
	DET_INT("mss", i->snd_mss);
	DET_INT("pmtu", i->pmtu);
	DET_INT("rcvmss", i->rcv_mss);
	DET_INT("advmss", i->advmss);
	DET_INT("cwnd", i->snd_cwnd);
	DET_INT("ssthresh", i->snd_ssthresh);
	DET_INT("bytes_sent", i->bytes_sent);
	DET_INT("bytes_retrans", i->bytes_retrans);
	DET_INT("bytes_acked", i->bytes_acked);
	DET_INT("bytes_received", i->bytes_received);
	DET_INT("segs_out", i->segs_out);
	DET_INT("segs_in", i->segs_in);
	DET_INT("data_segs_out", i->data_segs_out);
	DET_INT("data_segs_in", i->data_segs_in);
	DET_INT("send_bps", i->rtt ? (double)i->snd_cwnd * (double)i->snd_mss * 8000000. /
					       (double)i->rtt
				   : 0);
	DET_INT("lastsnd_ms", i->last_data_sent);
	DET_INT("lastrcv_ms", i->last_data_recv);
	DET_INT("lastack_ms", i->last_ack_recv);
	DET_INT("pacing_rate_bps", i->pacing_rate == UINT64_MAX ? 0 : i->pacing_rate * 8);
	DET_INT("delivery_rate_bps", i->delivery_rate * 8);
	DET_INT("delivered", i->delivered);
	DET_BOOL("app_limited", i->delivery_rate_app_limited);
	DET_INT("busy_ms", i->busy_time / 1000);
	DET_INT("unacked", i->unacked);
	DET_INT("retrans", i->retrans);
	DET_INT("retrans_total", i->total_retrans);
	DET_INT("lost", i->lost);
	DET_INT("reordering", i->reordering);
	DET_REAL("rcv_rtt_ms", (double)i->rcv_rtt / 1000);
	DET_INT("rcv_space", i->rcv_space);
	DET_INT("rcv_ssthresh", i->rcv_ssthresh);
	DET_INT("notsent", i->notsent_bytes);
	DET_REAL("minrtt_ms", i->min_rtt == UINT32_MAX ? 0.0 : (double)i->min_rtt / 1000);
	DET_INT("snd_wnd", i->snd_wnd);
	if (i->have_bbr)
		ok &= det_set(t, "bbr", json_pack("{s:I,s:f,s:f,s:f}", "bw_bps",
						  (json_int_t)(i->bbr_bw * 8), "mrtt_ms",
						  (double)i->bbr_min_rtt / 1000.0, "pacing_gain",
						  (double)i->bbr_pacing_gain / 256.0, "cwnd_gain",
						  (double)i->bbr_cwnd_gain / 256.0)) == 0;
	if (!ok) {
		json_decref(t);
		return NULL;
	}
	return t;
}

int sockets_details_json(json_t *o, const struct sockets_entry *e,
			 const struct sockets_details_want *w)
{
	if (w->timers) {
		json_t *t = e->timer ? json_pack("{s:s,s:I,s:i}", "name",
						 sockets_timer_name(e->timer), "expires_ms",
						 (json_int_t)e->expires, "retrans", (int)e->retrans)
				     : json_null();
		if (det_set(o, "timer", t) < 0)
			return -1;
	}
	if (w->extended) {
		char cookie[24];
		snprintf(cookie, sizeof(cookie), "%" PRIx64, e->cookie);
		if (det_set(o, "cookie", json_string(cookie)) < 0 ||
		    det_set(o, "shutdown", e->have_shutdown ? json_integer(e->shutdown)
							    : json_null()) < 0)
			return -1;
		if (e->family == AF_INET6 && det_set(o, "v6only", json_boolean(e->v6only)) < 0)
			return -1;
		if (e->have_vfs &&
		    det_set(o, "vfs", json_pack("{s:I,s:i,s:i}", "ino", (json_int_t)e->vfs_ino,
						"dev_major", (int)major(e->vfs_dev), "dev_minor",
						(int)minor(e->vfs_dev))) < 0)
			return -1;
		if (e->have_icons) {
			json_t *peers = json_array();
			for (unsigned k = 0; peers && k < e->nicons; k++)
				json_array_append_new(peers, json_integer(e->icons[k]));
			if (det_set(o, "pending_peers", peers) < 0)
				return -1;
		}
	}
	if (w->memory && det_set(o, "skmem", e->nskmem ? det_skmem_json(e) : json_null()) < 0)
		return -1;
	if (w->info && e->proto != SOCKETS_PROTO_UNIX) {
		if (det_set(o, "tcp_info", e->have_info ? det_tcpinfo_json(e) : json_null()) < 0 ||
		    det_set(o, "cong", e->cong[0] ? jsontext_str(e->cong) : json_null()) < 0)
			return -1;
	}
	return 0;
}
