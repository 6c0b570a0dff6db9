/* Scenario time-wait: seed 002's client that binds port 7777, talks and
 * closes first, run again at once. Its old connection is in TIME_WAIT
 * (seen in /proc/net/tcp of the sender's namespace, with its timer); a
 * bind of 7777 without SO_REUSEADDR fails with EADDRINUSE, with it (on
 * both runs, as the lecture's program sets it; on port 7778, as 7777 is
 * still taken) succeeds. Without --short,
 * the bind is retried each second until it works: TIME_WAIT's length. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab/peer.h"
#include "tcplab/scen.h"
#include "tcplab/sock.h"
#include "tcplab/twstate.h"

#define TW_PORT 7777
#define TW_CONNS 2

struct tw_shared {
	volatile int listening;
	bool measure;               /* wait until TIME_WAIT ends */
	int err_plain, err_reuse;   /* errno of the second bind (0: it worked) */
	bool seen_tw[TW_CONNS];
	unsigned timer[TW_CONNS];
	int64_t left_ms[TW_CONNS], since_close_ms[TW_CONNS];
	int64_t duration_ms;        /* measured; -1 */
	int64_t closed_us[TW_CONNS];
};

static int tw_receiver(void *arg)
{
	struct tw_shared *sh = arg;
	int l = tl_listen(TL_PORT, 0, 8);

	if (l < 0)
		return 1;
	sh->listening = 1;
	for (int i = 0; i < TW_CONNS; i++) {
		int s = tl_accept(l, 10000);

		if (s < 0)
			return 1;
		tl_read_n(s, 0, 5000); /* until the client's FIN */
		close(s);
	}
	close(l);
	return 0;
}

static int bind_7777(uint16_t port, bool reuse)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "10.233.0.1", &a.sin_addr);
	if (s < 0)
		return -errno;
	if (reuse)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
		int e = errno;

		close(s);
		return -e;
	}
	return s;
}

/* The client's first run: bind, connect, a line, close first; then waits
 * until /proc/net/tcp shows its TIME_WAIT. */
static int first_run(struct tw_shared *sh, int k, bool reuse)
{
	int s = bind_7777(TW_PORT + k, reuse);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(TL_PORT) };
	char text[65536];

	inet_pton(AF_INET, "10.233.0.2", &a.sin_addr);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0 || write(s, "hi\n", 3) != 3)
		return -1;
	int64_t closed = tl_now_us();

	close(s);
	sh->closed_us[k] = closed;
	for (int i = 0; i < 200; i++) { /* 2 s */
		int fd = open("/proc/net/tcp", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
		struct tl_twline tw;

		if (fd >= 0)
			close(fd);
		text[n > 0 ? n : 0] = '\0';
		tl_tw_find(text, (uint16_t)(TW_PORT + k), &tw);
		if (tw.found && tw.state == 6) {
			sh->seen_tw[k] = true;
			sh->timer[k] = tw.timer;
			sh->left_ms[k] = (int64_t)tw.left_ticks * 1000 / sysconf(_SC_CLK_TCK);
			sh->since_close_ms[k] = (tl_now_us() - closed) / 1000;
			return 0;
		}
		tl_sleep_us(10000);
	}
	return 0;
}

static int tw_sender(void *arg)
{
	struct tw_shared *sh = arg;

	/* without SO_REUSEADDR */
	if (first_run(sh, 0, false) < 0)
		return 1;
	int s = bind_7777(TW_PORT, false);

	sh->err_plain = s < 0 ? -s : 0;
	if (s >= 0)
		close(s);
	/* the lecture's fix: SO_REUSEADDR in the program, both runs */
	if (first_run(sh, 1, true) < 0)
		return 1;
	s = bind_7777(TW_PORT + 1, true);
	sh->err_reuse = s < 0 ? -s : 0;
	if (s >= 0)
		close(s);
	sh->duration_ms = -1;
	if (!sh->measure)
		return 0;
	int64_t t0 = sh->closed_us[0];

	for (int i = 0; i < 700; i++) { /* 70 s */
		s = bind_7777(TW_PORT, false);
		if (s >= 0) {
			close(s);
			sh->duration_ms = (tl_now_us() - t0) / 1000;
			break;
		}
		tl_sleep_us(100000);
	}
	return 0;
}

int tl_sc_timewait(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tw_shared *sh = tl_shared(sizeof *sh);
	int rc = -1;

	tl_link_from(c, 2, &link);
	if (!sh || tl_lab_up(&lab, &link) < 0) {
		tl_shared_free(sh, sizeof *sh);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	sh->measure = !c->o->shortform;
	pid_t r = tl_peer_start(lab.ns[TL_RCV], tw_receiver, sh);

	if (r < 0 || tl_wait_flag(&sh->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	if (sh->measure)
		tl_say(c, "  (waiting until TIME_WAIT ends, up to 70 s; --short skips this)");
	pid_t s = tl_peer_start(lab.ns[TL_SND], tw_sender, sh);
	int st = s < 0 ? -1 : tl_peer_wait(s, 80000);

	tl_peer_wait(r, 5000);
	if (st != 0)
		goto out;
	rc = 0;
	bool tw = sh->seen_tw[0] && sh->seen_tw[1];
	bool plain_fails = sh->err_plain == EADDRINUSE, reuse_works = sh->err_reuse == 0;
	int64_t total = sh->left_ms[0] + sh->since_close_ms[0];
	bool timer_ok = sh->timer[0] == 3 && total >= 50000 && total <= 61000;

	tl_say(c, "  the client bound %s:%d, connected, sent a line and closed first", TL_SND_ADDR,
	       TW_PORT);
	tl_say(c, "    %s its connection is in TIME_WAIT (/proc/net/tcp state 06, timer %u) "
		  "%.0f ms after close(), %.1f s left: %.1f s in all",
	       tl_mark(tw && timer_ok), sh->timer[0], (double)sh->since_close_ms[0],
	       (double)sh->left_ms[0] / 1000.0, (double)total / 1000.0);
	tl_say(c, "    %s bind(%d) again without SO_REUSEADDR: %s", tl_mark(plain_fails), TW_PORT,
	       sh->err_plain ? strerror(sh->err_plain) : "it worked");
	tl_say(c, "    %s the same two runs with SO_REUSEADDR set in both (on port %d, as 7777's "
		  "TIME_WAIT lasts a minute): the second bind: %s",
	       tl_mark(reuse_works), TW_PORT + 1, sh->err_reuse ? strerror(sh->err_reuse) : "it works");
	if (sh->measure)
		tl_say(c, "    bind without SO_REUSEADDR worked again %.1f s after close(): "
			  "TIME_WAIT's length (Linux: 60 s, the lecture's 2·MSL)",
		       (double)sh->duration_ms / 1000.0);
	tl_emit(c, "time_wait",
		json_pack("{s:b,s:i,s:I,s:I,s:s,s:s,s:b,s:b,s:I}", "time_wait_seen", tw, "timer",
			  (int)sh->timer[0], "since_close_ms", (json_int_t)sh->since_close_ms[0],
			  "left_ms", (json_int_t)sh->left_ms[0], "bind_without_reuseaddr",
			  sh->err_plain ? strerror(sh->err_plain) : "ok", "bind_with_reuseaddr",
			  sh->err_reuse ? strerror(sh->err_reuse) : "ok", "eaddrinuse", plain_fails,
			  "reuse_works", reuse_works, "duration_ms", (json_int_t)sh->duration_ms));
	v->seen = tw && timer_ok && plain_fails && reuse_works &&
		  (!sh->measure || (sh->duration_ms >= 55000 && sh->duration_ms <= 65000));
	snprintf(v->line, sizeof v->line,
		 "in TIME_WAIT (%.1f s timer), bind(7777) without SO_REUSEADDR: %s; with it: %s%s",
		 (double)total / 1000.0, sh->err_plain ? strerror(sh->err_plain) : "worked",
		 sh->err_reuse ? strerror(sh->err_reuse) : "works", "");
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed");
	tl_lab_free(&lab);
	tl_shared_free(sh, sizeof *sh);
	return rc;
}
