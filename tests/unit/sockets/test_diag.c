/* Unit tests for sockets/diag: the sock_diag reply parser on hand-built
 * netlink bytes (good, multipart, truncated, bad lengths, kernel errors) and
 * the dump request it sends. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockets/diag.h"

#define SEQ 7

/* A reply under construction: messages appended back to back, padded to 4. */
struct buf {
	uint8_t b[4096];
	size_t n;
};

static void put(struct buf *B, const void *p, size_t n)
{
	assert_true(B->n + n <= sizeof(B->b));
	memcpy(B->b + B->n, p, n);
	B->n += n;
}

static void put_u8(struct buf *B, uint8_t v) { put(B, &v, 1); }
static void put_u16(struct buf *B, uint16_t v) { put(B, &v, 2); }
static void put_u32(struct buf *B, uint32_t v) { put(B, &v, 4); }

static void put_be16(struct buf *B, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(B, b, 2);
}

static void pad(struct buf *B)
{
	while (B->n % 4)
		put_u8(B, 0);
}

/* Starts a message; returns the offset of its length field. */
static size_t msg_begin(struct buf *B, uint16_t type, uint32_t seq)
{
	size_t at = B->n;
	put_u32(B, 0);
	put_u16(B, type);
	put_u16(B, NLM_F_MULTI);
	put_u32(B, seq);
	put_u32(B, 4242);
	return at;
}

/* Sets the length (without the padding), then pads. */
static void msg_end(struct buf *B, size_t at)
{
	uint32_t len = (uint32_t)(B->n - at);
	memcpy(B->b + at, &len, 4);
	pad(B);
}

struct sock_spec {
	uint8_t family, state;
	const uint8_t *src, *dst; /* 4 or 16 bytes */
	uint16_t sport, dport;
	uint32_t ifindex, rq, wq, uid, inode;
	uint32_t cookie_lo, cookie_hi;
	int v6only; /* -1: no attribute */
};

static void put_socket(struct buf *B, const struct sock_spec *s)
{
	uint8_t addr[16];
	size_t at = msg_begin(B, SOCK_DIAG_BY_FAMILY, SEQ);
	size_t alen = s->family == AF_INET6 ? 16 : 4;

	put_u8(B, s->family);
	put_u8(B, s->state);
	put_u8(B, 0); /* timer */
	put_u8(B, 0); /* retrans */
	put_be16(B, s->sport);
	put_be16(B, s->dport);
	memset(addr, 0, sizeof(addr));
	memcpy(addr, s->src, alen);
	put(B, addr, 16);
	memset(addr, 0, sizeof(addr));
	memcpy(addr, s->dst, alen);
	put(B, addr, 16);
	put_u32(B, s->ifindex);
	put_u32(B, s->cookie_lo);
	put_u32(B, s->cookie_hi);
	put_u32(B, 0); /* expires */
	put_u32(B, s->rq);
	put_u32(B, s->wq);
	put_u32(B, s->uid);
	put_u32(B, s->inode);
	/* An attribute we ignore (unpadded 1-byte payload), then SKV6ONLY. */
	put_u16(B, 5);
	put_u16(B, INET_DIAG_SHUTDOWN);
	put_u8(B, 3);
	pad(B);
	if (s->v6only >= 0) {
		put_u16(B, 5);
		put_u16(B, INET_DIAG_SKV6ONLY);
		put_u8(B, (uint8_t)s->v6only);
		pad(B);
	}
	msg_end(B, at);
}

static void put_done(struct buf *B, int32_t status)
{
	size_t at = msg_begin(B, NLMSG_DONE, SEQ);
	put(B, &status, 4);
	msg_end(B, at);
}

static void put_error(struct buf *B, int32_t err)
{
	size_t at = msg_begin(B, NLMSG_ERROR, SEQ);
	struct nlmsghdr orig = { .nlmsg_len = 72, .nlmsg_type = SOCK_DIAG_BY_FAMILY };
	put(B, &err, 4);
	put(B, &orig, sizeof(orig));
	msg_end(B, at);
}

static const uint8_t lo4[4] = { 127, 0, 0, 1 };
static const uint8_t any4[4] = { 0, 0, 0, 0 };
static const uint8_t lo6[16] = { [15] = 1 };
static const uint8_t any6[16] = { 0 };

static const struct sock_spec listener4 = {
	.family = AF_INET, .state = 10, .src = lo4, .dst = any4, .sport = 8080, .dport = 0,
	.rq = 1, .wq = 128, .uid = 1000, .inode = 4711, .cookie_lo = 0x11, .cookie_hi = 0x22,
	.v6only = -1,
};
static const struct sock_spec udp6 = {
	.family = AF_INET6, .state = 7, .src = lo6, .dst = any6, .sport = 5353, .dport = 0,
	.ifindex = 1, .rq = 768, .wq = 0, .uid = 0, .inode = 99, .v6only = 1,
};

static int feed(const struct buf *B, size_t len, struct sockets_list *l, int *kerr)
{
	*kerr = 0;
	return sockets_diag_feed(B->b, len, SEQ, IPPROTO_TCP, l, kerr);
}

static void test_good_reply(void **state)
{
	struct buf B = { .n = 0 };
	struct sockets_list l = { 0 };
	int kerr;

	put_socket(&B, &listener4);
	put_socket(&B, &udp6);
	put_done(&B, 0);
	assert_int_equal(feed(&B, B.n, &l, &kerr), 1);
	assert_int_equal(l.n, 2);

	const struct sockets_entry *e = &l.v[0];
	assert_int_equal(e->proto, IPPROTO_TCP);
	assert_int_equal(e->family, AF_INET);
	assert_int_equal(e->state, 10);
	assert_int_equal(e->local_port, 8080);
	assert_int_equal(e->peer_port, 0);
	assert_memory_equal(e->local_addr, lo4, 4);
	assert_memory_equal(e->peer_addr, any4, 4);
	assert_int_equal(e->recv_q, 1);
	assert_int_equal(e->send_q, 128);
	assert_int_equal(e->uid, 1000);
	assert_int_equal(e->inode, 4711);
	assert_true(e->cookie == ((uint64_t)0x22 << 32 | 0x11));
	assert_false(e->v6only);
	assert_int_equal(e->nowners, 0);

	e = &l.v[1];
	assert_int_equal(e->family, AF_INET6);
	assert_int_equal(e->state, 7);
	assert_memory_equal(e->local_addr, lo6, 16);
	assert_int_equal(e->local_port, 5353);
	assert_int_equal(e->ifindex, 1);
	assert_int_equal(e->recv_q, 768);
	assert_true(e->v6only);
	sockets_list_free(&l);
}

/* A dump spread over datagrams: 0 until the one with NLMSG_DONE. */
static void test_multipart(void **state)
{
	struct buf a = { .n = 0 }, b = { .n = 0 }, c = { .n = 0 };
	struct sockets_list l = { 0 };
	int kerr;

	put_socket(&a, &listener4);
	put_socket(&a, &listener4);
	put_socket(&b, &udp6);
	put_done(&c, 0);
	assert_int_equal(feed(&a, a.n, &l, &kerr), 0);
	assert_int_equal(feed(&b, b.n, &l, &kerr), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(feed(&c, c.n, &l, &kerr), 1);
	assert_int_equal(l.n, 3);
	/* An empty datagram asks for more; a DONE without its status is
	 * accepted (older kernels), also without padding at the very end. */
	assert_int_equal(feed(&c, 0, &l, &kerr), 0);
	struct buf d = { .n = 0 };
	size_t at = msg_begin(&d, NLMSG_DONE, SEQ);
	msg_end(&d, at);
	assert_int_equal(feed(&d, d.n, &l, &kerr), 1);
	sockets_list_free(&l);
}

/* NOOP and ACK (an NLMSG_ERROR with error 0) are skipped. */
static void test_skips_noop_and_ack(void **state)
{
	struct buf B = { .n = 0 };
	struct sockets_list l = { 0 };
	int kerr;

	size_t at = msg_begin(&B, NLMSG_NOOP, SEQ);
	msg_end(&B, at);
	put_error(&B, 0);
	put_socket(&B, &udp6);
	put_done(&B, 0);
	assert_int_equal(feed(&B, B.n, &l, &kerr), 1);
	assert_int_equal(l.n, 1);
	sockets_list_free(&l);
}

static void test_kernel_errors(void **state)
{
	struct buf B = { .n = 0 }, D = { .n = 0 }, S = { .n = 0 };
	struct sockets_list l = { 0 };
	int kerr;

	put_error(&B, -ENOENT);
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_EKERNEL);
	assert_int_equal(kerr, ENOENT);

	put_socket(&D, &listener4);
	put_done(&D, -EINTR);
	assert_int_equal(feed(&D, D.n, &l, &kerr), SOCKETS_DIAG_EKERNEL);
	assert_int_equal(kerr, EINTR);

	/* An NLMSG_ERROR too short for its error code. */
	size_t at = msg_begin(&S, NLMSG_ERROR, SEQ);
	put_u16(&S, 0);
	msg_end(&S, at);
	assert_int_equal(feed(&S, S.n, &l, &kerr), SOCKETS_DIAG_EBADLEN);

	struct buf O = { .n = 0 };
	at = msg_begin(&O, NLMSG_OVERRUN, SEQ);
	msg_end(&O, at);
	assert_int_equal(feed(&O, O.n, &l, &kerr), SOCKETS_DIAG_EOVERRUN);
	sockets_list_free(&l);
}

static void set_len(struct buf *B, size_t at, uint32_t len)
{
	memcpy(B->b + at, &len, 4);
}

static void test_bad_lengths(void **state)
{
	struct buf B;
	struct sockets_list l = { 0 };
	int kerr;

	/* nlmsg_len below the header's own size. */
	B.n = 0;
	put_socket(&B, &listener4);
	set_len(&B, 0, 15);
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_EBADLEN);
	/* nlmsg_len past the end of the datagram. */
	set_len(&B, 0, (uint32_t)B.n + 4);
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_ETRUNC);
	set_len(&B, 0, UINT32_MAX);
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_ETRUNC);
	/* A body shorter than inet_diag_msg. */
	set_len(&B, 0, 16 + 71);
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_EBADLEN);
	/* An attribute whose length is below its header, or past the message. */
	B.n = 0;
	put_socket(&B, &listener4);
	uint16_t bad = 3;
	memcpy(B.b + 16 + 72, &bad, 2);
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_EBADLEN);
	bad = 200;
	memcpy(B.b + 16 + 72, &bad, 2);
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_ETRUNC);
	/* SKV6ONLY without its byte. */
	B.n = 0;
	put_socket(&B, &udp6);
	bad = 4;
	memcpy(B.b + 16 + 72 + 8, &bad, 2);
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_EBADLEN);
	assert_int_equal(l.n, 0);
	sockets_list_free(&l);
}

/* Every prefix of a good reply is an error value or "more", never a crash
 * or a read past the end (ASan watches), and never a socket too many. */
static void test_every_truncation(void **state)
{
	struct buf B = { .n = 0 };
	int kerr;

	put_socket(&B, &listener4);
	put_socket(&B, &udp6);
	put_done(&B, 0);
	for (size_t n = 0; n < B.n; n++) {
		struct sockets_list l = { 0 };
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
		memcpy(copy, B.b, n);
		int rc = sockets_diag_feed(copy, n, SEQ, IPPROTO_UDP, &l, &kerr);
		assert_true(rc <= 0);
		assert_true(l.n <= 2);
		free(copy);
		sockets_list_free(&l);
	}
}

static void test_wrong_seq_and_family(void **state)
{
	struct buf B = { .n = 0 };
	struct sockets_list l = { 0 };
	int kerr;

	put_socket(&B, &listener4);
	assert_int_equal(sockets_diag_feed(B.b, B.n, SEQ + 1, IPPROTO_TCP, &l, &kerr),
			 SOCKETS_DIAG_ESEQ);
	B.b[16] = AF_PACKET; /* AF_UNIX is a Unix socket now */
	assert_int_equal(feed(&B, B.n, &l, &kerr), SOCKETS_DIAG_EFAMILY);
	assert_int_equal(l.n, 0);
	sockets_list_free(&l);
}

/* The low-level reader hands out one message at a time. */
static void test_next(void **state)
{
	struct buf B = { .n = 0 };
	struct sockets_diag_msg m;

	put_socket(&B, &udp6);
	put_error(&B, -EPERM);
	struct sockets_cursor c = { B.b, B.n };
	assert_int_equal(sockets_diag_next(&c, SEQ, &m), 1);
	assert_int_equal(m.kind, SOCKETS_DIAG_SOCKET);
	assert_int_equal(m.entry.local_port, 5353);
	assert_int_equal(sockets_diag_next(&c, SEQ, &m), 1);
	assert_int_equal(m.kind, SOCKETS_DIAG_ERROR);
	assert_int_equal(m.error, EPERM);
	assert_int_equal(sockets_diag_next(&c, SEQ, &m), 0);
}

static void test_request_bytes(void **state)
{
	uint8_t req[SOCKETS_DIAG_REQ_LEN + 8];
	struct nlmsghdr h;
	struct inet_diag_req_v2 r;

	memset(req, 0xee, sizeof(req));
	size_t n = sockets_diag_request(req, AF_INET6, IPPROTO_UDP, SOCKETS_DIAG_STATES_ALL, 0, 99);
	assert_int_equal(n, SOCKETS_DIAG_REQ_LEN);
	assert_int_equal(req[n], 0xee); /* nothing written past it */
	memcpy(&h, req, sizeof(h));
	memcpy(&r, req + sizeof(h), sizeof(r));
	assert_int_equal(h.nlmsg_len, n);
	assert_int_equal(h.nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(h.nlmsg_seq, 99);
	assert_int_equal(r.sdiag_family, AF_INET6);
	assert_int_equal(r.sdiag_protocol, IPPROTO_UDP);
	assert_int_equal(r.idiag_states, 0xfff);
	assert_int_equal(r.idiag_ext, 0);
	assert_int_equal(SOCKETS_DIAG_STATES_LISTENING, (1 << 10) | (1 << 7));
}

static void test_strerror(void **state)
{
	for (int e = SOCKETS_DIAG_ENOMEM; e <= SOCKETS_DIAG_ETRUNC; e++)
		assert_string_not_equal(sockets_diag_strerror(e), "unknown sock_diag error");
	assert_string_equal(sockets_diag_strerror(-100), "unknown sock_diag error");
}

/* An attribute: header, payload, padding. */
static void put_attr(struct buf *B, uint16_t type, const void *p, size_t n)
{
	put_u16(B, (uint16_t)(4 + n));
	put_u16(B, type);
	put(B, p, n);
	pad(B);
}

/* A TCP socket with a timer and the -m and -i attributes. */
static size_t put_rich_socket(struct buf *B, size_t info_len)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	struct tcp_info ti;
	uint32_t skmem[9] = { 11, 131072, 33, 16384, 55, 66, 77, 88, 99 };
	uint32_t bbr[5] = { 1000, 0, 15, 739, 512 }; /* bw lo/hi, min_rtt, gains */
	size_t at = msg_begin(B, SOCK_DIAG_BY_FAMILY, SEQ);

	put_u8(B, AF_INET);
	put_u8(B, 1);  /* ESTABLISHED */
	put_u8(B, 2);  /* keepalive timer */
	put_u8(B, 3);  /* retrans */
	put_be16(B, 8080);
	put_be16(B, 40000);
	uint8_t addr[16] = { 0 };
	memcpy(addr, lo, 4);
	put(B, addr, 16);
	put(B, addr, 16);
	put_u32(B, 0);
	put_u32(B, 0x20ab4);
	put_u32(B, 0);
	put_u32(B, 7150000); /* expires: ms */
	put_u32(B, 0);
	put_u32(B, 0);
	put_u32(B, 1000);
	put_u32(B, 4242);
	put_attr(B, INET_DIAG_SKMEMINFO, skmem, sizeof(skmem));
	memset(&ti, 0, sizeof(ti));
	ti.tcpi_options = 1 | 2 | 4;
	ti.tcpi_snd_wscale = 7;
	ti.tcpi_rcv_wscale = 9;
	ti.tcpi_rto = 204000;
	ti.tcpi_rtt = 42;
	ti.tcpi_rttvar = 23;
	ti.tcpi_snd_mss = 32768;
	ti.tcpi_snd_cwnd = 10;
	ti.tcpi_snd_ssthresh = 0x7fffffff;
	ti.tcpi_total_retrans = 5;
	ti.tcpi_delivery_rate = 1000;
	ti.tcpi_snd_wnd = 65536;
	put_attr(B, INET_DIAG_INFO, &ti, info_len);
	put_attr(B, INET_DIAG_CONG, "bbr", 4);
	put_attr(B, INET_DIAG_BBRINFO, bbr, sizeof(bbr));
	msg_end(B, at);
	return at;
}

static void test_timer_memory_info(void **state)
{
	struct buf B = { .n = 0 };
	struct sockets_list l = { 0 };
	int kerr = 0;

	put_rich_socket(&B, sizeof(struct tcp_info));
	assert_int_equal(sockets_diag_feed(B.b, B.n, SEQ, IPPROTO_TCP, &l, &kerr), 0);
	assert_int_equal(l.n, 1);
	const struct sockets_entry *e = &l.v[0];
	assert_int_equal(e->timer, 2);
	assert_int_equal(e->retrans, 3);
	assert_int_equal(e->expires, 7150000);
	assert_int_equal(e->nskmem, 9);
	assert_int_equal(e->skmem[1], 131072);
	assert_int_equal(e->skmem[8], 99);
	assert_true(e->have_info);
	assert_int_equal(e->info.snd_wscale, 7);
	assert_int_equal(e->info.rcv_wscale, 9);
	assert_int_equal(e->info.rtt, 42);
	assert_int_equal(e->info.snd_cwnd, 10);
	assert_int_equal(e->info.total_retrans, 5);
	assert_int_equal(e->info.delivery_rate, 1000);
	assert_int_equal(e->info.snd_wnd, 65536);
	assert_string_equal(e->cong, "bbr");
	assert_true(e->info.have_bbr);
	assert_int_equal(e->info.bbr_bw, 1000);
	assert_int_equal(e->info.bbr_pacing_gain, 739);
	sockets_list_free(&l);

	/* An older kernel's shorter tcp_info: the missing fields are 0. */
	B.n = 0;
	put_rich_socket(&B, offsetof(struct tcp_info, tcpi_rcv_rtt));
	assert_int_equal(sockets_diag_feed(B.b, B.n, SEQ, IPPROTO_TCP, &l, &kerr), 0);
	assert_int_equal(l.v[0].info.snd_cwnd, 10);
	assert_int_equal(l.v[0].info.total_retrans, 0);
	assert_int_equal(l.v[0].info.delivery_rate, 0);
	sockets_list_free(&l);

	/* Every truncation of the message is an error or fewer sockets. */
	B.n = 0;
	size_t at = put_rich_socket(&B, sizeof(struct tcp_info));
	for (size_t cut = at; cut < B.n; cut++) {
		uint8_t *copy = malloc(cut);
		assert_non_null(copy);
		memcpy(copy, B.b, cut);
		int rc = sockets_diag_feed(copy, cut, SEQ, IPPROTO_TCP, &l, &kerr);
		assert_true(rc <= 0);
		free(copy);
		sockets_list_free(&l);
	}
}

/* A unix_diag_msg with its attributes. */
static void put_unix(struct buf *B, uint8_t type, uint8_t st, uint32_t ino, const char *name,
		     size_t name_len, uint32_t peer)
{
	size_t at = msg_begin(B, SOCK_DIAG_BY_FAMILY, SEQ);
	uint32_t rq[2] = { 3, 128 };
	uint32_t uid = 1000;

	put_u8(B, AF_UNIX);
	put_u8(B, type);
	put_u8(B, st);
	put_u8(B, 0);
	put_u32(B, ino);
	put_u32(B, ino * 2);
	put_u32(B, 0);
	if (name)
		put_attr(B, UNIX_DIAG_NAME, name, name_len);
	if (peer)
		put_attr(B, UNIX_DIAG_PEER, &peer, 4);
	put_attr(B, UNIX_DIAG_RQLEN, rq, sizeof(rq));
	put_attr(B, UNIX_DIAG_UID, &uid, 4);
	if (st == 10) {
		uint32_t vfs[2] = { 77, 254u << 20 };
		uint32_t icons[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
		put_attr(B, UNIX_DIAG_VFS, vfs, sizeof(vfs));
		put_attr(B, UNIX_DIAG_ICONS, icons, sizeof(icons));
	}
	msg_end(B, at);
}

static void test_unix_sockets(void **state)
{
	struct buf B = { .n = 0 };
	struct sockets_list l = { 0 };
	int kerr = 0;

	put_unix(&B, SOCK_STREAM, 10, 500, "/run/a.sock", 11, 0);
	put_unix(&B, SOCK_DGRAM, 7, 501, "\0bus\0x", 6, 0);  /* abstract, with a NUL inside */
	put_unix(&B, SOCK_SEQPACKET, 1, 502, NULL, 0, 503);
	size_t done = msg_begin(&B, NLMSG_DONE, SEQ);
	put_u32(&B, 0);
	msg_end(&B, done);
	assert_int_equal(sockets_diag_feed(B.b, B.n, SEQ, 0, &l, &kerr), 1);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].proto, SOCKETS_PROTO_UNIX);
	assert_int_equal(l.v[0].family, AF_UNIX);
	assert_string_equal(l.v[0].path, "/run/a.sock");
	assert_int_equal(l.v[0].path_len, 11);
	assert_int_equal(l.v[0].state, SOCKETS_ST_LISTEN);
	assert_int_equal(l.v[0].recv_q, 3);
	assert_int_equal(l.v[0].send_q, 128);
	assert_int_equal(l.v[0].uid, 1000);
	assert_int_equal(l.v[0].inode, 500);
	assert_int_equal(l.v[0].cookie, 1000);
	assert_string_equal(sockets_entry_netid(&l.v[0]), "u_str");
	assert_true(l.v[0].have_vfs && l.v[0].vfs_ino == 77 && l.v[0].vfs_dev == 254u << 20);
	assert_true(l.v[0].have_icons);
	assert_int_equal(l.v[0].nicons, SOCKETS_ICONS_MAX);
	assert_int_equal(l.v[0].icons[7], 8);
	assert_int_equal(l.v[0].icons_more, 2);
	assert_false(l.v[1].have_vfs || l.v[1].have_icons);
	assert_int_equal(l.v[1].path_len, 6);
	assert_memory_equal(l.v[1].path, "@bus\0x", 6);
	assert_string_equal(sockets_entry_netid(&l.v[1]), "u_dgr");
	assert_int_equal(l.v[2].path_len, 0);
	assert_int_equal(l.v[2].peer_inode, 503);
	assert_string_equal(sockets_entry_netid(&l.v[2]), "u_seq");
	sockets_list_free(&l);

	/* A short unix_diag_msg or a peer attribute without its 4 bytes. */
	B.n = 0;
	size_t at = msg_begin(&B, SOCK_DIAG_BY_FAMILY, SEQ);
	put_u8(&B, AF_UNIX);
	put_u8(&B, SOCK_STREAM);
	msg_end(&B, at);
	assert_int_equal(sockets_diag_feed(B.b, B.n, SEQ, 0, &l, &kerr), SOCKETS_DIAG_EBADLEN);
	B.n = 0;
	at = msg_begin(&B, SOCK_DIAG_BY_FAMILY, SEQ);
	put_u8(&B, AF_UNIX);
	put_u8(&B, SOCK_STREAM);
	put_u8(&B, 1);
	put_u8(&B, 0);
	put_u32(&B, 9);
	put_u32(&B, 0);
	put_u32(&B, 0);
	put_attr(&B, UNIX_DIAG_PEER, "ab", 2);
	msg_end(&B, at);
	assert_int_equal(sockets_diag_feed(B.b, B.n, SEQ, 0, &l, &kerr), SOCKETS_DIAG_EBADLEN);
	assert_int_equal(l.n, 0);
	sockets_list_free(&l);
}

static void test_requests_with_extensions(void **state)
{
	uint8_t req[SOCKETS_DIAG_REQ_LEN];
	struct inet_diag_req_v2 r;
	struct unix_diag_req u;

	assert_int_equal(sockets_diag_ext(false, false), 0);
	assert_int_equal(sockets_diag_ext(true, false), 1 << (INET_DIAG_SKMEMINFO - 1));
	assert_int_equal(sockets_diag_ext(false, true), (1 << (INET_DIAG_INFO - 1)) |
			 (1 << (INET_DIAG_CONG - 1)) | (1 << (INET_DIAG_VEGASINFO - 1)));
	sockets_diag_request(req, AF_INET, IPPROTO_TCP, 0x400, sockets_diag_ext(true, true), 5);
	memcpy(&r, req + 16, sizeof(r));
	assert_int_equal(r.idiag_ext, sockets_diag_ext(true, true));
	assert_int_equal(r.idiag_states, 0x400);
	assert_int_equal(sockets_diag_unix_request(req, 0x480, true, false, 6),
			 SOCKETS_DIAG_UNIX_REQ_LEN);
	memcpy(&u, req + 16, sizeof(u));
	assert_int_equal(u.sdiag_family, AF_UNIX);
	assert_int_equal(u.udiag_states, 0x480);
	assert_true(u.udiag_show & UDIAG_SHOW_NAME);
	assert_true(u.udiag_show & UDIAG_SHOW_PEER);
	assert_true(u.udiag_show & UDIAG_SHOW_RQLEN);
	assert_true(u.udiag_show & UDIAG_SHOW_MEMINFO);
	assert_false(u.udiag_show & (UDIAG_SHOW_VFS | UDIAG_SHOW_ICONS));
	sockets_diag_unix_request(req, 0x480, false, true, 6);
	memcpy(&u, req + 16, sizeof(u));
	assert_false(u.udiag_show & UDIAG_SHOW_MEMINFO);
	assert_true(u.udiag_show & UDIAG_SHOW_VFS);
	assert_true(u.udiag_show & UDIAG_SHOW_ICONS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_memory_info),
		cmocka_unit_test(test_unix_sockets),
		cmocka_unit_test(test_requests_with_extensions),
		cmocka_unit_test(test_good_reply),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_skips_noop_and_ack),
		cmocka_unit_test(test_kernel_errors),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_wrong_seq_and_family),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_request_bytes),
		cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
