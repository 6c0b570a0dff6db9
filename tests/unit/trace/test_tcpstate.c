/* TCP states: the merge of listen/close calls and packets by time, at the
 * edges of the time range (a time of INT64_MAX once read past the end of the
 * calls: fuzz_trace's crash, issue 11 item 20). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "pkt/packet.h"
#include "trace/attrib.h"
#include "trace/calllog.h"
#include "trace/packets.h"
#include "trace/socks.h"
#include "trace/tcpstate.h"

#define C "127.0.0.1:7777"
#define S "127.0.0.1:6666"

struct pk {
	int64_t ts;
	const char *src, *dst;
	uint16_t flags;
	uint32_t seq, ack;
};

/* The log, then the packets, through everything tr_tcpstate_run needs. */
static void build(struct trace *t, struct tr_socks *s, const char *log, const struct pk *pks,
		  size_t n)
{
	struct tr_calllog cl;

	memset(t, 0, sizeof *t);
	tr_calllog_init(&cl, t);
	tr_calllog_feed(&cl, log, strlen(log));
	assert_int_equal(cl.bad_lines, 0);
	assert_int_equal(tr_calllog_finish(&cl), 0);
	tr_calllog_free(&cl);
	t->packets = calloc(n + 1, sizeof *t->packets);
	assert_non_null(t->packets);
	for (size_t i = 0; i < n; i++) {
		struct tr_packet *p = &t->packets[i];

		assert_int_equal(tr_endpoint_parse(pks[i].src, &p->src), 0);
		assert_int_equal(tr_endpoint_parse(pks[i].dst, &p->dst), 0);
		p->ts = pks[i].ts;
		p->proto = IPPROTO_TCP;
		p->flags = pks[i].flags;
		p->seq = pks[i].seq;
		p->ack = pks[i].ack;
	}
	t->npackets = n;
	assert_int_equal(tr_socks_build(s, t), 0);
	tr_packets_number(t->packets, t->npackets);
	assert_int_equal(tr_attrib_run(t, s), 0);
}

/* Every state change as "LOCAL>STATE[#call|@packet]", joined by spaces. */
static void states(const struct trace *t, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < t->nstates; i++) {
		const struct tr_state *st = &t->states[i];
		char ep[TR_ADDRSTR_MAX];
		size_t len = strlen(out);

		snprintf(out + len, n - len, "%s%s>%s%c%u", len ? " " : "",
			 tr_endpoint_format(&st->local, ep, sizeof ep), tr_tcp_state_name(st->to),
			 st->packet ? '@' : '#', st->packet ? st->packet : st->call);
	}
}

/* fuzz_trace's minimised input: no calls at all, one packet stamped
 * INT64_MAX. The merge took "call time INT64_MAX (none left) <= packet
 * time" for a call and read past the end of its list. */
static void test_packet_at_int64_max_without_calls(void **state)
{
	static const struct pk pks[] = {
		{ INT64_MAX, "7.0.0.1:7", "2.0.0.1:6", TCP_FIN, 1, 5 },
	};
	struct trace t;
	struct tr_socks s;

	(void)state;
	build(&t, &s, "", pks, 1);
	assert_int_equal(tr_tcpstate_run(&t, &s), 0);
	assert_int_equal(t.nstates, 0); /* no traced end: nothing changes */
	tr_socks_free(&s);
	trace_free(&t);
}

/* A listener and a handshake whose packets sit at the very end of the
 * time range, after the last call: every call and every packet is still
 * taken, each once, in time order. */
static void test_packets_at_int64_max_after_calls(void **state)
{
	static const char log[] =
		"H 100 1 50 exe=/s argv=s\n"
		"H 200 1 60 exe=/c argv=c\n"
		"X 100 100 socket -1 100 101 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream\n"
		"X 100 100 bind 3 110 111 0 0 addr=" S " sock=stream local=" S "\n"
		"X 100 100 listen 3 120 121 0 0 backlog=1 sock=stream local=" S " tcp=LISTEN\n"
		"E 100 100 accept4 3 130\n"
		"X 200 200 socket -1 500 501 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream\n"
		"X 200 200 connect 3 1000 1010 0 0 addr=" S " sock=stream local=" C " peer=" S "\n";
	static const struct pk pks[] = {
		{ INT64_MAX - 1, C, S, TCP_SYN, 1000, 0 },
		{ INT64_MAX, S, C, TCP_SYN | TCP_ACK, 5000, 1001 },
		{ INT64_MAX, C, S, TCP_ACK, 1001, 5001 },
	};
	struct trace t;
	struct tr_socks s;
	char got[512];

	(void)state;
	build(&t, &s, log, pks, 3);
	assert_int_equal(tr_tcpstate_run(&t, &s), 0);
	states(&t, got, sizeof got);
	assert_string_equal(got, S ">LISTEN#3 " C ">SYN_SENT@1 " S ">SYN_RCVD@2 " C
				 ">ESTABLISHED@2 " S ">ESTABLISHED@3");
	tr_socks_free(&s);
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet_at_int64_max_without_calls),
		cmocka_unit_test(test_packets_at_int64_max_after_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
