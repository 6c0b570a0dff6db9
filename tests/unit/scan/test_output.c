/* Unit tests for socklab scan's printers: nmap's grepable lines (-oG), the
 * table with its "Not shown" lines and the open|filtered note, the JSON
 * object per port, the services table and the progress line. Results are
 * built by hand; output goes to memory streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "scan/grepable.h"
#include "scan/progress.h"
#include "scan/report.h"
#include "scan/services.h"

static const uint16_t ports[] = { 7, 9, 13, 17, 19, 20, 21, 22, 23, 40000 };
#define NPORTS (sizeof(ports) / sizeof(ports[0]))

static struct scan_services svc;

static int setup(void **state)
{
	scan_services_init(&svc);
	scan_services_add(&svc, IPPROTO_TCP, 7, "echo");
	scan_services_add(&svc, IPPROTO_UDP, 7, "echo");
	scan_services_add(&svc, IPPROTO_TCP, 9, "discard");
	scan_services_add(&svc, IPPROTO_UDP, 9, "discard");
	scan_services_add(&svc, IPPROTO_TCP, 13, "daytime");
	scan_services_add(&svc, IPPROTO_TCP, 17, "qotd"); /* TCP only, as in netbase */
	scan_services_add(&svc, IPPROTO_TCP, 22, "ssh");
	scan_services_add(&svc, IPPROTO_TCP, 22, "ssh-second-name");
	return 0;
}

static int teardown(void **state)
{
	scan_services_free(&svc);
	return 0;
}

/* 127.0.0.1, TCP: 7 and 13 open (13 with a banner), the rest closed. */
static void make_host(struct scan_host *h, bool banners)
{
	memset(h, 0, sizeof(*h));
	h->name = "127.0.0.1";
	h->numeric = true;
	strcpy(h->ip, "127.0.0.1");
	assert_int_equal(scan_table_init(&h->tcp, IPPROTO_TCP, ports, NPORTS, banners), 0);
	for (size_t i = 0; i < NPORTS; i++)
		scan_table_set(&h->tcp, i, SCAN_CLOSED, REASON_CONN_REFUSED);
	h->tcp.state[0] = SCAN_OPEN;
	h->tcp.reason[0] = REASON_SYN_ACK;
	h->tcp.state[2] = SCAN_OPEN;
	h->tcp.reason[2] = REASON_SYN_ACK;
	if (banners)
		scan_table_set_banner(&h->tcp, 2, (const uint8_t *)"Sun Jul 12 16:44:57 2026\r\n", 26);
}

static FILE *capture_begin(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	assert_non_null(f);
	return f;
}

static void test_services_table(void **state)
{
	assert_string_equal(scan_services_name(&svc, IPPROTO_TCP, 7), "echo");
	/* the first name of a port wins */
	assert_string_equal(scan_services_name(&svc, IPPROTO_TCP, 22), "ssh");
	/* a UDP port named for TCP only borrows the TCP name */
	assert_string_equal(scan_services_name(&svc, IPPROTO_UDP, 17), "qotd");
	assert_null(scan_services_name(&svc, IPPROTO_TCP, 40000));
	struct scan_services empty;
	scan_services_init(&empty);
	assert_null(scan_services_name(&empty, IPPROTO_TCP, 7));
	scan_services_free(&empty);
}

static void test_grepable(void **state)
{
	struct scan_host h;
	FILE *f;
	size_t len;
	char *buf;
	struct tm tm = { .tm_year = 126, .tm_mon = 6, .tm_mday = 5, .tm_wday = 0, .tm_hour = 16,
			 .tm_min = 4, .tm_sec = 57 };
	char *argv[] = { "scan", "-p", "7-23", "-oG", "-", "127.0.0.1", NULL };

	make_host(&h, false);
	f = capture_begin(&buf, &len);
	scan_grep_begin(f, &tm, 6, argv);
	scan_grep_host(f, &h, &svc, false, false);
	scan_grep_end(f, &tm, 1, 1, 0.25);
	fclose(f);
	assert_string_equal(buf,
		"# socklab " SOCKLAB_VERSION " scan initiated Sun Jul  5 16:04:57 2026 as: socklab scan "
		"-p 7-23 -oG - 127.0.0.1\n"
		"Host: 127.0.0.1 ()\tStatus: Up\n"
		"Host: 127.0.0.1 ()\tPorts: 7/open/tcp//echo///, 13/open/tcp//daytime///\t"
		"Ignored State: closed (8)\n"
		"# socklab done at Sun Jul  5 16:04:57 2026 -- 1 IP address (1 host up) scanned in "
		"0.25 seconds\n");
	free(buf);

	/* -v: every port; unknown services; a name in the parentheses */
	h.name = "localhost";
	h.numeric = false;
	f = capture_begin(&buf, &len);
	scan_grep_host(f, &h, &svc, true, false);
	fclose(f);
	assert_non_null(strstr(buf, "Host: 127.0.0.1 (localhost)\tPorts: 7/open/tcp//echo///, "
				    "9/closed/tcp//discard///, "));
	assert_non_null(strstr(buf, ", 40000/closed/tcp//unknown///\n"));
	assert_null(strstr(buf, "Ignored"));
	free(buf);

	/* nothing to list: no Ports field */
	for (size_t i = 0; i < NPORTS; i++)
		h.tcp.state[i] = SCAN_CLOSED;
	f = capture_begin(&buf, &len);
	scan_grep_host(f, &h, &svc, false, false);
	scan_grep_host_down(f, &h);
	fclose(f);
	assert_string_equal(buf, "Host: 127.0.0.1 (localhost)\tStatus: Up\n"
				 "Host: 127.0.0.1 (localhost)\tIgnored State: closed (10)\n"
				 "Host: 127.0.0.1 (localhost)\tStatus: Down\n");
	free(buf);
	scan_table_free(&h.tcp);
}

static void test_grepable_tcp_and_udp(void **state)
{
	struct scan_host h;
	FILE *f;
	size_t len;
	char *buf;
	static const uint16_t uports[] = { 7, 9, 10 };

	make_host(&h, false);
	assert_int_equal(scan_table_init(&h.udp, IPPROTO_UDP, uports, 3, false), 0);
	scan_table_set(&h.udp, 0, SCAN_OPEN, REASON_UDP_RESPONSE);
	scan_table_set(&h.udp, 1, SCAN_OPEN_FILTERED, REASON_NO_RESPONSE);
	scan_table_set(&h.udp, 2, SCAN_CLOSED, REASON_PORT_UNREACH);
	f = capture_begin(&buf, &len);
	scan_grep_host(f, &h, &svc, false, false);
	fclose(f);
	assert_non_null(strstr(buf, "Ports: 7/open/tcp//echo///, 13/open/tcp//daytime///, "
				    "7/open/udp//echo///, 9/open|filtered/udp//discard///\t"
				    "Ignored State: closed (9)\n"));
	free(buf);
	scan_table_free(&h.tcp);
	scan_table_free(&h.udp);
}

static void test_table(void **state)
{
	struct scan_host h;
	FILE *f;
	size_t len;
	char *buf;

	make_host(&h, true);
	f = capture_begin(&buf, &len);
	struct scan_report r = { .out = f, .svc = &svc, .banners = true };
	scan_report_host(&r, &h);
	fclose(f);
	assert_string_equal(buf,
		"socklab scan report for 127.0.0.1\n"
		"Not shown: 8 closed tcp ports (conn-refused)\n"
		"PORT      STATE         SERVICE REASON        BANNER\n"
		"7/tcp     open          echo    syn-ack\n"
		"13/tcp    open          daytime syn-ack       Sun Jul 12 16:44:57 2026\\r\\n\n"
		"\n");
	free(buf);
	assert_int_equal(r.hosts, 1);
	assert_int_equal(r.ports_tcp, NPORTS);
	assert_int_equal(r.states[SCAN_OPEN], 2);
	assert_int_equal(r.states[SCAN_CLOSED], 8);

	/* -v lists the closed ports; several reasons are counted apart */
	h.tcp.reason[9] = REASON_HOST_UNREACH;
	h.tcp.state[9] = SCAN_FILTERED;
	h.tcp.reason[8] = REASON_NO_RESPONSE;
	h.tcp.state[8] = SCAN_FILTERED;
	char line[256];
	scan_report_not_shown(&h.tcp, SCAN_FILTERED, line, sizeof(line));
	assert_string_equal(line, "2 filtered tcp ports (1 no-response, 1 host-unreach)");
	scan_report_not_shown(&h.tcp, SCAN_CLOSED, line, sizeof(line));
	assert_string_equal(line, "6 closed tcp ports (conn-refused)");
	f = capture_begin(&buf, &len);
	r = (struct scan_report){ .out = f, .svc = &svc, .verbose = true };
	scan_report_host(&r, &h);
	fclose(f);
	assert_null(strstr(buf, "Not shown"));
	assert_non_null(strstr(buf, "\n9/tcp     closed        discard conn-refused\n"));
	assert_non_null(strstr(buf, "\n40000/tcp filtered      unknown host-unreach\n"));
	free(buf);
	scan_table_free(&h.tcp);
}

static void test_table_open_filtered_note_once(void **state)
{
	struct scan_host h;
	FILE *f;
	size_t len;
	char *buf;
	uint16_t many[40];

	for (int i = 0; i < 40; i++)
		many[i] = (uint16_t)(100 + i);
	memset(&h, 0, sizeof(h));
	h.name = "localhost";
	strcpy(h.ip, "::1");
	assert_int_equal(scan_table_init(&h.udp, IPPROTO_UDP, many, 40, false), 0);
	for (int i = 0; i < 40; i++)
		scan_table_set(&h.udp, (size_t)i, SCAN_OPEN_FILTERED, REASON_NO_RESPONSE);
	f = capture_begin(&buf, &len);
	struct scan_report r = { .out = f, .svc = &svc };
	scan_report_host(&r, &h);
	scan_report_host(&r, &h);
	fclose(f);
	/* more than 25 open|filtered ports are summed up, not listed */
	assert_non_null(strstr(buf, "socklab scan report for localhost (::1)\n"
				    "Not shown: 40 open|filtered udp ports (no-response)\n"
				    "All 40 scanned ports are in the states above.\n"));
	char *note = strstr(buf, scan_open_filtered_note);
	assert_non_null(note);
	assert_null(strstr(note + 1, scan_open_filtered_note));
	assert_non_null(strstr(scan_open_filtered_note,
			       "an open UDP port that does not reply looks the same as a filtered one"));
	free(buf);
	/* 25 are listed */
	for (int i = 25; i < 40; i++)
		h.udp.state[i] = SCAN_CLOSED;
	assert_false(scan_report_hidden(&h.udp, SCAN_OPEN_FILTERED, false, false));
	assert_true(scan_report_hidden(&h.udp, SCAN_CLOSED, false, false));
	assert_false(scan_report_hidden(&h.udp, SCAN_CLOSED, true, false));
	assert_false(scan_report_hidden(&h.udp, SCAN_OPEN, false, false));
	/* --open: open and open|filtered only, whatever -v says */
	assert_true(scan_report_hidden(&h.udp, SCAN_CLOSED, true, true));
	assert_false(scan_report_hidden(&h.udp, SCAN_OPEN_FILTERED, true, true));
	assert_false(scan_report_hidden(&h.udp, SCAN_OPEN, false, true));
	h.udp.state[0] = SCAN_FILTERED;
	assert_true(scan_report_hidden(&h.udp, SCAN_FILTERED, true, true));
	assert_false(scan_report_hidden(&h.udp, SCAN_FILTERED, true, false));
	scan_table_free(&h.udp);
}

static void test_json_port(void **state)
{
	struct scan_host h;

	make_host(&h, true);
	json_t *o = scan_report_port_json(&h, &h.tcp, 2, &svc, true);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	/* the raw banner in core/jsontext's form: a CR LF is JSON's own \r\n */
	assert_string_equal(s, "{\"addr\":\"127.0.0.1\",\"banner\":\"Sun Jul 12 16:44:57 2026\\r"
			       "\\n\",\"host\":\"127.0.0.1\",\"port\":13,\"proto\":\"tcp\","
			       "\"reason\":\"syn-ack\",\"service\":\"daytime\",\"state\":\"open\","
			       "\"type\":\"port\"}");
	free(s);
	json_decref(o);
	o = scan_report_port_json(&h, &h.tcp, 9, &svc, true);
	assert_true(json_is_null(json_object_get(o, "service")));
	assert_true(json_is_null(json_object_get(o, "banner")));
	assert_string_equal(json_string_value(json_object_get(o, "state")), "closed");
	json_decref(o);
	/* a long binary banner of stray continuation bytes (no UTF-8 at all):
	 * every byte as \xhh, bounded to the 256 kept */
	uint8_t bin[300];
	for (int i = 0; i < 300; i++)
		bin[i] = (uint8_t)(0x80 + (i % 64));
	free(h.tcp.banner[0]);
	h.tcp.banner[0] = NULL;
	scan_table_set_banner(&h.tcp, 0, bin, sizeof(bin));
	assert_int_equal(h.tcp.banner_len[0], 256);
	o = scan_report_port_json(&h, &h.tcp, 0, &svc, true);
	assert_int_equal(strlen(json_string_value(json_object_get(o, "banner"))), 256 * 4);
	json_decref(o);
	scan_table_free(&h.tcp);
}

/* A UDP scan cut short: 7 open, 9 and 10 rate-limited (uncertain), 13
 * closed, the rest pending (not scanned). */
static void make_cut_host(struct scan_host *h, enum scan_cut cut)
{
	static const uint16_t uports[] = { 7, 9, 10, 13, 17, 19 };

	memset(h, 0, sizeof(*h));
	h->name = "198.19.5.2";
	h->numeric = true;
	strcpy(h->ip, "198.19.5.2");
	assert_int_equal(scan_table_init(&h->udp, IPPROTO_UDP, uports, 6, false), 0);
	scan_table_set(&h->udp, 0, SCAN_OPEN, REASON_UDP_RESPONSE);
	scan_table_set(&h->udp, 1, SCAN_OPEN_FILTERED, REASON_RATE_LIMITED);
	scan_table_set(&h->udp, 2, SCAN_OPEN_FILTERED, REASON_RATE_LIMITED);
	scan_table_set(&h->udp, 3, SCAN_CLOSED, REASON_PORT_UNREACH);
	h->udp.cut = (uint8_t)cut;
	h->udp.limit_interval_us = 1000000;
}

static void test_cut_short_and_uncertain(void **state)
{
	struct scan_host h;
	FILE *f;
	size_t len;
	char *buf;
	char note[320];

	make_cut_host(&h, SCAN_CUT_INTERRUPTED);
	assert_int_equal(scan_report_uncertain(&h.udp), 2);
	scan_report_limit_note(note, sizeof(note), 1000000);
	f = capture_begin(&buf, &len);
	struct scan_report r = { .out = f, .svc = &svc, .signo = 2 };
	scan_report_host(&r, &h);
	scan_report_summary(&r, 2.5);
	fclose(f);
	/* pending ports are not rows: one line says how many; the uncertain
	 * ones get their own note, not the open|filtered one */
	char *want;
	assert_true(asprintf(&want,
		"socklab scan report for 198.19.5.2\n"
		"Not scanned: 2 udp ports (interrupted)\n"
		"Not shown: 1 closed udp port (port-unreach)\n"
		"PORT      STATE         SERVICE REASON\n"
		"7/udp     open          echo    udp-response\n"
		"9/udp     open|filtered discard rate-limited\n"
		"10/udp    open|filtered unknown rate-limited\n"
		"%s\n"
		"\n"
		"scan interrupted: 1 host, 6 ports (1 open; 2 uncertain: rate-limited; 2 not scanned) "
		"in 2.50 s\n", note) > 0);
	assert_string_equal(buf, want);
	free(want);
	free(buf);
	assert_non_null(strstr(note, "(one every 1.00 s, as learnt)"));
	assert_int_equal(r.uncertain, 2);
	assert_int_equal(r.states[SCAN_PENDING], 2);
	/* no table at all (-oG -): nothing, not even the summary */
	r = (struct scan_report){ .out = NULL, .svc = &svc };
	scan_report_host(&r, &h);
	scan_report_summary(&r, 1.0);
	assert_int_equal(r.hosts, 1);

	/* -oG: pending ports are neither listed nor ignored; comments say why */
	h.udp.cut = SCAN_CUT_TIMEOUT;
	f = capture_begin(&buf, &len);
	scan_grep_host(f, &h, &svc, false, false);
	scan_grep_host_notes(f, &h);
	scan_grep_interrupted(f, 2);
	fclose(f);
	assert_true(asprintf(&want,
		"Host: 198.19.5.2 ()\tStatus: Up\n"
		"Host: 198.19.5.2 ()\tPorts: 7/open/udp//echo///, 9/open|filtered/udp//discard///, "
		"10/open|filtered/udp//unknown///\tIgnored State: closed (1)\n"
		"# socklab: 2 of 6 udp ports of 198.19.5.2 not scanned (host timeout)\n"
		"# socklab: 2 udp ports of 198.19.5.2 uncertain: %s\n"
		"# socklab scan interrupted by SIGINT\n", note) > 0);
	assert_string_equal(buf, want);
	free(want);
	free(buf);
	/* a whole scan with nothing cut: no notes */
	for (size_t i = 0; i < 6; i++)
		h.udp.state[i] = SCAN_CLOSED;
	f = capture_begin(&buf, &len);
	scan_grep_host_notes(f, &h);
	fclose(f);
	assert_string_equal(buf, "");
	free(buf);
	scan_table_free(&h.udp);
}

static void test_table_set_rules(void **state)
{
	struct scan_table t;

	assert_int_equal(scan_table_init(&t, IPPROTO_UDP, ports, NPORTS, false), 0);
	assert_true(scan_table_set(&t, 0, SCAN_OPEN_FILTERED, REASON_NO_RESPONSE));
	/* a late answer still counts */
	assert_true(scan_table_set(&t, 0, SCAN_CLOSED, REASON_PORT_UNREACH));
	/* a decided port stays decided */
	assert_false(scan_table_set(&t, 0, SCAN_OPEN, REASON_UDP_RESPONSE));
	assert_false(scan_table_set(&t, NPORTS, SCAN_OPEN, REASON_UDP_RESPONSE));
	/* no banners asked: none kept */
	assert_int_equal(scan_table_set_banner(&t, 1, (const uint8_t *)"x", 1), 0);
	assert_null(t.banner);
	assert_int_equal(scan_table_count(&t, SCAN_CLOSED), 1);
	assert_int_equal(scan_table_main_reason(&t, SCAN_CLOSED), REASON_PORT_UNREACH);
	assert_int_equal(scan_table_main_reason(&t, SCAN_OPEN), REASON_NONE);
	scan_table_free(&t);
}

static void test_progress_format(void **state)
{
	char buf[160];

	scan_progress_format(buf, sizeof(buf), 0, 65535, 0, 0);
	assert_string_equal(buf, "scan: 0/65535 ports, 0 open");
	scan_progress_format(buf, sizeof(buf), 16384, 65535, 3, 250000);
	assert_string_equal(buf, "scan: 16384/65535 ports, 3 open, about 0.7 s left");
	scan_progress_format(buf, sizeof(buf), 100, 1000, 1, 3000000);
	assert_string_equal(buf, "scan: 100/1000 ports, 1 open, about 27 s left");
	scan_progress_format(buf, sizeof(buf), 2, 1000, 0, 10000000);
	assert_string_equal(buf, "scan: 2/1000 ports, 0 open, about 83 min left");
	scan_progress_format(buf, sizeof(buf), 1000, 1000, 0, 10000000);
	assert_string_equal(buf, "scan: 1000/1000 ports, 0 open");
	char tiny[10];
	scan_progress_format(tiny, sizeof(tiny), 1, 2, 0, 1000000);
	assert_string_equal(tiny, "scan: 1/2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_services_table),
		cmocka_unit_test(test_grepable),
		cmocka_unit_test(test_grepable_tcp_and_udp),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_open_filtered_note_once),
		cmocka_unit_test(test_json_port),
		cmocka_unit_test(test_cut_short_and_uncertain),
		cmocka_unit_test(test_table_set_rules),
		cmocka_unit_test(test_progress_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
