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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
