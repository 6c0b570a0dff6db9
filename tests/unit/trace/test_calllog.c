/* The call log parser: the record.h grammar, bad lines counted and ignored,
 * calls that never returned, time order and ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "trace/calllog.h"

static void parse(struct trace *t, struct tr_calllog *cl, const char *text)
{
	memset(t, 0, sizeof *t);
	tr_calllog_init(cl, t);
	tr_calllog_feed(cl, text, strlen(text));
	assert_int_equal(tr_calllog_finish(cl), 0);
}

static void test_lines(void **state)
{
	struct trace t;
	struct tr_calllog cl;

	(void)state;
	parse(&t, &cl,
	      "H 100 1 1000 exe=/usr/bin/python3.11 argv=python3,client.py,6666\n"
	      "X 100 100 socket -1 2000 2100 3 0 dom=AF_INET type=SOCK_STREAM proto=0 sock=stream fam=inet\n"
	      "E 100 100 connect 3 3000\n"
	      "X 100 100 connect 3 3000 3900 0 0 addr=127.0.0.1:6666 sock=stream fam=inet "
	      "local=127.0.0.1:7777 peer=127.0.0.1:6666 tcp=ESTABLISHED\n"
	      "X 100 100 setsockopt 3 2500 2600 0 0 level=SOL_SOCKET opt=SO_REUSEADDR val=1\n");
	assert_int_equal(cl.bad_lines, 0);
	assert_int_equal(t.nprocs, 1);
	assert_string_equal(t.procs[0].exe, "/usr/bin/python3.11");
	assert_string_equal(t.procs[0].cmdline, "python3 client.py 6666");
	assert_int_equal(t.ncalls, 3);
	/* sorted by entry time, numbered from 1 */
	assert_string_equal(t.calls[0].name, "socket");
	assert_string_equal(t.calls[1].name, "setsockopt");
	assert_string_equal(t.calls[2].name, "connect");
	assert_int_equal(t.calls[2].id, 3);
	assert_int_equal(t.calls[2].t_exit, 3900);
	assert_string_equal(tr_call_arg(&t.calls[2], "peer"), "127.0.0.1:6666");
	assert_null(tr_call_arg(&t.calls[2], "nothing"));
	/* typed once, by the reader */
	assert_int_equal(t.calls[2].args.peer.family, AF_INET);
	assert_int_equal(t.calls[2].args.peer.port, 6666);
	assert_int_equal(t.calls[2].args.sock, TR_SOCK_STREAM);
	tr_calllog_free(&cl);
	trace_free(&t);
}

static void test_never_returned_and_errno(void **state)
{
	struct trace t;
	struct tr_calllog cl;

	(void)state;
	parse(&t, &cl,
	      "H 7 1 10 exe=/bin/x argv=x\n"
	      "E 7 7 accept4 3 500\n"
	      "E 7 8 recv 4 400\n"
	      "X 7 8 recv 4 400 450 -1 104 len=1024 sock=stream\n");
	assert_int_equal(t.ncalls, 2);
	assert_string_equal(t.calls[0].name, "recv");
	assert_int_equal(t.calls[0].err, 104);
	assert_int_equal(t.calls[0].ret, -1);
	assert_string_equal(t.calls[1].name, "accept4");
	assert_true(t.calls[1].t_exit < 0);
	tr_calllog_free(&cl);
	trace_free(&t);
}

static void test_bad_lines_counted_not_trusted(void **state)
{
	struct trace t;
	struct tr_calllog cl;

	(void)state;
	parse(&t, &cl,
	      "Q what\n"
	      "X 1 1 connect\n"                                  /* short */
	      "X 1 1 con-nect 3 10 20 0 0\n"                     /* bad name */
	      "X 1 1 connect 3 20 10 0 0\n"                      /* returns before entry */
	      "X 1 1 connect 3 10 20 0 -5\n"                     /* negative errno */
	      "X 1 1 connect 3 10 20 0 0 addr=\x01\n"            /* control byte */
	      "X x 1 connect 3 10 20 0 0\n"                      /* bad pid */
	      "X 1 1 connect 3 99999999999999999999 20 0 0\n"    /* overflow */
	      "X 1 1 connect 3 10 20 0 0 addr=127.0.0.1:1\n");   /* the one good line */
	assert_int_equal(cl.bad_lines, 8);
	assert_int_equal(t.ncalls, 1);
	/* a process without an H line still gets a name */
	assert_int_equal(t.nprocs, 1);
	assert_string_equal(t.procs[0].cmdline, "pid 1");
	tr_calllog_free(&cl);
	trace_free(&t);
}

/* A number that would overflow, or leave its field's range, is a bad line
 * with the parser's reason, never a saturated value: a time of INT64_MAX
 * once stood for "no more calls" in the TCP state merge (issue 11 item 20).
 * Times lie in [0, TR_TIME_MAX]; pids and tids are positive; an fd is any
 * int. */
static void test_numbers_out_of_range(void **state)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "X 1 1 connect 3 9223372036854775807 9223372036854775807 0 0", "bad entry time" },
		{ "X 1 1 connect 3 4611686018427387905 4611686018427387906 0 0", "bad entry time" },
		{ "X 1 1 connect 3 10 9223372036854775807 0 0", "X line: bad exit time" },
		{ "X 1 1 connect 3 10 9223372036854775808 0 0", "X line: bad exit time" },
		{ "X 1 1 connect 3 -20 -10 0 0", "bad entry time" },
		{ "X 1 1 connect 3 +10 20 0 0", "bad entry time" },
		{ "X 1 1 connect 3 10 20 9223372036854775808 0", "X line: bad result or errno" },
		{ "X 1 1 connect 3 10 20 0 2147483648", "X line: bad result or errno" },
		{ "X 1 1 connect 3 10 20 0 -5", "X line: bad result or errno" },
		{ "X 0 1 connect 3 10 20 0 0", "bad pid or tid" },
		{ "X 1 -1 connect 3 10 20 0 0", "bad pid or tid" },
		{ "X 2147483648 1 connect 3 10 20 0 0", "bad pid or tid" },
		{ "X 1 1 connect 2147483648 10 20 0 0", "bad fd" },
		{ "E 1 1 recv 3 10033333333333333306", "bad entry time" },
		{ "H 1 1 9223372036854775807 exe=/x argv=x", "H line: bad time" },
		{ "H 1 -1 10 exe=/x argv=x", "H line: bad pid or ppid" },
	};
	struct trace t;
	struct tr_calllog cl;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse(&t, &cl, bad[i].line);
		if (cl.bad_lines != 1 || strncmp(cl.first_error, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("'%s': %zu bad, first '%s'", bad[i].line, cl.bad_lines, cl.first_error);
		assert_int_equal(t.ncalls, 0);
		tr_calllog_free(&cl);
		trace_free(&t);
	}
	/* the edges themselves are fine */
	parse(&t, &cl,
	      "H 2147483647 0 0 exe=/x argv=x\n"
	      "X 2147483647 2147483647 connect -1 0 4611686018427387904 -9223372036854775808 "
	      "2147483647\n"
	      "X 1 1 epoll_wait -2147483648 5 6 -1 9\n");
	assert_int_equal(cl.bad_lines, 0);
	assert_int_equal(t.ncalls, 2);
	assert_true(t.calls[0].t_exit == TR_TIME_MAX);
	assert_true(t.calls[0].ret == INT64_MIN);
	assert_int_equal(t.calls[1].fd, INT32_MIN);
	tr_calllog_free(&cl);
	trace_free(&t);
}

static void test_parse_int_and_numeric_args(void **state)
{
	struct trace t;
	struct tr_calllog cl;
	int64_t v = 0;

	(void)state;
	assert_true(tr_parse_int("9223372036854775807", 19, INT64_MIN, INT64_MAX, &v));
	assert_true(v == INT64_MAX);
	assert_true(tr_parse_int("-9223372036854775808", 20, INT64_MIN, INT64_MAX, &v));
	assert_true(v == INT64_MIN);
	assert_false(tr_parse_int("9223372036854775808", 19, INT64_MIN, INT64_MAX, &v));
	assert_false(tr_parse_int("-9223372036854775809", 20, INT64_MIN, INT64_MAX, &v));
	assert_false(tr_parse_int("99999999999999999999", 20, INT64_MIN, INT64_MAX, &v));
	assert_false(tr_parse_int("", 0, INT64_MIN, INT64_MAX, &v));
	assert_false(tr_parse_int("-", 1, INT64_MIN, INT64_MAX, &v));
	assert_false(tr_parse_int(" 5", 2, INT64_MIN, INT64_MAX, &v));
	assert_false(tr_parse_int("+5", 2, INT64_MIN, INT64_MAX, &v));
	assert_false(tr_parse_int("5x", 2, INT64_MIN, INT64_MAX, &v));
	assert_false(tr_parse_int("11", 2, 0, 10, &v));
	assert_true(tr_parse_int("10:IN", 2, 0, 10, &v) && v == 10);

	/* key=value numbers: a saturating value is malformed, not huge */
	parse(&t, &cl,
	      "X 1 1 sendmmsg 3 10 20 2 0 vlen=2 bytes=9223372036854775808 sock=stream\n"
	      "X 1 1 sendmmsg 3 30 40 2 0 vlen=2 bytes=4096 sock=stream\n");
	assert_true(t.calls[0].args.bytes == 0);
	assert_true(t.calls[1].args.bytes == 4096);
	tr_calllog_free(&cl);
	trace_free(&t);
}

static void test_escapes(void **state)
{
	struct trace t;
	struct tr_calllog cl;

	(void)state;
	parse(&t, &cl,
	      "H 5 1 10 exe=/tmp/my%20prog argv=my%20prog,a%2Cb,c\n"
	      "X 5 5 bind 3 10 20 0 0 addr=/tmp/sock%20path sock=stream fam=unix\n");
	assert_string_equal(t.procs[0].exe, "/tmp/my prog");
	assert_string_equal(t.procs[0].cmdline, "my prog a,b c");
	assert_string_equal(tr_call_arg(&t.calls[0], "addr"), "/tmp/sock path");
	tr_calllog_free(&cl);
	trace_free(&t);
}

static void test_endpoints(void **state)
{
	struct tr_endpoint e;
	char buf[TR_ADDRSTR_MAX];

	(void)state;
	assert_int_equal(tr_endpoint_parse("[::1]:6666", &e), 0);
	assert_string_equal(tr_endpoint_format(&e, buf, sizeof buf), "[::1]:6666");
	assert_int_equal(tr_endpoint_parse("10.0.0.1:65535", &e), 0);
	assert_int_equal(e.port, 65535);
	assert_int_equal(tr_endpoint_parse("10.0.0.1:65536", &e), -1);
	assert_int_equal(tr_endpoint_parse("10.0.0.1", &e), -1);
	assert_int_equal(tr_endpoint_parse("[::1:5", &e), -1);
	assert_int_equal(tr_endpoint_parse("", &e), -1);
}

/* A long ready list is held whole: a poll that found 400 fds ready keeps
 * all 400 (a 256-byte copy once cut it silently). */
static void test_ready_list_whole(void **state)
{
	struct tr_args a;
	char line[8192];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(line + n, sizeof line - n, "sock=stream ready=");
	for (int fd = 3; fd < 403; fd++)
		n += (size_t)snprintf(line + n, sizeof line - n, "%s%d:%s", fd > 3 ? "," : "", fd,
				      fd % 2 ? "IN" : "OUT");
	n += (size_t)snprintf(line + n, sizeof line - n, " timeout=none");
	assert_int_equal(tr_args_parse(&a, line, n), 0);
	assert_int_equal(a.nready, 400);
	assert_int_equal(a.ready[399].fd, 402);
	assert_true(a.ready[399].out && !a.ready[399].in);
	assert_true(a.ready[0].in && !a.ready[0].out);
	assert_int_equal(a.n, 3);
	tr_args_free(&a);
	/* select lists fds only: each is readable; a malformed fd is left out */
	assert_int_equal(tr_args_parse(&a, "ready=4,x,5", 11), 0);
	assert_int_equal(a.nready, 2);
	assert_true(a.ready[1].fd == 5 && a.ready[1].in && !a.ready[1].out);
	assert_false(a.ready_cut);
	tr_args_free(&a);
	/* a list the library had to cut says so */
	assert_int_equal(tr_args_parse(&a, "ready=3:IN,4:OUT,...", 20), 0);
	assert_int_equal(a.nready, 2);
	assert_true(a.ready_cut);
	tr_args_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_never_returned_and_errno),
		cmocka_unit_test(test_bad_lines_counted_not_trusted),
		cmocka_unit_test(test_numbers_out_of_range),
		cmocka_unit_test(test_parse_int_and_numeric_args),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_ready_list_whole),
		cmocka_unit_test(test_endpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
