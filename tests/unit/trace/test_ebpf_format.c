/* The eBPF backend's events as record lines: each call's keys as the
 * preload writes them, errno from the kernel's -errno, times moved to
 * CLOCK_REALTIME, and the lines read back by the call log parser; and the
 * nscd probe left out while other AF_UNIX sockets pass. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "trace/calllog.h"
#include "trace/ebpf_format.h"
#include "trace/ebpf_hide.h"

static struct tr_bpf_call_ev *ev_new(uint32_t call, int fd, int64_t ret)
{
	struct tr_bpf_call_ev *e = calloc(1, sizeof *e);

	assert_non_null(e);
	e->kind = TR_EV_CALL;
	e->call = call;
	e->pid = 100;
	e->tid = 101;
	e->fd = fd;
	e->t_enter = 1000;
	e->t_exit = 1500;
	e->ret = ret;
	e->tmo = ~0ULL;
	return e;
}

static void tcp_sock(struct tr_bpf_call_ev *e, uint8_t state, uint16_t lport, uint16_t rport)
{
	uint32_t lo = htonl(0x7f000001);

	e->sock.known = 1;
	e->sock.family = AF_INET;
	e->sock.type = SOCK_STREAM;
	e->sock.proto = 6;
	e->sock.state = state;
	e->sock.lport = lport;
	e->sock.rport = rport;
	if (lport)
		memcpy(e->sock.laddr, &lo, 4);
	if (rport)
		memcpy(e->sock.raddr, &lo, 4);
	e->sock.unread = -1;
	e->sock.linger = -1;
}

static const char *fmt(const struct tr_bpf_call_ev *e, int64_t off)
{
	static char buf[4096];
	size_t n = tr_ebpf_format_call(e, off, NULL, buf, sizeof buf);

	assert_true(n > 0 && buf[n - 1] == '\n');
	buf[n - 1] = '\0';
	return buf;
}

static void test_connect_line(void **state)
{
	struct tr_bpf_call_ev *e = ev_new(TR_BC_CONNECT, 3, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(6666) };

	(void)state;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	memcpy(e->addr, &sin, sizeof sin);
	e->addr_len = sizeof sin;
	tcp_sock(e, 1 /* ESTABLISHED */, 7777, 6666);
	assert_string_equal(fmt(e, 1000000),
			    "X 100 101 connect 3 1001000 1001500 0 0 addr=127.0.0.1:6666 sock=stream "
			    "fam=inet local=127.0.0.1:7777 peer=127.0.0.1:6666 tcp=ESTABLISHED");
	e->kind = TR_EV_ENTER;
	assert_string_equal(fmt(e, 0), "E 100 101 connect 3 1000");
	free(e);
}

static void test_errno_and_no_peer_while_connecting(void **state)
{
	struct tr_bpf_call_ev *e = ev_new(TR_BC_CONNECT, 3, -115 /* EINPROGRESS */);

	(void)state;
	tcp_sock(e, 2 /* SYN_SENT */, 7777, 6666);
	assert_string_equal(fmt(e, 0), "X 100 101 connect 3 1000 1500 -1 115 sock=stream fam=inet "
				       "local=127.0.0.1:7777 tcp=SYN_SENT");
	free(e);
}

static void test_socket_send_recv_close(void **state)
{
	struct tr_bpf_call_ev *e = ev_new(TR_BC_SOCKET, -1, 3);

	(void)state;
	e->arg[0] = AF_INET;
	e->arg[1] = SOCK_STREAM | SOCK_CLOEXEC;
	tcp_sock(e, 7 /* CLOSE */, 0, 0);
	assert_string_equal(fmt(e, 0), "X 100 101 socket -1 1000 1500 3 0 dom=AF_INET "
				       "type=SOCK_STREAM|SOCK_CLOEXEC proto=0 sock=stream fam=inet "
				       "tcp=CLOSED");
	free(e);

	e = ev_new(TR_BC_SEND, 3, 22);
	e->arg[2] = 22;
	e->arg[3] = 0x4000; /* MSG_NOSIGNAL */
	assert_string_equal(fmt(e, 0), "X 100 101 send 3 1000 1500 22 0 len=22 flags=MSG_NOSIGNAL");
	free(e);

	/* on a TCP socket: the kernel's write_seq after it (wrapping) */
	e = ev_new(TR_BC_WRITE, 3, 22);
	e->arg[2] = 22;
	tcp_sock(e, 1, 7777, 6666);
	e->sock.write_seq = 4294967290u;
	e->sock.wseq_ok = 1;
	assert_string_equal(fmt(e, 0), "X 100 101 write 3 1000 1500 22 0 len=22 wseq=4294967290 "
				       "sock=stream fam=inet local=127.0.0.1:7777 "
				       "peer=127.0.0.1:6666 tcp=ESTABLISHED");
	/* none when nothing was sent, or the kernel did not tell */
	e->ret = -11;
	assert_null(strstr(fmt(e, 0), "wseq="));
	e->ret = 22;
	e->sock.wseq_ok = 0;
	assert_null(strstr(fmt(e, 0), "wseq="));
	free(e);

	e = ev_new(TR_BC_CLOSE, 3, 0);
	tcp_sock(e, 1, 7777, 6666);
	e->sock.unread = 5;
	assert_string_equal(fmt(e, 0), "X 100 101 close 3 1000 1500 0 0 unread=5 sock=stream "
				       "fam=inet local=127.0.0.1:7777 peer=127.0.0.1:6666 "
				       "tcp=ESTABLISHED");
	free(e);
}

static void test_poll_select_epoll(void **state)
{
	struct tr_bpf_call_ev *e = ev_new(TR_BC_POLL, -1, 1);

	(void)state;
	e->arg[0] = 0x1000;
	e->arg[1] = 2;
	e->arg[2] = (uint64_t)-1;
	e->npoll = 2;
	e->poll[0] = (struct tr_bpf_pollfd){ 3, 1, 0 };
	e->poll[1] = (struct tr_bpf_pollfd){ 4, 4, 4 };
	assert_string_equal(fmt(e, 0), "X 100 101 poll -1 1000 1500 1 0 fds=3:IN,4:OUT "
				       "timeout=none ready=4:OUT");
	/* more entries than were read: both lists say they were cut */
	e->arg[1] = 300;
	assert_string_equal(fmt(e, 0), "X 100 101 poll -1 1000 1500 1 0 fds=3:IN,4:OUT,... "
				       "timeout=none ready=4:OUT,...");
	free(e);

	e = ev_new(TR_BC_SELECT, -1, 1);
	e->arg[0] = 6;
	e->arg[1] = 0x1000;
	e->arg[4] = 0x2000;
	e->tmo = (uint64_t)2 << 32 | 500;
	e->rd_in[0] = 1 << 3 | 1 << 5;
	e->rd_out[0] = 1 << 5;
	assert_string_equal(fmt(e, 0), "X 100 101 select -1 1000 1500 1 0 nfds=6 timeout=2.500 "
				       "rd=3,5 ready=5");
	free(e);

	e = ev_new(TR_BC_EPOLL_WAIT, 7, 0);
	e->arg[2] = 64;
	e->arg[3] = 100;
	assert_string_equal(fmt(e, 0), "X 100 101 epoll_wait 7 1000 1500 0 0 maxevents=64 "
				       "timeout=100");
	free(e);
}

static void test_hello_and_parse_back(void **state)
{
	char buf[4096], all[8192] = "";
	static const char argv[] = "python3\0client.py\0a b,c\0";
	struct tr_bpf_call_ev *e = ev_new(TR_BC_RECV, 3, 0);
	struct trace t = { 0 };
	struct tr_calllog cl;
	size_t n;

	(void)state;
	n = tr_ebpf_format_hello(100, 1, 900, "/usr/bin/python3.11", argv, sizeof argv - 1, buf,
				 sizeof buf);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "H 100 1 900 exe=/usr/bin/python3.11 argv=python3,client.py,"
				 "a%20b%2Cc\n");
	strcat(all, buf);
	e->arg[2] = 1024;
	tcp_sock(e, 8 /* CLOSE_WAIT */, 7777, 6666);
	e->kind = TR_EV_ENTER;
	n = tr_ebpf_format_call(e, 0, NULL, buf, sizeof buf);
	buf[n] = '\0';
	strcat(all, buf);
	e->kind = TR_EV_CALL;
	n = tr_ebpf_format_call(e, 0, NULL, buf, sizeof buf);
	buf[n] = '\0';
	strcat(all, buf);
	free(e);
	tr_calllog_init(&cl, &t);
	tr_calllog_feed(&cl, all, strlen(all));
	assert_int_equal(tr_calllog_finish(&cl), 0);
	assert_int_equal(cl.bad_lines, 0);
	assert_int_equal(t.nprocs, 1);
	assert_string_equal(t.procs[0].cmdline, "python3 client.py a b,c");
	assert_int_equal(t.ncalls, 1);
	assert_string_equal(t.calls[0].name, "recv");
	assert_int_equal(t.calls[0].ret, 0);
	assert_int_equal(t.calls[0].t_exit, 1500);
	tr_calllog_free(&cl);
	trace_free(&t);
}

/* The hide filter's out: lines appended to a buffer. */
static void collect(void *ctx, const char *line, size_t n)
{
	strncat(ctx, line, n);
}

static void feed(struct tr_ebpf_hide *h, struct tr_bpf_call_ev *e, char *out)
{
	char buf[4096];
	size_t n = tr_ebpf_format_call(e, 0, NULL, buf, sizeof buf);

	assert_true(n > 0);
	tr_ebpf_hide_line(h, e, buf, n, collect, out);
}

static void unix_probe(struct tr_ebpf_hide *h, char *out, const char *path)
{
	struct tr_bpf_call_ev *e = ev_new(TR_BC_SOCKET, -1, 4);

	e->arg[0] = AF_UNIX;
	e->arg[1] = SOCK_STREAM;
	e->sock.known = 1;
	e->sock.family = AF_UNIX;
	e->sock.type = SOCK_STREAM;
	feed(h, e, out);
	e->call = TR_BC_CONNECT;
	e->fd = 4;
	e->ret = -2;
	e->kind = TR_EV_ENTER;
	feed(h, e, out);
	e->kind = TR_EV_CALL;
	e->addr[0] = AF_UNIX;
	memcpy(e->addr + 2, path, strlen(path) + 1);
	e->addr_len = 28;
	feed(h, e, out);
	e->call = TR_BC_CLOSE;
	e->ret = 0;
	e->addr_len = 0;
	feed(h, e, out);
	free(e);
}

static void test_nscd_probe_left_out(void **state)
{
	struct tr_ebpf_hide *h = calloc(1, sizeof *h);
	char *out = calloc(1, 8192);

	(void)state;
	unix_probe(h, out, "/var/run/nscd/socket");
	tr_ebpf_hide_flush(h, -1, collect, out);
	assert_string_equal(out, "");
	unix_probe(h, out, "/tmp/other.sock");
	tr_ebpf_hide_flush(h, -1, collect, out);
	assert_non_null(strstr(out, "X 100 101 socket -1"));
	assert_non_null(strstr(out, "E 100 101 connect 4"));
	assert_non_null(strstr(out, "X 100 101 connect 4"));
	assert_non_null(strstr(out, "X 100 101 close 4"));
	free(out);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_line),
		cmocka_unit_test(test_errno_and_no_peer_while_connecting),
		cmocka_unit_test(test_socket_send_recv_close),
		cmocka_unit_test(test_poll_select_epoll),
		cmocka_unit_test(test_hello_and_parse_back),
		cmocka_unit_test(test_nscd_probe_left_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
