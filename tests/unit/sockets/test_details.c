/* Unit tests for ss's -o, -e, -m and -i words and their JSON, and for
 * ss -s's parsers and layout. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sockets/details.h"
#include "sockets/summary.h"

static void test_ms_timer(void **state)
{
	char b[32];

	assert_string_equal(sockets_format_ms_timer(0, b, sizeof(b)), "");
	assert_string_equal(sockets_format_ms_timer(476, b, sizeof(b)), "476ms");
	assert_string_equal(sockets_format_ms_timer(1098, b, sizeof(b)), "1.098sec");
	assert_string_equal(sockets_format_ms_timer(9000, b, sizeof(b)), "9sec");
	assert_string_equal(sockets_format_ms_timer(13500, b, sizeof(b)), "13sec");
	assert_string_equal(sockets_format_ms_timer(118000, b, sizeof(b)), "1min58sec");
	assert_string_equal(sockets_format_ms_timer(7150000, b, sizeof(b)), "119min");
	assert_string_equal(sockets_timer_name(2), "keepalive");
	assert_string_equal(sockets_timer_name(4), "persist");
	assert_string_equal(sockets_timer_name(9), "unknown");
}

static struct sockets_entry entry(void)
{
	struct sockets_entry e;

	memset(&e, 0, sizeof(e));
	e.proto = IPPROTO_TCP;
	e.family = AF_INET;
	e.state = SOCKETS_ST_ESTABLISHED;
	e.timer = 2;
	e.expires = 118000;
	e.inode = 4242;
	e.cookie = 0x20ab4;
	e.uid = 1000;
	e.have_shutdown = true;
	return e;
}

static void test_inline_words(void **state)
{
	struct sockets_entry e = entry();
	struct sockets_details_want w = { .timers = true, .extended = true };
	char b[SOCKETS_DETAILS_MAX];

	assert_string_equal(sockets_format_inline(&e, &w, b, sizeof(b)),
			    " timer:(keepalive,1min58sec,0) uid:1000 ino:4242 sk:20ab4 <->");
	e.shutdown = 1;
	e.uid = 0;
	e.timer = 0;
	assert_string_equal(sockets_format_inline(&e, &w, b, sizeof(b)), " ino:4242 sk:20ab4 -->");
	e.shutdown = 3;
	e.family = AF_INET6;
	e.v6only = true;
	assert_string_equal(sockets_format_inline(&e, &w, b, sizeof(b)),
			    " ino:4242 sk:20ab4 v6only:1 ---");
	w.extended = false;
	assert_string_equal(sockets_format_inline(&e, &w, b, sizeof(b)), "");
	/* A small buffer cuts, never overruns. */
	w.extended = true;
	char small[8];
	assert_int_equal(strlen(sockets_format_inline(&e, &w, small, sizeof(small))), 7);
}

static void test_more_words(void **state)
{
	struct sockets_entry e = entry();
	struct sockets_details_want w = { .memory = true, .info = true };
	char b[SOCKETS_DETAILS_MAX];
	const uint32_t skmem[9] = { 0, 131072, 0, 16384, 0, 0, 0, 0, 0 };

	memcpy(e.skmem, skmem, sizeof(skmem));
	e.nskmem = 7;
	assert_string_equal(sockets_format_more(&e, &w, b, sizeof(b)),
			    " skmem:(r0,rb131072,t0,tb16384,f0,w0,o0)");
	e.nskmem = 9;
	e.have_info = true;
	snprintf(e.cong, sizeof(e.cong), "cubic");
	e.info.options = 1 | 2 | 4;
	e.info.snd_wscale = 7;
	e.info.rcv_wscale = 7;
	e.info.rto = 204000;
	e.info.rtt = 18;
	e.info.rttvar = 9;
	e.info.snd_mss = 32768;
	e.info.snd_cwnd = 10;
	e.info.snd_ssthresh = 0x7fffffff; /* "infinite": not shown */
	e.info.reordering = 3;
	e.info.retrans = 0;
	e.info.total_retrans = 2;
	e.info.pacing_rate = 1000;
	e.info.delivery_rate = 125;
	e.info.min_rtt = 15;
	assert_string_equal(sockets_format_more(&e, &w, b, sizeof(b)),
			    " skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) cubic wscale:7,7 rto:204"
			    " rtt:0.018/0.009 mss:32768 cwnd:10 send 145635555556bps"
			    " pacing_rate 8000bps delivery_rate 1000bps retrans:0/2 minrtt:0.015");
	/* With -o, the option flags come first, as in ss. */
	w.timers = true;
	w.memory = false;
	e.info.snd_ssthresh = 7;
	assert_string_equal(sockets_format_more(&e, &w, b, sizeof(b)),
			    " ts sack cubic wscale:7,7 rto:204 rtt:0.018/0.009 mss:32768 cwnd:10"
			    " ssthresh:7 send 145635555556bps pacing_rate 8000bps"
			    " delivery_rate 1000bps retrans:0/2 minrtt:0.015");
	/* UDP and Unix sockets have no TCP_INFO. */
	e.have_info = false;
	assert_string_equal(sockets_format_more(&e, &w, b, sizeof(b)), "");
}

static void test_unix_words(void **state)
{
	struct sockets_entry e;
	struct sockets_details_want w = { .extended = true, .memory = true };
	char b[SOCKETS_DETAILS_MAX];

	memset(&e, 0, sizeof(e));
	e.proto = SOCKETS_PROTO_UNIX;
	e.family = AF_UNIX;
	e.nskmem = 9;
	e.skmem[1] = 212992;
	e.have_shutdown = true;
	e.shutdown = 2;
	e.have_vfs = true;
	e.vfs_ino = 10953123;
	e.vfs_dev = 254u << 20; /* the kernel's dev_t; ss splits it with glibc's macros */
	e.have_icons = true;
	e.nicons = 2;
	e.icons[0] = 7;
	e.icons[1] = 8;
	assert_string_equal(sockets_format_inline(&e, &w, b, sizeof(b)),
			    " skmem:(r0,rb212992,t0,tb0,f0,w0,o0,bl0,d0) <-- ino:10953123 dev:0/65024"
			    " peers: 7 8");
	assert_string_equal(sockets_format_more(&e, &w, b, sizeof(b)), "");
	w.extended = false;
	w.memory = false;
	assert_string_equal(sockets_format_inline(&e, &w, b, sizeof(b)), "");
}

static void test_json(void **state)
{
	struct sockets_entry e = entry();
	struct sockets_details_want w = { .timers = true, .extended = true, .memory = true,
					  .info = true };
	json_t *o = json_object();

	e.nskmem = 9;
	e.skmem[1] = 131072;
	e.have_info = true;
	e.info.snd_cwnd = 10;
	e.info.rtt = 1500;
	snprintf(e.cong, sizeof(e.cong), "cubic");
	assert_int_equal(sockets_details_json(o, &e, &w), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "timer"), "name")),
			    "keepalive");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "timer"),
							    "expires_ms")), 118000);
	assert_string_equal(json_string_value(json_object_get(o, "cookie")), "20ab4");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "skmem"), "rb")),
			 131072);
	json_t *ti = json_object_get(o, "tcp_info");
	assert_int_equal(json_integer_value(json_object_get(ti, "cwnd")), 10);
	assert_true(json_real_value(json_object_get(ti, "rtt_ms")) == 1.5);
	assert_string_equal(json_string_value(json_object_get(o, "cong")), "cubic");
	json_decref(o);

	/* Only what was asked for. */
	struct sockets_details_want none = { 0 };
	o = json_object();
	assert_int_equal(sockets_details_json(o, &e, &none), 0);
	assert_int_equal(json_object_size(o), 0);
	json_decref(o);
}

static const char sockstat[] =
	"sockets: used 173\n"
	"TCP: inuse 8 orphan 1 tw 2 alloc 15 mem 3\n"
	"UDP: inuse 2 mem 1\n"
	"UDPLITE: inuse 0\n"
	"RAW: inuse 1\n"
	"FRAG: inuse 0 memory 0\n";
static const char sockstat6[] =
	"TCP6: inuse 4\n"
	"UDP6: inuse 1\n"
	"UDPLITE6: inuse 0\n"
	"RAW6: inuse 0\n"
	"FRAG6: inuse 0 memory 0\n";
static const char snmp[] =
	"Ip: Forwarding DefaultTTL\n"
	"Ip: 1 64\n"
	"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails "
	"EstabResets CurrEstab InSegs\n"
	"Tcp: 1 200 120000 -1 10 5 0 0 6 1234\n"
	"Udp: InDatagrams\n"
	"Udp: 7\n";

static void test_summary(void **state)
{
	struct sockets_summary s;
	char lines[SOCKETS_SUMMARY_LINES][SOCKETS_SUMMARY_LINE_MAX];

	memset(&s, 0, sizeof(s));
	sockets_summary_parse_sockstat(sockstat, &s);
	sockets_summary_parse_sockstat(sockstat6, &s);
	assert_int_equal(s.socks, 173);
	assert_int_equal(s.tcp4, 8);
	assert_int_equal(s.tcp_orphans, 1);
	assert_int_equal(s.tcp_tws, 2);
	assert_int_equal(s.tcp_total, 15);
	assert_int_equal(s.tcp6, 4);
	assert_int_equal(s.udp4, 2);
	assert_int_equal(s.udp6, 1);
	assert_int_equal(s.raw4, 1);
	assert_int_equal(sockets_summary_parse_snmp(snmp, &s.tcp_estab), 0);
	assert_int_equal(s.tcp_estab, 6);
	assert_int_equal(sockets_summary_parse_snmp("Tcp: A B\nTcp: 1 2\n", &s.tcp_estab), -1);
	assert_int_equal(sockets_summary_parse_snmp("", &s.tcp_estab), -1);

	assert_int_equal(sockets_summary_format(&s, lines), 9);
	assert_string_equal(lines[0], "Total: 173");
	/* ss: total = alloc + tw, closed = alloc - (inuse4 + inuse6 - tw) */
	assert_string_equal(lines[1], "TCP:   17 (estab 6, closed 5, orphaned 1, timewait 2)");
	assert_string_equal(lines[2], "");
	assert_string_equal(lines[3], "Transport Total     IP        IPv6");
	assert_string_equal(lines[4], "RAW\t  1         1         0        ");
	assert_string_equal(lines[5], "UDP\t  3         2         1        ");
	assert_string_equal(lines[6], "TCP\t  12        8         4        ");
	assert_string_equal(lines[7], "INET\t  16        11        5        ");
	assert_string_equal(lines[8], "FRAG\t  0         0         0        ");

	json_t *j = sockets_summary_json(&s);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "summary");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "tcp"), "estab")), 6);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(j, "transport"), "udp"), "ipv6")), 1);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_timer),
		cmocka_unit_test(test_inline_words),
		cmocka_unit_test(test_more_words),
		cmocka_unit_test(test_unix_words),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
