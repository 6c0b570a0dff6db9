/* Source locations: the src= value's parsing, the socket method a line of
 * Python calls, the line's text from the file, and the grouping of the
 * kernel calls of one script-level call (sendall's parts, the runtime's
 * polls, a loop running a line again). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace/calllog.h"
#include "trace/srcloc.h"

static void parse(struct trace *t, const char *text)
{
	struct tr_calllog cl;

	memset(t, 0, sizeof *t);
	tr_calllog_init(&cl, t);
	tr_calllog_feed(&cl, text, strlen(text));
	assert_int_equal(tr_calllog_finish(&cl), 0);
	assert_int_equal(cl.bad_lines, 0);
	tr_calllog_free(&cl);
	assert_int_equal(tr_srcloc_fill(t), 0);
}

static void test_parse(void **state)
{
	struct tr_src s = { 0 };

	(void)state;
	assert_true(tr_srcloc_parse("/tmp/a:b/c.py:14:Client.send", &s));
	assert_string_equal(s.file, "/tmp/a:b/c.py");
	assert_int_equal(s.line, 14);
	assert_string_equal(s.func, "Client.send");
	tr_src_free(&s);
	assert_true(tr_srcloc_parse("/x.py:3:", &s));
	assert_null(s.func);
	tr_src_free(&s);
	static const char *const bad[] = { "", ":", "x.py", "x.py:3", ":3:f", "x.py::f",
					   "x.py:3x:f", "x.py:-1:f", "x.py:99999999999:f" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(tr_srcloc_parse(bad[i], &s));
		assert_null(s.file);
	}
}

static void test_pycall(void **state)
{
	(void)state;
	assert_string_equal(tr_srcloc_pycall("self.sock.sendall(line)"), "sendall");
	assert_string_equal(tr_srcloc_pycall("print(s.recv(1024))"), "recv");
	assert_string_equal(tr_srcloc_pycall("n = s.recv_into(buf)"), "recv_into");
	assert_string_equal(tr_srcloc_pycall("c, a = srv.accept()"), "accept");
	assert_null(tr_srcloc_pycall("data = readUntilEOF(so)"));
	assert_null(tr_srcloc_pycall("x = resend(1)"));
	assert_null(tr_srcloc_pycall(NULL));
}

static void test_text_from_file(void **state)
{
	char path[] = "/tmp/socklab-srcloc-XXXXXX";
	int fd = mkstemp(path);
	const char body[] = "import socket\n\n    s.sendall(b'x')   \r\n\tlast";
	char log[1024];
	struct trace t;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
	close(fd);
	snprintf(log, sizeof log,
		 "X 1 1 send 3 10 20 1 0 len=1 src=%s:3:%%3Cmodule%%3E pyat=0x10:4\n"
		 "X 1 1 send 3 30 40 1 0 len=1 src=%s:4:f pyat=0x10:8\n"
		 "X 1 1 send 3 50 60 1 0 len=1 src=%s:5:f pyat=0x10:9\n",
		 path, path, path);
	parse(&t, log);
	unlink(path);
	assert_string_equal(t.calls[0].src.text, "s.sendall(b'x')");
	assert_string_equal(t.calls[0].src.func, "<module>");
	assert_string_equal(t.calls[0].src.pycall, "sendall");
	assert_string_equal(t.calls[1].src.text, "last");
	assert_null(t.calls[2].src.text); /* past the end */
	assert_int_equal(t.calls[2].src.line, 5);
	trace_free(&t);
}

/* Python's sendall with a timeout: send, poll, send, poll, send; then the
 * same line in a loop again; then recv with its poll. */
static void test_groups(void **state)
{
	struct trace t;

	(void)state;
	parse(&t,
	      "X 1 1 send 3 10 11 4096 0 len=10000 src=/c.py:5:f pyat=0xa:20\n"
	      "X 1 1 poll -1 12 13 1 0 fds=3:OUT src=/c.py:5:f pyat=0xa:20\n"
	      "X 1 1 send 3 14 15 4096 0 len=5904 src=/c.py:5:f pyat=0xa:20\n"
	      "X 1 1 poll -1 16 17 1 0 fds=3:OUT src=/c.py:5:f pyat=0xa:20\n"
	      "X 1 1 send 3 18 19 1808 0 len=1808 src=/c.py:5:f pyat=0xa:20\n"
	      /* other threads in between do not cut a group */
	      "X 1 2 send 4 20 21 3 0 len=3 src=/c.py:9:g pyat=0xb:2\n"
	      "X 1 1 send 3 22 23 7 0 len=7 src=/c.py:5:f pyat=0xa:20\n"
	      "X 1 1 poll -1 24 25 1 0 fds=3:IN src=/c.py:6:f pyat=0xa:24\n"
	      "X 1 1 recv 3 26 27 5 0 len=64 src=/c.py:6:f pyat=0xa:24\n"
	      "X 1 1 recv 3 28 29 5 0 len=64 src=/c.py:6:f pyat=0xa:24\n"
	      "X 1 1 poll -1 30 31 1 0 fds=3:IN src=/c.py:8:f pyat=0xa:30\n"
	      "X 1 1 poll -1 32 33 1 0 fds=3:IN src=/c.py:8:f pyat=0xa:30\n");
	assert_int_equal(t.ncalls, 12);
	for (int i = 0; i < 5; i++)
		assert_int_equal(t.calls[i].src.first, 1);
	assert_int_equal(t.calls[0].src.part, 1);
	assert_int_equal(t.calls[2].src.part, 2);
	assert_int_equal(t.calls[4].src.part, 3);
	assert_int_equal(t.calls[4].src.parts, 3);
	assert_true(t.calls[1].src.runtime && t.calls[3].src.runtime);
	assert_false(t.calls[0].src.runtime);
	/* the other thread's call and the loop's next sendall stand alone */
	assert_int_equal(t.calls[5].src.first, 0);
	assert_int_equal(t.calls[6].src.first, 0);
	assert_int_equal(t.calls[6].src.parts, 0);
	/* recv's poll is the runtime's; the next recv is a new call */
	assert_int_equal(t.calls[7].src.first, 8);
	assert_int_equal(t.calls[8].src.first, 8);
	assert_true(t.calls[7].src.runtime);
	assert_int_equal(t.calls[9].src.first, 0);
	/* a poll() line run twice: two calls of the line itself */
	assert_int_equal(t.calls[10].src.first, 0);
	assert_false(t.calls[10].src.runtime || t.calls[11].src.runtime);
	trace_free(&t);
}

static void test_short(void **state)
{
	struct tr_src s = { 0 };
	char buf[128];

	(void)state;
	assert_string_equal(tr_src_short(&s, buf, sizeof buf), "");
	s.file = "/home/u/lab/client.py";
	s.line = 12;
	assert_string_equal(tr_src_short(&s, buf, sizeof buf), "client.py:12");
	s.file = NULL;
	s.module = "/usr/bin/client";
	s.func = "send_line";
	s.offset = 0x1a;
	assert_string_equal(tr_src_short(&s, buf, sizeof buf), "client!send_line+0x1a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),       cmocka_unit_test(test_pycall),
		cmocka_unit_test(test_text_from_file), cmocka_unit_test(test_groups),
		cmocka_unit_test(test_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
