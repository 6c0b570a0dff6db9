/* Attribution, TCP states and the story on seed 002's exchange (client
 * 127.0.0.1:7777, server 127.0.0.1:6666), plus a refused connect and a UDP
 * round trip: calls as the preload library logs them, packets as captured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "pkt/packet.h"
#include "trace/attrib.h"
#include "trace/calllog.h"
#include "trace/packets.h"
#include "trace/socks.h"
#include "trace/story.h"
#include "trace/tcpstate.h"

#define C "127.0.0.1:7777"
#define S "127.0.0.1:6666"

static const char seed_log[] =
	"H 100 1 50 exe=/usr/bin/python3 argv=python3,server.py\n"
	"H 200 1 60 exe=/usr/bin/python3 argv=python3,client.py\n"
	"X 100 100 socket -1 100 101 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream fam=inet\n"
	"X 100 100 bind 3 110 111 0 0 addr=" S " sock=stream fam=inet local=" S " tcp=CLOSED\n"
	"X 100 100 listen 3 120 121 0 0 backlog=10 sock=stream fam=inet local=" S " tcp=LISTEN\n"
	"E 100 100 accept4 3 130\n"
	"X 100 100 accept4 3 130 1030 4 0 addr=" C " sock=stream fam=inet local=" S "\n"
	"X 100 100 close 3 1035 1036 0 0 sock=stream fam=inet local=" S " unread=0 tcp=LISTEN\n"
	"X 200 200 socket -1 500 501 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream fam=inet\n"
	"X 200 200 setsockopt 3 510 511 0 0 level=SOL_SOCKET opt=SO_REUSEADDR val=1 sock=stream\n"
	"X 200 200 bind 3 520 521 0 0 addr=0.0.0.0:7777 sock=stream local=0.0.0.0:7777\n"
	"E 200 200 connect 3 1000\n"
	"X 200 200 connect 3 1000 1025 0 0 addr=" S " sock=stream local=" C " peer=" S "\n"
	"E 100 100 recv 4 1040\n"
	"X 100 100 recv 4 1040 1107 22 0 len=1024 sock=stream local=" S " peer=" C "\n"
	"X 200 200 send 3 1100 1110 22 0 len=22 sock=stream local=" C " peer=" S "\n"
	"E 100 100 recv 4 1150\n"
	"X 100 100 recv 4 1150 1207 22 0 len=1024 sock=stream local=" S " peer=" C "\n"
	"X 200 200 send 3 1200 1210 22 0 len=22 sock=stream local=" C " peer=" S "\n"
	"E 100 100 recv 4 1250\n"
	"X 100 100 recv 4 1250 1307 0 0 len=1024 sock=stream local=" S " peer=" C "\n"
	"X 200 200 shutdown 3 1300 1310 0 0 how=SHUT_WR sock=stream local=" C " peer=" S "\n"
	"E 200 200 recv 3 1320\n"
	"X 200 200 recv 3 1320 1500 46 0 len=1024 sock=stream local=" C " peer=" S "\n"
	"X 100 100 send 4 1400 1410 23 0 len=23 sock=stream local=" S " peer=" C "\n"
	"X 100 100 send 4 1450 1460 23 0 len=23 sock=stream local=" S " peer=" C "\n"
	"E 200 200 recv 3 1550\n"
	"X 200 200 recv 3 1550 1607 0 0 len=1024 sock=stream local=" C " peer=" S "\n"
	"X 100 100 close 4 1600 1610 0 0 sock=stream local=" S " peer=" C " unread=0\n"
	"X 200 200 close 3 1700 1701 0 0 sock=stream local=" C " peer=" S " unread=0\n";

struct pk {
	int64_t ts;
	bool from_client;
	uint16_t flags;
	uint32_t seq, ack, len;
	uint16_t win; /* 0: 65483 */
};

#define SYN TCP_SYN
#define ACK TCP_ACK
#define FIN TCP_FIN
#define PSH TCP_PSH
#define RST TCP_RST

static const struct pk seed_packets[] = {
	{ 1001, true, SYN, 1000, 0, 0, 0 },              /* 1 */
	{ 1002, false, SYN | ACK, 5000, 1001, 0, 0 },    /* 2 */
	{ 1003, true, ACK, 1001, 5001, 0, 0 },           /* 3 */
	{ 1105, true, PSH | ACK, 1001, 5001, 22, 0 },    /* 4 */
	{ 1106, false, ACK, 5001, 1023, 0, 0 },          /* 5 */
	{ 1205, true, PSH | ACK, 1023, 5001, 22, 0 },    /* 6 */
	{ 1206, false, ACK, 5001, 1045, 0, 0 },          /* 7 */
	{ 1305, true, FIN | ACK, 1045, 5001, 0, 0 },     /* 8 */
	{ 1306, false, ACK, 5001, 1046, 0, 0 },          /* 9 */
	{ 1405, false, PSH | ACK, 5001, 1046, 23, 0 },   /* 10 */
	{ 1406, true, ACK, 1046, 5024, 0, 0 },           /* 11 */
	{ 1455, false, PSH | ACK, 5024, 1046, 23, 0 },   /* 12 */
	{ 1456, true, ACK, 1046, 5047, 0, 0 },           /* 13 */
	{ 1605, false, FIN | ACK, 5047, 1046, 0, 0 },    /* 14 */
	{ 1606, true, ACK, 1046, 5048, 0, 0 },           /* 15 */
};

static void endpoint(const char *s, struct tr_endpoint *e)
{
	assert_int_equal(tr_endpoint_parse(s, e), 0);
}

/* The kernel observer's events the next build() hands to attribution. */
static const struct tr_kevent *next_kevents;
static size_t next_nkevents;

static void build(struct trace *t, struct tr_socks *s, const char *log, const struct pk *pks,
		  size_t n, const char *client, const char *server, uint8_t proto)
{
	struct tr_calllog cl;

	memset(t, 0, sizeof *t);
	tr_calllog_init(&cl, t);
	tr_calllog_feed(&cl, log, strlen(log));
	assert_int_equal(cl.bad_lines, 0);
	assert_int_equal(tr_calllog_finish(&cl), 0);
	tr_calllog_free(&cl);
	/* the client runs under --server's server: mark it */
	for (size_t i = 0; i < t->nprocs; i++)
		t->procs[i].server = t->procs[i].pid == 100;
	t->packets = calloc(n + 1, sizeof *t->packets);
	assert_non_null(t->packets);
	for (size_t i = 0; i < n; i++) {
		struct tr_packet *p = &t->packets[i];
		endpoint(pks[i].from_client ? client : server, &p->src);
		endpoint(pks[i].from_client ? server : client, &p->dst);
		p->ts = pks[i].ts;
		p->proto = proto;
		p->flags = pks[i].flags;
		p->seq = pks[i].seq;
		p->ack = pks[i].ack;
		p->len = pks[i].len;
		p->win = pks[i].win ? pks[i].win : 65483;
	}
	t->npackets = n;
	if (next_nkevents) {
		t->kevents = calloc(next_nkevents, sizeof *t->kevents);
		assert_non_null(t->kevents);
		memcpy(t->kevents, next_kevents, next_nkevents * sizeof *t->kevents);
		t->nkevents = next_nkevents;
		next_nkevents = 0;
	}
	assert_int_equal(tr_socks_build(s, t), 0);
	tr_packets_number(t->packets, t->npackets);
	assert_int_equal(tr_attrib_run(t, s), 0);
	assert_int_equal(tr_tcpstate_run(t, s), 0);
	assert_int_equal(tr_story_build(t), 0);
}

static uint32_t call_id(const struct trace *t, int pid, const char *name, int nth)
{
	for (size_t i = 0; i < t->ncalls; i++)
		if (t->calls[i].pid == pid && strcmp(t->calls[i].name, name) == 0 && nth-- == 0)
			return t->calls[i].id;
	fail_msg("no call %s #%d of pid %d", name, nth, pid);
	return 0;
}

static void assert_cause(const struct trace *t, uint32_t no, uint32_t id, const char *why)
{
	const struct tr_packet *p = tr_packet_by_no(t, no);

	assert_non_null(p);
	if (id) {
		assert_int_equal(p->cause, TR_CAUSE_CALL);
		assert_int_equal(p->caused_by, id);
	} else {
		assert_int_equal(p->cause, TR_CAUSE_KERNEL);
	}
	assert_non_null(p->why);
	assert_string_equal(p->why, why);
}

static void assert_completed(const struct trace *t, uint32_t id, uint32_t no, const char *why)
{
	const struct tr_call *c = tr_call_by_id(t, id);

	assert_int_equal(c->completed_by, no);
	if (why)
		assert_string_equal(c->completed_why, why);
}

static void test_seed_causes(void **state)
{
	struct trace t;
	struct tr_socks s;

	(void)state;
	build(&t, &s, seed_log, seed_packets, sizeof seed_packets / sizeof seed_packets[0], C, S,
	      IPPROTO_TCP);
	uint32_t connect = call_id(&t, 200, "connect", 0);
	assert_cause(&t, 1, connect, "connect");
	assert_cause(&t, 2, 0, "SYN-ACK from the listening socket");
	assert_cause(&t, 3, connect, "handshake ACK");
	assert_cause(&t, 4, call_id(&t, 200, "send", 0), "data");
	assert_cause(&t, 5, 0, "ACK");
	assert_cause(&t, 6, call_id(&t, 200, "send", 1), "data");
	assert_cause(&t, 8, call_id(&t, 200, "shutdown", 0), "shutdown");
	assert_cause(&t, 9, 0, "ACK of FIN");
	assert_cause(&t, 10, call_id(&t, 100, "send", 0), "data");
	assert_cause(&t, 12, call_id(&t, 100, "send", 1), "data");
	assert_cause(&t, 14, call_id(&t, 100, "close", 1), "close");
	assert_cause(&t, 15, 0, "ACK of FIN");
	assert_true(tr_packet_by_no(&t, 4)->rel);
	assert_int_equal(tr_packet_by_no(&t, 4)->rseq, 1);
	assert_int_equal(tr_packet_by_no(&t, 6)->rseq, 23);

	assert_completed(&t, connect, 2, "SYN-ACK");
	assert_completed(&t, call_id(&t, 100, "accept4", 0), 3, "handshake ACK");
	assert_completed(&t, call_id(&t, 100, "recv", 0), 4, "data");
	assert_completed(&t, call_id(&t, 100, "recv", 1), 6, "data");
	assert_completed(&t, call_id(&t, 100, "recv", 2), 8, "FIN");
	assert_completed(&t, call_id(&t, 200, "recv", 0), 10, "data");
	assert_completed(&t, call_id(&t, 200, "recv", 1), 14, "FIN");
	assert_completed(&t, call_id(&t, 200, "send", 0), 0, NULL);

	/* lanes: the client first, then the server */
	assert_true(t.nlanes >= 2);
	assert_int_equal(t.lanes[0].pid, 200);
	assert_int_equal(t.lanes[1].pid, 100);
	assert_int_equal(tr_packet_by_no(&t, 1)->lane_from, 0);
	assert_int_equal(tr_packet_by_no(&t, 1)->lane_to, 1);
	assert_non_null(strstr(t.lanes[0].addrs, C));
	tr_socks_free(&s);
	trace_free(&t);
}

/* The states of one end, in order, as names joined by spaces. */
static void states_of(const struct trace *t, const char *local, const char *peer, char *out,
		      size_t n)
{
	struct tr_endpoint l, p = { 0 };

	endpoint(local, &l);
	if (peer)
		endpoint(peer, &p);
	out[0] = '\0';
	for (size_t i = 0; i < t->nstates; i++) {
		const struct tr_state *s = &t->states[i];
		if (!tr_endpoint_eq(&s->local, &l) || s->peer.family != p.family ||
		    (peer && !tr_endpoint_eq(&s->peer, &p)))
			continue;
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s", len ? " " : "", tr_tcp_state_name(s->to));
	}
}

static void test_seed_states_and_rows(void **state)
{
	struct trace t;
	struct tr_socks s;
	char got[256];

	(void)state;
	build(&t, &s, seed_log, seed_packets, sizeof seed_packets / sizeof seed_packets[0], C, S,
	      IPPROTO_TCP);
	states_of(&t, C, S, got, sizeof got);
	assert_string_equal(got, "SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT");
	states_of(&t, S, C, got, sizeof got);
	assert_string_equal(got, "SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	states_of(&t, S, NULL, got, sizeof got);
	assert_string_equal(got, "LISTEN CLOSED");

	/* rows in time order; waiting calls split, one-shot calls not */
	size_t enters = 0, exits = 0, packets = 0;
	for (size_t i = 0; i < t.nrows; i++) {
		if (i)
			assert_true(t.rows[i - 1].ts <= t.rows[i].ts);
		enters += t.rows[i].kind == TR_ROW_CALL_ENTER;
		exits += t.rows[i].kind == TR_ROW_CALL_EXIT;
		packets += t.rows[i].kind == TR_ROW_PACKET;
	}
	assert_int_equal(packets, t.npackets);
	assert_int_equal(enters, exits);
	assert_true(enters >= 2); /* accept4 and connect at least */
	/* every state hangs on exactly one row */
	size_t hung = 0;
	for (size_t i = 0; i < t.nrows; i++)
		hung += t.rows[i].state_count;
	assert_int_equal(hung, t.nstates);
	tr_socks_free(&s);
	trace_free(&t);
}

static const char refused_log[] =
	"H 200 1 60 exe=/usr/bin/python3 argv=python3,c.py\n"
	"X 200 200 socket -1 500 501 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream\n"
	"E 200 200 connect 3 1000\n"
	"X 200 200 connect 3 1000 1010 -1 111 addr=127.0.0.1:9 sock=stream local=0.0.0.0:0\n"
	"X 200 200 close 3 1100 1101 0 0 sock=stream\n";

static const struct pk refused_packets[] = {
	{ 1001, true, SYN, 777, 0, 0, 0 },
	{ 1002, false, RST | ACK, 0, 778, 0, 0 },
};

static void test_refused_connect(void **state)
{
	struct trace t;
	struct tr_socks s;
	char got[128];

	(void)state;
	build(&t, &s, refused_log, refused_packets, 2, "127.0.0.1:40000", "127.0.0.1:9",
	      IPPROTO_TCP);
	uint32_t connect = call_id(&t, 200, "connect", 0);
	assert_cause(&t, 1, connect, "connect");
	assert_cause(&t, 2, 0, "RST: nothing listens on this port");
	assert_completed(&t, connect, 2, "RST");
	states_of(&t, "127.0.0.1:40000", "127.0.0.1:9", got, sizeof got);
	assert_string_equal(got, "SYN_SENT CLOSED");
	/* the closed port gets a lane of its own */
	assert_int_equal(t.nlanes, 2);
	assert_int_equal(t.lanes[1].pid, 0);
	tr_socks_free(&s);
	trace_free(&t);
}

static const char udp_log[] =
	"H 100 1 50 exe=/usr/bin/python3 argv=python3,udps.py\n"
	"H 200 1 60 exe=/usr/bin/python3 argv=python3,udpc.py\n"
	"X 100 100 socket -1 100 101 3 0 dom=AF_INET type=SOCK_DGRAM proto=0 sock=dgram\n"
	"X 100 100 bind 3 110 111 0 0 addr=0.0.0.0:12000 sock=dgram local=0.0.0.0:12000\n"
	"E 100 100 recvfrom 3 120\n"
	"X 100 100 recvfrom 3 120 1003 5 0 len=2048 addr=127.0.0.1:40000 sock=dgram local=0.0.0.0:12000\n"
	"X 100 100 sendto 3 1004 1006 5 0 len=5 addr=127.0.0.1:40000 sock=dgram local=0.0.0.0:12000\n"
	"E 100 100 recvfrom 3 1010\n"
	"X 200 200 socket -1 500 501 3 0 dom=AF_INET type=SOCK_DGRAM proto=0 sock=dgram\n"
	"X 200 200 sendto 3 1000 1002 5 0 len=5 addr=127.0.0.1:12000 sock=dgram local=0.0.0.0:40000\n"
	"E 200 200 recvfrom 3 1003\n"
	"X 200 200 recvfrom 3 1003 1007 5 0 len=2048 addr=127.0.0.1:12000 sock=dgram local=0.0.0.0:40000\n";

static const struct pk udp_packets[] = {
	{ 1001, true, 0, 0, 0, 5, 0 },
	{ 1005, false, 0, 0, 0, 5, 0 },
};

static void test_udp_round_trip(void **state)
{
	struct trace t;
	struct tr_socks s;

	(void)state;
	build(&t, &s, udp_log, udp_packets, 2, "127.0.0.1:40000", "127.0.0.1:12000", IPPROTO_UDP);
	assert_cause(&t, 1, call_id(&t, 200, "sendto", 0), "sendto");
	assert_cause(&t, 2, call_id(&t, 100, "sendto", 0), "sendto");
	assert_completed(&t, call_id(&t, 100, "recvfrom", 0), 1, "datagram");
	assert_completed(&t, call_id(&t, 200, "recvfrom", 0), 2, "datagram");
	assert_completed(&t, call_id(&t, 100, "recvfrom", 1), 0, NULL);
	assert_int_equal(t.nstates, 0);
	tr_socks_free(&s);
	trace_free(&t);
}

/* The kernel's own packets: a delayed ACK, a retransmission, a window
 * update, a duplicate ACK. */
static const char kernel_log[] =
	"H 100 1 50 exe=/usr/bin/python3 argv=python3,server.py\n"
	"H 200 1 60 exe=/usr/bin/python3 argv=python3,client.py\n"
	"X 100 100 socket -1 100 101 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream\n"
	"X 100 100 listen 3 120 121 0 0 backlog=10 sock=stream local=" S "\n"
	"X 100 100 accept4 3 130 1030 4 0 addr=" C " sock=stream local=" S "\n"
	"X 200 200 socket -1 500 501 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream\n"
	"X 200 200 connect 3 1000 1025 0 0 addr=" S " sock=stream local=" C " peer=" S "\n"
	"X 200 200 send 3 2000 2010 100 0 len=100 sock=stream local=" C " peer=" S "\n";

#define MS 1000000LL

static const struct pk kernel_packets[] = {
	{ 1001, true, SYN, 1000, 0, 0, 0 },                 /* 1 */
	{ 1002, false, SYN | ACK, 5000, 1001, 0, 0 },       /* 2 */
	{ 1003, true, ACK, 1001, 5001, 0, 0 },              /* 3 */
	{ 2005, true, PSH | ACK, 1001, 5001, 100, 0 },      /* 4: the send */
	{ 2005 + 200 * MS, true, PSH | ACK, 1001, 5001, 100, 0 }, /* 5: again */
	{ 2005 + 240 * MS, false, ACK, 5001, 1101, 0, 0 },  /* 6: 240 ms later */
	{ 2005 + 300 * MS, false, ACK, 5001, 1101, 0, 9000 }, /* 7: more window */
	{ 2005 + 310 * MS, false, ACK, 5001, 1101, 0, 9000 }, /* 8: the same again */
};

static void test_kernel_packets(void **state)
{
	struct trace t;
	struct tr_socks s;

	(void)state;
	build(&t, &s, kernel_log, kernel_packets, sizeof kernel_packets / sizeof kernel_packets[0],
	      C, S, IPPROTO_TCP);
	assert_cause(&t, 4, call_id(&t, 200, "send", 0), "data");
	assert_cause(&t, 5, 0, "retransmission");
	assert_cause(&t, 6, 0, "delayed ACK");
	assert_cause(&t, 7, 0, "window update");
	assert_cause(&t, 8, 0, "duplicate ACK");
	tr_socks_free(&s);
	trace_free(&t);
}

/* The kernel observer said why: its word replaces the rules' guess when
 * endpoints, sequence number and time match, and only then. */
static void test_kernel_told_reasons(void **state)
{
	struct tr_kevent kev[3];
	struct trace t;
	struct tr_socks s;

	(void)state;
	memset(kev, 0, sizeof kev);
	for (size_t i = 0; i < 3; i++) {
		kev[i].kind = TR_KEV_RETRANS;
		kev[i].reason = TR_RT_TIMEOUT;
		endpoint(C, &kev[i].src);
		endpoint(S, &kev[i].dst);
		kev[i].seq = 1001;
	}
	kev[0].ts = 2005 + 199 * MS;
	kev[0].seq = 1101;          /* another segment */
	kev[1].ts = 2005 + 199 * MS;
	endpoint(S, &kev[1].src);   /* the other direction */
	endpoint(C, &kev[1].dst);
	kev[2].ts = 2005 + 199 * MS; /* the one */
	next_kevents = kev;
	next_nkevents = 3;
	build(&t, &s, kernel_log, kernel_packets, sizeof kernel_packets / sizeof kernel_packets[0],
	      C, S, IPPROTO_TCP);
	assert_cause(&t, 4, call_id(&t, 200, "send", 0), "data");
	assert_false(tr_packet_by_no(&t, 4)->why_kernel);
	assert_cause(&t, 5, 0, "retransmission (timeout)");
	assert_true(tr_packet_by_no(&t, 5)->why_kernel);
	assert_cause(&t, 6, 0, "delayed ACK");
	assert_false(tr_packet_by_no(&t, 6)->why_kernel);
	tr_socks_free(&s);
	trace_free(&t);

	/* too long before the packet: not its event */
	kev[2].ts = 2005 - 2000 * MS + 200 * MS;
	next_kevents = kev + 2;
	next_nkevents = 1;
	build(&t, &s, kernel_log, kernel_packets, sizeof kernel_packets / sizeof kernel_packets[0],
	      C, S, IPPROTO_TCP);
	assert_cause(&t, 5, 0, "retransmission");
	assert_false(tr_packet_by_no(&t, 5)->why_kernel);
	tr_socks_free(&s);
	trace_free(&t);
}

/* Nagle held the last send until shutdown added its FIN: one segment
 * carries both, tied to the send, its FIN to the shutdown. */
static const char coalesced_log[] =
	"H 100 1 50 exe=/usr/bin/python3 argv=python3,server.py\n"
	"H 200 1 60 exe=/usr/bin/python3 argv=python3,client.py\n"
	"X 100 100 socket -1 100 101 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream\n"
	"X 100 100 listen 3 120 121 0 0 backlog=10 sock=stream local=" S "\n"
	"X 100 100 accept4 3 130 1030 4 0 addr=" C " sock=stream local=" S "\n"
	"X 200 200 socket -1 500 501 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream\n"
	"X 200 200 connect 3 1000 1025 0 0 addr=" S " sock=stream local=" C " peer=" S "\n"
	"X 200 200 send 3 2000 2010 22 0 len=22 sock=stream local=" C " peer=" S "\n"
	"X 200 200 shutdown 3 2020 2030 0 0 how=SHUT_WR sock=stream local=" C " peer=" S "\n";

static const struct pk coalesced_packets[] = {
	{ 1001, true, SYN, 1000, 0, 0, 0 },
	{ 1002, false, SYN | ACK, 5000, 1001, 0, 0 },
	{ 1003, true, ACK, 1001, 5001, 0, 0 },
	{ 2025, true, FIN | PSH | ACK, 1001, 5001, 22, 0 },
	{ 2026, false, ACK, 5001, 1024, 0, 0 },
};

static void test_data_and_fin_in_one_segment(void **state)
{
	struct trace t;
	struct tr_socks s;
	char got[128];

	(void)state;
	build(&t, &s, coalesced_log, coalesced_packets, 5, C, S, IPPROTO_TCP);
	assert_cause(&t, 4, call_id(&t, 200, "send", 0), "data, then FIN");
	assert_int_equal(tr_packet_by_no(&t, 4)->fin_by, call_id(&t, 200, "shutdown", 0));
	assert_cause(&t, 5, 0, "ACK of FIN");
	states_of(&t, C, S, got, sizeof got);
	assert_string_equal(got, "SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2");
	states_of(&t, S, C, got, sizeof got);
	assert_string_equal(got, "SYN_RCVD ESTABLISHED CLOSE_WAIT");
	tr_socks_free(&s);
	trace_free(&t);
}

static void test_threads_named_only_when_several(void **state)
{
	static const char log[] =
		"H 100 1 50 exe=/usr/bin/python3 argv=python3,threads.py\n"
		"H 200 1 60 exe=/usr/bin/python3 argv=python3,single.py\n"
		"X 100 100 socket -1 100 101 3 0 dom=AF_INET type=SOCK_DGRAM proto=0 sock=dgram\n"
		"X 100 101 socket -1 110 111 4 0 dom=AF_INET type=SOCK_DGRAM proto=0 sock=dgram\n"
		"X 200 200 socket -1 120 121 3 0 dom=AF_INET type=SOCK_DGRAM proto=0 sock=dgram\n";
	struct trace t;
	struct tr_socks s;

	(void)state;
	build(&t, &s, log, NULL, 0, C, S, IPPROTO_UDP);
	for (size_t i = 0; i < t.ncalls; i++)
		assert_int_equal(t.calls[i].threaded, t.calls[i].pid == 100);
	tr_socks_free(&s);
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_causes),
		cmocka_unit_test(test_seed_states_and_rows),
		cmocka_unit_test(test_refused_connect),
		cmocka_unit_test(test_udp_round_trip),
		cmocka_unit_test(test_kernel_packets),
		cmocka_unit_test(test_kernel_told_reasons),
		cmocka_unit_test(test_data_and_fin_in_one_segment),
		cmocka_unit_test(test_threads_named_only_when_several),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
