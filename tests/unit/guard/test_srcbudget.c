/* Unit tests for guard/srcbudget: the amplification budget per source and
 * per /24 or /64, its credit, refill and factor, the minimum cost, the
 * per-peer answer rate that ends loops, the byte rate, and the fixed table
 * whose eviction gains a flood nothing. Time is passed in: every case is exact. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "guard/srcbudget.h"

#define SEC 1000000ULL
#define T0 (1000 * SEC)
#define CREDIT SRCBUDGET_CREDIT_DEFAULT
#define PREFIX_CREDIT (SRCBUDGET_CREDIT_DEFAULT * SRCBUDGET_PREFIX_SHARE)

static union addr_any ip4(const char *ip, uint16_t port)
{
	union addr_any a;

	assert_int_equal(addr_parse_ip(ip, &a), 0);
	addr_set_port(&a.sa, port);
	return a;
}

static union addr_any ip4n(uint32_t host, uint16_t port)
{
	union addr_any a;

	memset(&a, 0, sizeof(a));
	a.v4.sin_family = AF_INET;
	a.v4.sin_addr.s_addr = htonl(host);
	a.v4.sin_port = htons(port);
	return a;
}

static struct srcbudget *budget(uint32_t factor_milli, uint64_t credit, uint64_t peer_rate)
{
	struct srcbudget_cfg cfg;

	srcbudget_cfg_default(&cfg);
	cfg.factor_milli = factor_milli;
	cfg.credit = credit;
	cfg.peer_rate = peer_rate;
	struct srcbudget *b = srcbudget_new(&cfg, T0);
	assert_non_null(b);
	return b;
}

/* Requests hold bytes >= 0x80 that change with each call; answers are all
 * 'A': no request is ever one of our answers unless a test makes it so. */
static uint8_t reqbuf[65536], ansbuf[65536];
static uint32_t reqno;

static enum srcbudget_verdict decide_gen(struct srcbudget *b, const union addr_any *from,
					 size_t in_len, size_t want, size_t least, bool generated,
					 uint64_t now, size_t *got)
{
	reqno++;
	for (size_t i = 0; i < 4 && i < in_len; i++) {
		reqbuf[i] = (uint8_t)(0x80 | ((reqno >> (7 * i)) & 0x7f));
		reqbuf[in_len - 1 - i] = reqbuf[i];
	}
	if (ansbuf[0] != 'A')
		memset(ansbuf, 'A', sizeof(ansbuf));
	struct srcbudget_req r = {
		.from = &from->sa,
		.in_len = in_len,
		.in_digest = srcbudget_digest(reqbuf, in_len),
		.out = ansbuf,
		.want = want,
		.least = least,
		.generated = generated,
	};
	return srcbudget_decide(b, &r, now, got);
}

static enum srcbudget_verdict decide(struct srcbudget *b, const union addr_any *from, size_t in_len,
				     size_t want, size_t least, uint64_t now, size_t *got)
{
	return decide_gen(b, from, in_len, want, least, false, now, got);
}

/* IP bytes in and out over n requests of in_len asking want (least) bytes. */
struct tally {
	uint64_t in, out, sent, shortened, refused;
	uint64_t in_sent;    /* IP bytes of the requests that were answered */
};

static void ask(struct srcbudget *b, const union addr_any *from, size_t in_len, size_t want,
		size_t least, uint64_t now, struct tally *t)
{
	size_t hdr = from->sa.sa_family == AF_INET6 ? SRCBUDGET_HDR6 : SRCBUDGET_HDR4;
	size_t got = 12345;
	enum srcbudget_verdict v = decide(b, from, in_len, want, least, now, &got);

	t->in += in_len + hdr;
	if (v == SRCBUDGET_SEND || v == SRCBUDGET_SHORTENED) {
		assert_true(got >= least && got <= want);
		assert_true(v == SRCBUDGET_SHORTENED ? got < want : got == want);
		t->out += got + hdr;
		t->in_sent += in_len + hdr;
		t->sent++;
		t->shortened += v == SRCBUDGET_SHORTENED;
	} else {
		assert_true(v == SRCBUDGET_OVER_BUDGET || v == SRCBUDGET_BYTE_RATE);
		assert_int_equal(got, 0);
		t->refused++;
	}
}

static void test_credit_then_factor_one(void **state)
{
	struct srcbudget *b = budget(1000, CREDIT, 0);
	union addr_any a = ip4("192.0.2.7", 40000);
	struct tally t = { 0 };

	/* qotd-like: empty requests, 512-byte answers or nothing */
	for (int i = 0; i < 1000; i++)
		ask(b, &a, 0, 512, 512, T0 + (uint64_t)i, &t);
	assert_true(t.out <= t.in + CREDIT);
	/* each answer takes 512 B of credit beyond its request's 28: eight, and
	 * nothing is banked from the refused requests */
	assert_int_equal(t.sent, CREDIT / (540 - 28));
	assert_int_equal(t.shortened, 0);
	srcbudget_free(b);
}

static void test_seed_client_gets_full_answers(void **state)
{
	/* Seed 000's client: "Hello World!" to echo, chargen, qotd, daytime,
	 * time, three runs in a row: every answer whole. */
	struct srcbudget *b = budget(1000, CREDIT, SRCBUDGET_PEER_RATE_DEFAULT);
	struct tally t = { 0 };

	for (int run = 0; run < 3; run++) {
		union addr_any a = ip4("198.51.100.20", (uint16_t)(50000 + run));
		uint64_t now = T0 + (uint64_t)run * SEC;
		ask(b, &a, 12, 12, 12, now, &t);
		ask(b, &a, 12, 512, 1, now, &t);
		ask(b, &a, 12, 511, 511, now, &t);
		ask(b, &a, 12, 26, 26, now, &t);
		ask(b, &a, 12, 4, 4, now, &t);
	}
	assert_int_equal(t.sent, 15);
	assert_int_equal(t.shortened, 0);
	srcbudget_free(b);
}

static void test_chargen_is_shortened_to_the_budget(void **state)
{
	struct srcbudget *b = budget(1000, 0, 0);
	union addr_any a = ip4("192.0.2.8", 40000);
	size_t got;

	/* no credit: 100 bytes in pay for 100 bytes out, headers included, and
	 * a refused request leaves nothing behind */
	assert_int_equal(decide(b, &a, 72, 512, 1, T0, &got), SRCBUDGET_SHORTENED);
	assert_int_equal(got, 72);
	/* an answer that may not be shortened is refused */
	assert_int_equal(decide(b, &a, 72, 512, 512, T0, &got), SRCBUDGET_OVER_BUDGET);
	assert_int_equal(got, 0);
	/* one as large as the request goes */
	assert_int_equal(decide(b, &a, 72, 72, 72, T0, &got), SRCBUDGET_SEND);
	assert_int_equal(got, 72);
	srcbudget_free(b);
}

static void test_minimum_cost_drains_small_answers(void **state)
{
	/* 1-byte answers to 1-byte requests: 29 B each way, but the answer
	 * costs 64, so 35 B of credit go each time */
	struct srcbudget *b = budget(1000, CREDIT, 0);
	union addr_any a = ip4("192.0.2.9", 40107);
	struct tally t = { 0 };

	for (int i = 0; i < 100000 && t.refused == 0; i++)
		ask(b, &a, 1, 1, 1, T0 + (uint64_t)i, &t);
	assert_int_equal(t.refused, 1);
	assert_int_equal(t.sent, CREDIT / (SRCBUDGET_MIN_COST - SRCBUDGET_HDR4 - 1));
	srcbudget_free(b);
}

static void test_large_echo_always_pays_for_itself(void **state)
{
	struct srcbudget *b = budget(1000, 0, 0);
	union addr_any a = ip4("192.0.2.10", 40000);
	struct tally t = { 0 };

	for (int i = 0; i < 100; i++)
		ask(b, &a, 65507, 65507, 65507, T0, &t);
	assert_int_equal(t.sent, 100);
	assert_int_equal(t.out, t.in);
	srcbudget_free(b);
}

static void test_prefix_aggregation_v4(void **state)
{
	/* 200 sources in one /24 share one prefix credit, not 200 source credits */
	struct srcbudget *b = budget(1000, CREDIT, 0);
	struct tally t = { 0 };

	for (int round = 0; round < 20; round++)
		for (uint32_t h = 1; h <= 200; h++) {
			union addr_any a = ip4n(0xc6336400u + h, 40000); /* 198.51.100.h */
			ask(b, &a, 0, 512, 1, T0 + (uint64_t)round, &t);
		}
	assert_true(t.out <= t.in + PREFIX_CREDIT);
	/* the credit spent beyond what the answered requests paid */
	assert_true(t.out - t.in_sent <= PREFIX_CREDIT);
	assert_true(t.out - t.in_sent > PREFIX_CREDIT - SRCBUDGET_MIN_COST);

	/* the next /24 has its own */
	struct tally u = { 0 };
	for (uint32_t h = 1; h <= 200; h++) {
		union addr_any a = ip4n(0xc6336500u + h, 40000); /* 198.51.101.h */
		ask(b, &a, 0, 512, 1, T0 + 100, &u);
	}
	assert_true(u.out - u.in_sent <= PREFIX_CREDIT);
	assert_true(u.out - u.in_sent > PREFIX_CREDIT - SRCBUDGET_MIN_COST);
	srcbudget_free(b);
}

static void test_one_source_cannot_take_its_whole_prefix(void **state)
{
	struct srcbudget *b = budget(1000, CREDIT, 0);
	union addr_any a = ip4("198.51.100.1", 40000), c = ip4("198.51.100.2", 40000);
	struct tally t = { 0 }, u = { 0 };

	for (int i = 0; i < 100; i++)
		ask(b, &a, 0, 512, 512, T0, &t);
	assert_true(t.out <= t.in + CREDIT);
	/* its neighbour still has its own credit */
	ask(b, &c, 0, 512, 512, T0, &u);
	assert_int_equal(u.sent, 1);
	srcbudget_free(b);
}

static void test_prefix_aggregation_v6(void **state)
{
	struct srcbudget *b = budget(1000, CREDIT, 0);
	struct tally t = { 0 };
	char ip[64];

	/* 200 addresses in one /64 */
	for (int round = 0; round < 20; round++)
		for (int h = 1; h <= 200; h++) {
			snprintf(ip, sizeof(ip), "2001:db8:1:2:%x::%x", h, h);
			union addr_any a = ip4(ip, 40000);
			ask(b, &a, 0, 512, 1, T0, &t);
		}
	assert_true(t.out - t.in_sent <= PREFIX_CREDIT);
	assert_true(t.out - t.in_sent > PREFIX_CREDIT - SRCBUDGET_MIN_COST);

	/* another /64 of the same /48 has its own credit */
	struct tally u = { 0 };
	union addr_any o = ip4("2001:db8:1:3::1", 40000);
	ask(b, &o, 0, 512, 512, T0, &u);
	assert_int_equal(u.sent, 1);
	srcbudget_free(b);
}

static void test_loopback_is_exempt_unless_asked(void **state)
{
	struct srcbudget *b = budget(1000, CREDIT, 0);
	union addr_any lo = ip4("127.0.0.1", 40000), lo6 = ip4("::1", 40000);
	struct tally t = { 0 };

	for (int i = 0; i < 1000; i++) {
		ask(b, &lo, 0, 512, 512, T0, &t);
		ask(b, &lo6, 0, 512, 512, T0, &t);
	}
	assert_int_equal(t.sent, 2000);
	srcbudget_free(b);

	struct srcbudget_cfg cfg;
	srcbudget_cfg_default(&cfg);
	cfg.peer_rate = 0;
	cfg.budget_loopback = true;
	b = srcbudget_new(&cfg, T0);
	struct tally u = { 0 };
	for (int i = 0; i < 1000; i++)
		ask(b, &lo, 0, 512, 512, T0, &u);
	assert_true(u.out <= u.in + CREDIT);
	srcbudget_free(b);
}

static void test_factor_and_credit_options(void **state)
{
	union addr_any a = ip4("192.0.2.11", 40000);

	/* x2.5 with 1 KiB of credit */
	struct srcbudget *b = budget(2500, 1024, 0);
	struct tally t = { 0 };
	for (int i = 0; i < 1000; i++)
		ask(b, &a, 100, 512, 1, T0, &t);
	/* every request is answered (x2.5 pays for 320 B), the credit on top */
	assert_int_equal(t.sent, 1000);
	assert_int_equal(t.out * 1000, t.in * 2500 + 1024 * 1000);
	srcbudget_free(b);

	/* x0.5, no credit */
	b = budget(500, 0, 0);
	struct tally u = { 0 };
	for (int i = 0; i < 1000; i++)
		ask(b, &a, 100, 100, 1, T0, &u);
	assert_true(u.out * 2 <= u.in);
	assert_true(u.out * 2 + 2 * 128 > u.in);
	srcbudget_free(b);

	/* factor 0: no budget at all */
	b = budget(0, 0, 0);
	struct tally v = { 0 };
	for (int i = 0; i < 1000; i++)
		ask(b, &a, 0, 512, 512, T0, &v);
	assert_int_equal(v.sent, 1000);
	assert_int_equal(srcbudget_used(b), 1); /* the peer, for loops */
	srcbudget_free(b);
}

static void exhaust(struct srcbudget *b, const union addr_any *a, uint64_t now)
{
	struct tally t = { 0 };

	for (int i = 0; i < 100; i++)
		ask(b, a, 0, 512, 512, now, &t);
	assert_true(t.refused > 0);
}

/* How many 512-byte answers an empty request gets now (no earning in between). */
static int answers(struct srcbudget *b, const union addr_any *a, uint64_t now)
{
	struct tally t = { 0 };

	for (int i = 0; i < 100; i++) {
		ask(b, a, 0, 512, 512, now, &t);
		if (t.refused)
			break;
	}
	return (int)t.sent;
}

static void test_refill_over_time_after_the_hold(void **state)
{
	struct srcbudget *b = budget(1000, CREDIT, 0);
	union addr_any a = ip4("192.0.2.12", 40000);
	uint64_t hold_end = T0 + SRCBUDGET_HOLD_US;

	exhaust(b, &a, T0);
	/* nothing comes back while the hold lasts (the refusal just now) */
	assert_int_equal(answers(b, &a, hold_end - 1), 0);
	/* that refusal held it again: from then, half the minute is half the credit */
	hold_end = hold_end - 1 + SRCBUDGET_HOLD_US;
	int half = answers(b, &a, hold_end + SRCBUDGET_REFILL_US / 2);
	assert_true(half >= 3 && half <= 4);
	hold_end = hold_end + SRCBUDGET_REFILL_US / 2 + SRCBUDGET_HOLD_US;
	/* a full minute after the hold: the whole credit, no more */
	int full = answers(b, &a, hold_end + 10 * SRCBUDGET_REFILL_US);
	assert_int_equal(full, CREDIT / (540 - 28));
	srcbudget_free(b);
}

static void test_a_steady_flood_gets_no_refill(void **state)
{
	/* empty requests at 1,000 a second for two minutes: out <= in + credit */
	struct srcbudget *b = budget(1000, CREDIT, 0);
	union addr_any a = ip4("192.0.2.13", 40000);
	struct tally t = { 0 };

	for (uint64_t i = 0; i < 120000; i++)
		ask(b, &a, 0, 512, 1, T0 + i * 1000, &t);
	assert_true(t.out <= t.in + CREDIT);
	srcbudget_free(b);
}

static void test_generated_answers_are_paced_per_peer(void **state)
{
	struct srcbudget *b = budget(0, 0, 1000);
	union addr_any a = ip4("127.0.0.1", 40107), other = ip4("127.0.0.1", 40108);
	size_t got;

	for (int i = 0; i < SRCBUDGET_PEER_BURST; i++)
		assert_int_equal(decide_gen(b, &a, 1, 26, 26, true, T0, &got), SRCBUDGET_SEND);
	assert_int_equal(decide_gen(b, &a, 1, 26, 26, true, T0, &got), SRCBUDGET_PEER_RATE);
	assert_int_equal(got, 0);
	/* another port of the same address is another peer */
	assert_int_equal(decide_gen(b, &other, 1, 26, 26, true, T0, &got), SRCBUDGET_SEND);
	/* one answer a millisecond */
	assert_int_equal(decide_gen(b, &a, 1, 26, 26, true, T0 + 999, &got), SRCBUDGET_PEER_RATE);
	assert_int_equal(decide_gen(b, &a, 1, 26, 26, true, T0 + 1000, &got), SRCBUDGET_SEND);
	assert_int_equal(decide_gen(b, &a, 1, 26, 26, true, T0 + 1000, &got), SRCBUDGET_PEER_RATE);
	/* echoes of distinct data are not paced: a client may send a burst */
	for (int i = 0; i < 10000; i++)
		assert_int_equal(decide(b, &a, 1, 1, 1, T0 + 1000, &got), SRCBUDGET_SEND);
	/* nor with the pace off */
	srcbudget_free(b);
	b = budget(0, 0, 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(decide_gen(b, &a, 1, 26, 26, true, T0, &got), SRCBUDGET_SEND);
	srcbudget_free(b);
}

static void test_our_answer_coming_back_is_a_loop(void **state)
{
	struct srcbudget *b = budget(0, 0, 0);
	union addr_any a = ip4("127.0.0.1", 40107), other = ip4("127.0.0.1", 40108);
	uint8_t x[3] = { 'h', 'i', '\n' };
	size_t got;
	struct srcbudget_req r = {
		.from = &a.sa, .in_len = 3, .in_digest = srcbudget_digest(x, 3),
		.out = x, .want = 3, .least = 3,
	};

	/* the first is an ordinary request; then our echo comes back again and
	 * again: a few go (a person pressing Return), then no more */
	assert_int_equal(srcbudget_decide(b, &r, T0, &got), SRCBUDGET_SEND);
	for (int i = 0; i < SRCBUDGET_RETURN_BURST; i++)
		assert_int_equal(srcbudget_decide(b, &r, T0, &got), SRCBUDGET_SEND);
	assert_int_equal(srcbudget_decide(b, &r, T0, &got), SRCBUDGET_LOOP);
	assert_int_equal(got, 0);
	/* ten a second after that */
	assert_int_equal(srcbudget_decide(b, &r, T0 + 99999, &got), SRCBUDGET_LOOP);
	assert_int_equal(srcbudget_decide(b, &r, T0 + 100000, &got), SRCBUDGET_SEND);
	/* the same bytes from another peer, or other bytes from this one, go */
	r.from = &other.sa;
	assert_int_equal(srcbudget_decide(b, &r, T0 + 100000, &got), SRCBUDGET_SEND);
	r.from = &a.sa;
	uint8_t y[3] = { 'h', 'o', '\n' };
	r.in_digest = srcbudget_digest(y, 3);
	r.out = y;
	assert_int_equal(srcbudget_decide(b, &r, T0 + 100000, &got), SRCBUDGET_SEND);
	srcbudget_free(b);
}

static void test_digest_sees_length_and_both_ends(void **state)
{
	struct srcbudget *b = budget(0, 0, 0);
	static uint8_t p[2000], q[2000];

	memset(p, 'x', sizeof(p));
	memset(q, 'x', sizeof(q));
	assert_true(srcbudget_digest(p, 2000) == srcbudget_digest(q, 2000));
	assert_true(srcbudget_digest(p, 0) == srcbudget_digest(q, 0));
	assert_true(srcbudget_digest(p, 1999) != srcbudget_digest(q, 2000));
	q[0] = 'y';
	assert_true(srcbudget_digest(p, 2000) != srcbudget_digest(q, 2000));
	q[0] = 'x';
	q[1999] = 'y';
	assert_true(srcbudget_digest(p, 2000) != srcbudget_digest(q, 2000));
	assert_true(srcbudget_digest(p, 40) != srcbudget_digest(q + 1960, 40));
	srcbudget_free(b);
}

/* Two servers with the default configuration answer each other, one
 * exchange every `gap` us: echo answers what it got; a generating service
 * answers something new each time. How many answers in all. */
static int loop_length(const char *ip, size_t len, uint64_t gap, bool a_echoes, bool c_echoes)
{
	struct srcbudget_cfg cfg;
	srcbudget_cfg_default(&cfg);
	struct srcbudget *a = srcbudget_new(&cfg, T0), *c = srcbudget_new(&cfg, T0);
	union addr_any from_c = ip4(ip, 40107), from_a = ip4(ip, 40007);
	static uint8_t dgram[2048];
	uint64_t now = T0;
	size_t got;
	int n = 0;

	memset(dgram, 'z', len);
	for (; n < 1000000; n++) {
		bool a_turn = n % 2 == 0;
		struct srcbudget *srv = a_turn ? a : c;
		bool echoes = a_turn ? a_echoes : c_echoes;
		struct srcbudget_req r = {
			.from = a_turn ? &from_c.sa : &from_a.sa,
			.in_len = len,
			.in_digest = srcbudget_digest(dgram, len),
			.out = dgram, .out_is_in = echoes, .want = len, .least = len,
			.generated = !echoes,
		};
		if (!echoes && len > 0) /* new content: the next line, the time */
			dgram[n % len] = (uint8_t)('a' + n % 26);
		now += gap;
		if (srcbudget_decide(srv, &r, now, &got) != SRCBUDGET_SEND)
			break;
	}
	srcbudget_free(a);
	srcbudget_free(c);
	return n;
}

static void test_loops_end_within_a_few_datagrams(void **state)
{
	/* echo and echo, or echo and a generating service: our own answer
	 * comes back, and a few of those end it, at any speed */
	int lim = 2 * (SRCBUDGET_RETURN_BURST + 2);
	assert_true(loop_length("127.0.0.1", 0, 10, true, true) <= lim);
	assert_true(loop_length("127.0.0.1", 1, 10, true, true) <= lim);
	assert_true(loop_length("::1", 1000, 10, true, true) <= lim);
	assert_true(loop_length("127.0.0.1", 1, 1000, true, true) <= lim);
	assert_true(loop_length("127.0.0.1", 20, 10, true, false) <= lim);
	assert_true(loop_length("192.0.2.1", 1, 10, true, true) <= lim);
	/* slower than 10 a second, still ended through the minimum cost: 35 B
	 * a time less the credit's refill (68 B/s, 14 B per 0.2 s) */
	assert_true(loop_length("192.0.2.1", 1, 100000, true, true) <= 2 * (CREDIT / (35 - 14) + 1));
	/* two generating services: the pace, as long as the loop runs faster
	 * than 1,000 a second (two servers on one host run tens of thousands) */
	assert_true(loop_length("127.0.0.1", 26, 10, false, false) <= 2 * SRCBUDGET_PEER_BURST + 4);
	/* elsewhere a slow one still ends through the minimum cost */
	int slow = loop_length("192.0.2.1", 4, 2000, false, false);
	assert_true(slow > 0 && slow <= 2 * (CREDIT / (64 - 32) + 1));
}

static void test_byte_rate_counts_the_minimum_cost(void **state)
{
	struct srcbudget_cfg cfg;
	srcbudget_cfg_default(&cfg);
	cfg.factor_milli = 0;
	cfg.peer_rate = 0;
	cfg.byte_rate = 6400;  /* burst: one largest datagram, 65,575 B */
	struct srcbudget *b = srcbudget_new(&cfg, T0);
	union addr_any a = ip4("127.0.0.1", 40000);
	struct tally t = { 0 };

	for (int i = 0; i < 5000; i++)
		ask(b, &a, 1, 1, 1, T0, &t);
	assert_int_equal(t.sent, SRCBUDGET_IP_MAX / SRCBUDGET_MIN_COST);
	assert_int_equal(decide(b, &a, 1, 1, 1, T0, &(size_t){ 0 }), SRCBUDGET_BYTE_RATE);
	assert_int_equal(decide(b, &a, 1, 1, 1, T0 + SEC, &(size_t){ 0 }), SRCBUDGET_SEND);
	srcbudget_free(b);
}

static void test_table_is_fixed_and_flood_resets_nothing(void **state)
{
	struct srcbudget_cfg cfg;
	srcbudget_cfg_default(&cfg);
	cfg.slots = 64;
	struct srcbudget *b = srcbudget_new(&cfg, T0);
	union addr_any victim = ip4("203.0.113.5", 40000);
	struct tally v = { 0 }, f = { 0 };

	assert_int_equal(srcbudget_capacity(b), 64);
	exhaust(b, &victim, T0);
	/* a flood of 100,000 sources, each in its own /24 and on its own port:
	 * the table stays at its size, and every entry the victim had is gone */
	for (uint32_t i = 0; i < 100000; i++) {
		union addr_any a = ip4n(0x0a000000u + (i << 8) + 1, (uint16_t)(1024 + i % 60000));
		ask(b, &a, 0, 512, 1, T0 + 1 + i, &f);
	}
	assert_int_equal(srcbudget_used(b), 64);
	uint64_t end = T0 + 1 + 100000;
	/* the flood itself, 100,000 fresh prefixes, got at most the pool (16
	 * prefixes' credit) and its refill beyond x1.0 */
	uint64_t pool = (uint64_t)PREFIX_CREDIT * SRCBUDGET_POOL_PREFIXES;
	assert_true(f.out <= f.in + pool + CREDIT * (end - T0) / SEC + CREDIT);
	/* the victim's prefix comes back without credit: the pool is spent */
	for (int i = 0; i < 100; i++)
		ask(b, &victim, 0, 512, 512, end, &v);
	assert_int_equal(v.sent, 0);
	srcbudget_free(b);
}

static void test_busy_entries_survive_a_flood(void **state)
{
	/* LRU within a set: a source that keeps asking keeps its (spent) entry */
	struct srcbudget_cfg cfg;
	srcbudget_cfg_default(&cfg);
	cfg.slots = 64;
	cfg.peer_rate = 0;
	struct srcbudget *b = srcbudget_new(&cfg, T0);
	union addr_any att = ip4("203.0.113.6", 40000);
	struct tally t = { 0 };

	for (uint32_t i = 0; i < 20000; i++) {
		ask(b, &att, 0, 512, 1, T0 + 2 * i, &t);
		union addr_any a = ip4n(0x0a000000u + (i << 8) + 1, 40000);
		struct tally f = { 0 };
		ask(b, &a, 0, 512, 1, T0 + 2 * i + 1, &f);
	}
	assert_true(t.out <= t.in + CREDIT);
	srcbudget_free(b);
}

static void test_parse_factor(void **state)
{
	static const struct {
		const char *s;
		uint32_t milli;
	} ok[] = { { "1", 1000 }, { "0", 0 }, { "0.5", 500 }, { "2.25", 2250 }, { "1.000", 1000 },
		   { "1.0000", 1000 }, { "1000", 1000000 }, { "0.001", 1 } };
	static const char *const bad[] = { "", "x", "-1", "1.", ".5", "1e3", "1000.001", "1001",
					   "0.0001", "1.5x", "99999999999999999999" };
	const char *why;
	uint32_t m;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(srcbudget_parse_factor(ok[i].s, &m, &why), 0);
		assert_int_equal(m, ok[i].milli);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(srcbudget_parse_factor(bad[i], &m, &why), -1);
		assert_non_null(why);
	}
}

static void test_verdict_names(void **state)
{
	assert_string_equal(srcbudget_verdict_name(SRCBUDGET_SEND), "ok");
	assert_string_equal(srcbudget_verdict_name(SRCBUDGET_SHORTENED), "shortened");
	assert_string_equal(srcbudget_verdict_name(SRCBUDGET_OVER_BUDGET), "over-budget");
	assert_string_equal(srcbudget_verdict_name(SRCBUDGET_LOOP), "loop");
	assert_string_equal(srcbudget_verdict_name(SRCBUDGET_PEER_RATE), "peer-rate");
	assert_string_equal(srcbudget_verdict_name(SRCBUDGET_BYTE_RATE), "rate-limited");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_credit_then_factor_one),
		cmocka_unit_test(test_seed_client_gets_full_answers),
		cmocka_unit_test(test_chargen_is_shortened_to_the_budget),
		cmocka_unit_test(test_minimum_cost_drains_small_answers),
		cmocka_unit_test(test_large_echo_always_pays_for_itself),
		cmocka_unit_test(test_prefix_aggregation_v4),
		cmocka_unit_test(test_one_source_cannot_take_its_whole_prefix),
		cmocka_unit_test(test_prefix_aggregation_v6),
		cmocka_unit_test(test_loopback_is_exempt_unless_asked),
		cmocka_unit_test(test_factor_and_credit_options),
		cmocka_unit_test(test_refill_over_time_after_the_hold),
		cmocka_unit_test(test_a_steady_flood_gets_no_refill),
		cmocka_unit_test(test_generated_answers_are_paced_per_peer),
		cmocka_unit_test(test_our_answer_coming_back_is_a_loop),
		cmocka_unit_test(test_digest_sees_length_and_both_ends),
		cmocka_unit_test(test_loops_end_within_a_few_datagrams),
		cmocka_unit_test(test_byte_rate_counts_the_minimum_cost),
		cmocka_unit_test(test_table_is_fixed_and_flood_resets_nothing),
		cmocka_unit_test(test_busy_entries_survive_a_flood),
		cmocka_unit_test(test_parse_factor),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
