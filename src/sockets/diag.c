/* sock_diag bytes <-> structs. The reply parser never casts the buffer to a
 * kernel struct: it reads field by field through a cursor that fails when
 * short, with the field offsets checked against the kernel headers below. */
#include "sockets/diag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#define SOCKETS_NLHDR_LEN 16
#define SOCKETS_DIAG_MSG_LEN 72
#define SOCKETS_RTA_HDR_LEN 4

_Static_assert(sizeof(struct nlmsghdr) == SOCKETS_NLHDR_LEN, "nlmsghdr layout");
_Static_assert(sizeof(struct inet_diag_msg) == SOCKETS_DIAG_MSG_LEN, "inet_diag_msg layout");
_Static_assert(offsetof(struct inet_diag_msg, id.idiag_src) == 8, "inet_diag_msg layout");
_Static_assert(offsetof(struct inet_diag_msg, id.idiag_if) == 40, "inet_diag_msg layout");
_Static_assert(offsetof(struct inet_diag_msg, idiag_rqueue) == 56, "inet_diag_msg layout");
_Static_assert(offsetof(struct inet_diag_msg, idiag_inode) == 68, "inet_diag_msg layout");
_Static_assert(SOCKETS_NLHDR_LEN + sizeof(struct inet_diag_req_v2) == SOCKETS_DIAG_REQ_LEN,
	       "request layout");
_Static_assert(SOCKETS_NLHDR_LEN + sizeof(struct unix_diag_req) == SOCKETS_DIAG_UNIX_REQ_LEN,
	       "unix request layout");
_Static_assert(sizeof(struct unix_diag_msg) == 16, "unix_diag_msg layout");
_Static_assert(SK_MEMINFO_VARS >= SOCKETS_SKMEM_N, "SK_MEMINFO layout");

/* ---- the cursor: every read checks the length first ---- */

static int cur_bytes(struct sockets_cursor *c, void *dst, size_t n)
{
	if (c->len < n)
		return -1;
	if (dst)
		memcpy(dst, c->p, n);
	c->p += n;
	c->len -= n;
	return 0;
}

static int cur_u8(struct sockets_cursor *c, uint8_t *v)
{
	return cur_bytes(c, v, 1);
}

/* Netlink headers and diag counters are in host order. */
static int cur_u16(struct sockets_cursor *c, uint16_t *v)
{
	return cur_bytes(c, v, 2);
}

static int cur_u32(struct sockets_cursor *c, uint32_t *v)
{
	return cur_bytes(c, v, 4);
}

static int cur_be16(struct sockets_cursor *c, uint16_t *v)
{
	uint8_t b[2];

	if (cur_bytes(c, b, 2) < 0)
		return -1;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return 0;
}

/* Splits the next n bytes off c into sub; then skips to the next 4-byte
 * boundary (netlink and rtattr alignment), or to the end when the padding
 * of the last item is missing. */
static int cur_split_aligned(struct sockets_cursor *c, size_t n, struct sockets_cursor *sub)
{
	if (c->len < n)
		return -1;
	sub->p = c->p;
	sub->len = n;
	size_t step = (n + 3) & ~(size_t)3;
	if (step > c->len)
		step = c->len;
	c->p += step;
	c->len -= step;
	return 0;
}

/* ---- the request ---- */

/* The header of a sock_diag dump request of len bytes. */
static void diag_dump_header(struct nlmsghdr *nlh, size_t len, uint32_t seq)
{
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
}

size_t sockets_diag_request(uint8_t *buf, uint8_t family, uint8_t proto, uint32_t states,
			    uint8_t ext, uint32_t seq)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;

	memset(&req, 0, sizeof(req));
	diag_dump_header(&req.nlh, sizeof(req), seq);
	req.r.sdiag_family = family;
	req.r.sdiag_protocol = proto;
	req.r.idiag_states = states;
	req.r.idiag_ext = ext;
	memcpy(buf, &req, sizeof(req));
	return sizeof(req);
}

size_t sockets_diag_unix_request(uint8_t *buf, uint32_t states, bool meminfo, bool details,
				 uint32_t seq)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req;

	memset(&req, 0, sizeof(req));
	diag_dump_header(&req.nlh, sizeof(req), seq);
	req.r.sdiag_family = AF_UNIX;
	req.r.udiag_states = states;
	req.r.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID |
			   (meminfo ? UDIAG_SHOW_MEMINFO : 0) |
			   (details ? UDIAG_SHOW_VFS | UDIAG_SHOW_ICONS : 0);
	memcpy(buf, &req, sizeof(req));
	return sizeof(req);
}

uint8_t sockets_diag_ext(bool meminfo, bool info)
{
	uint8_t ext = 0;

	if (meminfo)
		ext |= 1u << (INET_DIAG_SKMEMINFO - 1);
	if (info)
		ext |= 1u << (INET_DIAG_INFO - 1) | 1u << (INET_DIAG_CONG - 1) |
		       1u << (INET_DIAG_VEGASINFO - 1); /* the kernel's ask for BBR's too */
	return ext;
}

/* ---- the replies ---- */

/* SK_MEMINFO_* values: as many as came, up to SOCKETS_SKMEM_N. */
static void diag_read_skmem(struct sockets_cursor *payload, struct sockets_entry *e)
{
	e->nskmem = 0;
	while (e->nskmem < SOCKETS_SKMEM_N && cur_u32(payload, &e->skmem[e->nskmem]) == 0)
		e->nskmem++;
}

/* struct tcp_info grows with kernels: a shorter one is zero-filled, a
 * longer one cut; copied into a local struct, never cast in place. */
static void diag_read_tcpinfo(const struct sockets_cursor *payload, struct sockets_tcpinfo *o)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, payload->p, payload->len < sizeof(ti) ? payload->len : sizeof(ti));
	o->options = ti.tcpi_options;
	o->snd_wscale = ti.tcpi_snd_wscale;
	o->rcv_wscale = ti.tcpi_rcv_wscale;
	o->backoff = ti.tcpi_backoff;
	o->delivery_rate_app_limited = ti.tcpi_delivery_rate_app_limited;
	o->rto = ti.tcpi_rto;
	o->ato = ti.tcpi_ato;
	o->snd_mss = ti.tcpi_snd_mss;
	o->rcv_mss = ti.tcpi_rcv_mss;
	o->unacked = ti.tcpi_unacked;
	o->sacked = ti.tcpi_sacked;
	o->lost = ti.tcpi_lost;
	o->retrans = ti.tcpi_retrans;
	o->fackets = ti.tcpi_fackets;
	o->last_data_sent = ti.tcpi_last_data_sent;
	o->last_data_recv = ti.tcpi_last_data_recv;
	o->last_ack_recv = ti.tcpi_last_ack_recv;
	o->pmtu = ti.tcpi_pmtu;
	o->rcv_ssthresh = ti.tcpi_rcv_ssthresh;
	o->rtt = ti.tcpi_rtt;
	o->rttvar = ti.tcpi_rttvar;
	o->snd_ssthresh = ti.tcpi_snd_ssthresh;
	o->snd_cwnd = ti.tcpi_snd_cwnd;
	o->advmss = ti.tcpi_advmss;
	o->reordering = ti.tcpi_reordering;
	o->rcv_rtt = ti.tcpi_rcv_rtt;
	o->rcv_space = ti.tcpi_rcv_space;
	o->total_retrans = ti.tcpi_total_retrans;
	o->pacing_rate = ti.tcpi_pacing_rate;
	o->max_pacing_rate = ti.tcpi_max_pacing_rate;
	o->bytes_acked = ti.tcpi_bytes_acked;
	o->bytes_received = ti.tcpi_bytes_received;
	o->segs_out = ti.tcpi_segs_out;
	o->segs_in = ti.tcpi_segs_in;
	o->notsent_bytes = ti.tcpi_notsent_bytes;
	o->min_rtt = ti.tcpi_min_rtt;
	o->data_segs_in = ti.tcpi_data_segs_in;
	o->data_segs_out = ti.tcpi_data_segs_out;
	o->delivery_rate = ti.tcpi_delivery_rate;
	o->busy_time = ti.tcpi_busy_time;
	o->rwnd_limited = ti.tcpi_rwnd_limited;
	o->sndbuf_limited = ti.tcpi_sndbuf_limited;
	o->delivered = ti.tcpi_delivered;
	o->delivered_ce = ti.tcpi_delivered_ce;
	o->bytes_sent = ti.tcpi_bytes_sent;
	o->bytes_retrans = ti.tcpi_bytes_retrans;
	o->dsack_dups = ti.tcpi_dsack_dups;
	o->reord_seen = ti.tcpi_reord_seen;
	o->rcv_ooopack = ti.tcpi_rcv_ooopack;
	o->snd_wnd = ti.tcpi_snd_wnd;
}

/* A string attribute into dst (cut to fit, NUL-ended). */
static void diag_read_str(const struct sockets_cursor *payload, char *dst, size_t n)
{
	size_t len = strnlen((const char *)payload->p, payload->len);

	if (len >= n)
		len = n - 1;
	memcpy(dst, payload->p, len);
	dst[len] = '\0';
}

/* The next netlink attribute of c: its type (flags masked off) and its
 * payload; 0, or SOCKETS_DIAG_ETRUNC / SOCKETS_DIAG_EBADLEN. */
static int diag_next_attr(struct sockets_cursor *c, uint16_t *type, struct sockets_cursor *payload)
{
	uint16_t len;

	if (cur_u16(c, &len) < 0 || cur_u16(c, type) < 0)
		return SOCKETS_DIAG_ETRUNC;
	if (len < SOCKETS_RTA_HDR_LEN)
		return SOCKETS_DIAG_EBADLEN;
	if (cur_split_aligned(c, len - SOCKETS_RTA_HDR_LEN, payload) < 0)
		return SOCKETS_DIAG_ETRUNC;
	*type &= NLA_TYPE_MASK;
	return 0;
}

/* The attributes after inet_diag_msg: v6only (ss prints a dual-stack
 * wildcard as "*"), shutdown, memory, TCP_INFO and the congestion control;
 * every length is checked. */
static int diag_parse_attrs(struct sockets_cursor *c, struct sockets_entry *e)
{
	while (c->len > 0) {
		struct sockets_cursor payload;
		uint16_t type;
		int rc = diag_next_attr(c, &type, &payload);

		if (rc < 0)
			return rc;
		switch (type) {
		case INET_DIAG_SKV6ONLY: {
			uint8_t v;
			if (cur_u8(&payload, &v) < 0)
				return SOCKETS_DIAG_EBADLEN;
			e->v6only = v != 0;
			break;
		}
		case INET_DIAG_SHUTDOWN:
			if (cur_u8(&payload, &e->shutdown) < 0)
				return SOCKETS_DIAG_EBADLEN;
			e->have_shutdown = true;
			break;
		case INET_DIAG_SKMEMINFO:
			diag_read_skmem(&payload, e);
			break;
		case INET_DIAG_INFO:
			diag_read_tcpinfo(&payload, &e->info);
			e->have_info = true;
			break;
		case INET_DIAG_CONG:
			diag_read_str(&payload, e->cong, sizeof(e->cong));
			break;
		case INET_DIAG_BBRINFO: {
			uint32_t lo, hi;
			if (cur_u32(&payload, &lo) < 0 || cur_u32(&payload, &hi) < 0 ||
			    cur_u32(&payload, &e->info.bbr_min_rtt) < 0 ||
			    cur_u32(&payload, &e->info.bbr_pacing_gain) < 0 ||
			    cur_u32(&payload, &e->info.bbr_cwnd_gain) < 0)
				return SOCKETS_DIAG_EBADLEN;
			e->info.bbr_bw = (uint64_t)hi << 32 | lo;
			e->info.have_bbr = true;
			break;
		}
		default:
			break;
		}
	}
	return 0;
}

/* unix_diag_msg and its attributes: name, peer, queues, uid, memory. */
static int diag_parse_unix(struct sockets_cursor *c, struct sockets_entry *e)
{
	uint8_t pad;
	uint32_t cookie[2];

	memset(e, 0, sizeof(*e));
	if (cur_u8(c, &e->family) < 0 || cur_u8(c, &e->sock_type) < 0 ||
	    cur_u8(c, &e->state) < 0 || cur_u8(c, &pad) < 0 || cur_u32(c, &e->inode) < 0 ||
	    cur_u32(c, &cookie[0]) < 0 || cur_u32(c, &cookie[1]) < 0)
		return SOCKETS_DIAG_EBADLEN;
	e->cookie = (uint64_t)cookie[1] << 32 | cookie[0];
	e->proto = SOCKETS_PROTO_UNIX;
	while (c->len > 0) {
		struct sockets_cursor payload;
		uint16_t type;
		int rc = diag_next_attr(c, &type, &payload);

		if (rc < 0)
			return rc;
		switch (type) {
		case UNIX_DIAG_NAME: {
			/* Abstract names start with a NUL byte; ss shows it as '@'. */
			size_t n = payload.len < SOCKETS_PATH_MAX - 1 ? payload.len
								      : SOCKETS_PATH_MAX - 1;
			memcpy(e->path, payload.p, n);
			if (n > 0 && e->path[0] == '\0')
				e->path[0] = '@';
			else
				n = strnlen(e->path, n); /* a path ends at its NUL */
			e->path[n] = '\0';
			e->path_len = (uint8_t)n;
			break;
		}
		case UNIX_DIAG_PEER:
			if (cur_u32(&payload, &e->peer_inode) < 0)
				return SOCKETS_DIAG_EBADLEN;
			break;
		case UNIX_DIAG_RQLEN:
			if (cur_u32(&payload, &e->recv_q) < 0 || cur_u32(&payload, &e->send_q) < 0)
				return SOCKETS_DIAG_EBADLEN;
			break;
		case UNIX_DIAG_UID:
			if (cur_u32(&payload, &e->uid) < 0)
				return SOCKETS_DIAG_EBADLEN;
			break;
		case UNIX_DIAG_MEMINFO:
			diag_read_skmem(&payload, e);
			break;
		case UNIX_DIAG_VFS:
			if (cur_u32(&payload, &e->vfs_ino) < 0 || cur_u32(&payload, &e->vfs_dev) < 0)
				return SOCKETS_DIAG_EBADLEN;
			e->have_vfs = true;
			break;
		case UNIX_DIAG_ICONS: {
			uint32_t ino;
			e->have_icons = true;
			while (cur_u32(&payload, &ino) == 0) {
				if (e->nicons < SOCKETS_ICONS_MAX)
					e->icons[e->nicons++] = ino;
				else
					e->icons_more++;
			}
			break;
		}
		case UNIX_DIAG_SHUTDOWN:
			if (cur_u8(&payload, &e->shutdown) < 0)
				return SOCKETS_DIAG_EBADLEN;
			e->have_shutdown = true;
			break;
		default:
			break;
		}
	}
	return 0;
}

static int diag_parse_socket(struct sockets_cursor *c, struct sockets_entry *e)
{
	uint32_t cookie[2];

	memset(e, 0, sizeof(*e));
	if (c->len >= 1 && c->p[0] == AF_UNIX)
		return diag_parse_unix(c, e);
	if (c->len < SOCKETS_DIAG_MSG_LEN)
		return SOCKETS_DIAG_EBADLEN;
	if (cur_u8(c, &e->family) < 0 || cur_u8(c, &e->state) < 0 || cur_u8(c, &e->timer) < 0 ||
	    cur_u8(c, &e->retrans) < 0 || cur_be16(c, &e->local_port) < 0 ||
	    cur_be16(c, &e->peer_port) < 0 || cur_bytes(c, e->local_addr, 16) < 0 ||
	    cur_bytes(c, e->peer_addr, 16) < 0 || cur_u32(c, &e->ifindex) < 0 ||
	    cur_u32(c, &cookie[0]) < 0 || cur_u32(c, &cookie[1]) < 0 ||
	    cur_u32(c, &e->expires) < 0 || cur_u32(c, &e->recv_q) < 0 || cur_u32(c, &e->send_q) < 0 ||
	    cur_u32(c, &e->uid) < 0 || cur_u32(c, &e->inode) < 0)
		return SOCKETS_DIAG_ETRUNC;
	if (e->family != AF_INET && e->family != AF_INET6)
		return SOCKETS_DIAG_EFAMILY;
	if (e->family == AF_INET) {
		/* The kernel leaves the rest of an IPv4 address zero; make sure. */
		memset(e->local_addr + 4, 0, 12);
		memset(e->peer_addr + 4, 0, 12);
	}
	e->cookie = (uint64_t)cookie[1] << 32 | cookie[0];
	return diag_parse_attrs(c, e);
}

/* NLMSG_ERROR and a failing NLMSG_DONE carry a negative errno first. */
static int diag_read_errno(struct sockets_cursor *c, int *out)
{
	uint32_t raw;

	if (cur_u32(c, &raw) < 0)
		return -1;
	int32_t v;
	memcpy(&v, &raw, sizeof(v));
	*out = v == INT32_MIN ? 0x7fffffff : (v < 0 ? -v : v);
	return 0;
}

int sockets_diag_next(struct sockets_cursor *c, uint32_t seq, struct sockets_diag_msg *out)
{
	struct sockets_cursor body;
	uint32_t len, mseq, mpid;
	uint16_t type, flags;

	if (c->len == 0)
		return 0;
	if (cur_u32(c, &len) < 0 || cur_u16(c, &type) < 0 || cur_u16(c, &flags) < 0 ||
	    cur_u32(c, &mseq) < 0 || cur_u32(c, &mpid) < 0)
		return SOCKETS_DIAG_ETRUNC;
	if (len < SOCKETS_NLHDR_LEN)
		return SOCKETS_DIAG_EBADLEN;
	if (cur_split_aligned(c, len - SOCKETS_NLHDR_LEN, &body) < 0)
		return SOCKETS_DIAG_ETRUNC;
	if (mseq != seq)
		return SOCKETS_DIAG_ESEQ;

	out->kind = SOCKETS_DIAG_OTHER;
	out->error = 0;
	switch (type) {
	case NLMSG_DONE:
		/* Its payload is the dump's status; very old kernels sent none. */
		if (body.len >= 4)
			diag_read_errno(&body, &out->error);
		out->kind = out->error ? SOCKETS_DIAG_ERROR : SOCKETS_DIAG_DONE;
		return 1;
	case NLMSG_ERROR:
		if (diag_read_errno(&body, &out->error) < 0)
			return SOCKETS_DIAG_EBADLEN;
		if (out->error != 0)
			out->kind = SOCKETS_DIAG_ERROR; /* error 0 is an ACK */
		return 1;
	case NLMSG_OVERRUN:
		return SOCKETS_DIAG_EOVERRUN;
	case SOCK_DIAG_BY_FAMILY: {
		int rc = diag_parse_socket(&body, &out->entry);
		if (rc < 0)
			return rc;
		out->kind = SOCKETS_DIAG_SOCKET;
		return 1;
	}
	default:
		return 1; /* NLMSG_NOOP and anything newer: nothing for us */
	}
}

int sockets_diag_feed(const uint8_t *buf, size_t len, uint32_t seq, uint8_t proto,
		      struct sockets_list *l, int *kernel_errno)
{
	struct sockets_cursor c = { buf, len };
	struct sockets_diag_msg m;
	int rc;

	while ((rc = sockets_diag_next(&c, seq, &m)) == 1) {
		switch (m.kind) {
		case SOCKETS_DIAG_SOCKET:
			if (m.entry.family != AF_UNIX)
				m.entry.proto = proto;
			if (sockets_list_push(l, &m.entry) < 0)
				return errno == E2BIG ? SOCKETS_DIAG_EFULL : SOCKETS_DIAG_ENOMEM;
			break;
		case SOCKETS_DIAG_DONE:
			return 1;
		case SOCKETS_DIAG_ERROR:
			*kernel_errno = m.error;
			return SOCKETS_DIAG_EKERNEL;
		case SOCKETS_DIAG_OTHER:
			break;
		}
	}
	return rc;
}

const char *sockets_diag_strerror(int err)
{
	switch (err) {
	case SOCKETS_DIAG_ETRUNC: return "truncated netlink message";
	case SOCKETS_DIAG_EBADLEN: return "netlink message with a bad length";
	case SOCKETS_DIAG_ESEQ: return "netlink reply to another request";
	case SOCKETS_DIAG_EFAMILY: return "sock_diag reply for an unexpected address family";
	case SOCKETS_DIAG_EOVERRUN: return "the kernel dropped netlink data (overrun)";
	case SOCKETS_DIAG_EKERNEL: return "the kernel refused the sock_diag request";
	case SOCKETS_DIAG_EFULL: return "too many sockets";
	case SOCKETS_DIAG_ENOMEM: return "out of memory";
	default: return "unknown sock_diag error";
	}
}
