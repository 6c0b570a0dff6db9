/* sock_diag bytes <-> structs. The reply parser never casts the buffer to a
 * kernel struct: it reads field by field through a cursor that fails when
 * short, with the field offsets checked against the kernel headers below. */
#include "sockets/diag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
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

size_t sockets_diag_request(uint8_t *buf, uint8_t family, uint8_t proto, uint32_t states,
			    uint32_t seq)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = seq;
	req.r.sdiag_family = family;
	req.r.sdiag_protocol = proto;
	req.r.idiag_states = states;
	memcpy(buf, &req, sizeof(req));
	return sizeof(req);
}

/* ---- the replies ---- */

/* The attributes after inet_diag_msg; only INET_DIAG_SKV6ONLY matters (ss
 * prints a dual-stack wildcard as "*"), but every length is checked. */
static int diag_parse_attrs(struct sockets_cursor *c, struct sockets_entry *e)
{
	while (c->len > 0) {
		struct sockets_cursor payload;
		uint16_t len, type;

		if (cur_u16(c, &len) < 0 || cur_u16(c, &type) < 0)
			return SOCKETS_DIAG_ETRUNC;
		if (len < SOCKETS_RTA_HDR_LEN)
			return SOCKETS_DIAG_EBADLEN;
		if (cur_split_aligned(c, len - SOCKETS_RTA_HDR_LEN, &payload) < 0)
			return SOCKETS_DIAG_ETRUNC;
		if ((type & NLA_TYPE_MASK) == INET_DIAG_SKV6ONLY) {
			uint8_t v;
			if (cur_u8(&payload, &v) < 0)
				return SOCKETS_DIAG_EBADLEN;
			e->v6only = v != 0;
		}
	}
	return 0;
}

static int diag_parse_socket(struct sockets_cursor *c, struct sockets_entry *e)
{
	uint8_t timer, retrans;
	uint32_t cookie[2], expires;

	memset(e, 0, sizeof(*e));
	if (c->len < SOCKETS_DIAG_MSG_LEN)
		return SOCKETS_DIAG_EBADLEN;
	if (cur_u8(c, &e->family) < 0 || cur_u8(c, &e->state) < 0 || cur_u8(c, &timer) < 0 ||
	    cur_u8(c, &retrans) < 0 || cur_be16(c, &e->local_port) < 0 ||
	    cur_be16(c, &e->peer_port) < 0 || cur_bytes(c, e->local_addr, 16) < 0 ||
	    cur_bytes(c, e->peer_addr, 16) < 0 || cur_u32(c, &e->ifindex) < 0 ||
	    cur_u32(c, &cookie[0]) < 0 || cur_u32(c, &cookie[1]) < 0 ||
	    cur_u32(c, &expires) < 0 || cur_u32(c, &e->recv_q) < 0 || cur_u32(c, &e->send_q) < 0 ||
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
