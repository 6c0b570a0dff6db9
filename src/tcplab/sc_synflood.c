/* Scenario syn-flood: a listener with listen(10) (the lecture's "10
 * Warteplätze") in the receiver's namespace; from the sender's, a raw
 * socket sends SYNs from lab addresses nobody answers for (10.233.0.100 to
 * .199), about 2000 a second, so the half-open entries never complete;
 * meanwhile a legitimate client tries to connect, each try given 0.8 s
 * (less than the SYN's first retransmission). Once with syncookies off,
 * once on (net.ipv4.tcp_syncookies in the receiver's namespace). The SYNs
 * can reach only the lab's own listener: every address is the lab's. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/rng.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/scen.h"
#include "tcplab/sock.h"
#include "tcplab/synpkt.h"
#include "tcplab/twstate.h"

#define SF_BACKLOG 10
#define SF_TRY_MS 800

struct sf_shared {
	volatile int listening, stop;
	int attempts, ok;
	size_t half_open_max;
	uint64_t syns;
};

static size_t half_open(void)
{
	static char text[1 << 18];
	int fd = open("/proc/net/tcp", O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, r;

	if (fd < 0)
		return 0;
	while (n < (ssize_t)sizeof text - 1 && (r = read(fd, text + n, sizeof text - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	return tl_tcp_count_state(text, TL_PORT, 3);
}

static int sf_receiver(void *arg)
{
	struct sf_shared *sh = arg;
	int l = tl_listen(TL_PORT, 0, SF_BACKLOG);

	if (l < 0)
		return 1;
	sh->listening = 1;
	for (int i = 0; i < 6000 && !sh->stop; i++) { /* 60 s at most */
		int s = tl_accept(l, 10);
		size_t h = half_open();

		if (s >= 0)
			close(s);
		if (h > sh->half_open_max)
			sh->half_open_max = h;
	}
	close(l);
	return 0;
}

static int sf_flood(void *arg)
{
	struct sf_shared *sh = arg;
	int s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct rng r;
	uint8_t b[TL_SYNPKT_LEN];

	if (s < 0)
		return 1;
	rng_seed_random(&r);
	inet_pton(AF_INET, TL_RCV_ADDR, &to.sin_addr);
	for (int i = 0; i < 60000; i++) { /* 30 s at most; the parent kills it sooner */
		uint32_t src = htonl(0x0ae90064u + (uint32_t)(i % 100)); /* 10.233.0.100-199 */

		tl_synpkt(b, src, to.sin_addr.s_addr, (uint16_t)(1024 + rng_below(&r, 60000)), TL_PORT,
			  (uint32_t)rng_next(&r), (uint16_t)i);
		if (sendto(s, b, sizeof b, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)sizeof b)
			sh->syns++;
		tl_sleep_us(500);
	}
	return 0;
}

static int sf_client(void *arg)
{
	struct sf_shared *sh = arg;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(TL_PORT) };

	inet_pton(AF_INET, TL_RCV_ADDR, &a.sin_addr);
	/* the flood fills the queue first (the receiver counts its entries) */
	for (int i = 0; i < 300 && sh->half_open_max < SF_BACKLOG; i++)
		tl_sleep_us(10000);
	for (int i = 0; i < sh->attempts; i++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err = -1;
		socklen_t len = sizeof err;
		struct pollfd p = { s, POLLOUT, 0 };

		if (s < 0)
			return 1;
		if (connect(s, (struct sockaddr *)&a, sizeof a) == 0 ||
		    (errno == EINPROGRESS && poll(&p, 1, SF_TRY_MS) == 1 &&
		     getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0))
			sh->ok++;
		close(s);
		tl_sleep_us(50000);
	}
	return 0;
}

static int one_case(struct tl_lab *lab, bool cookies, int attempts, struct sf_shared *sh)
{
	memset(sh, 0, sizeof *sh);
	sh->attempts = attempts;
	tl_ns_sysctl(lab->ns[TL_RCV], "net.ipv4.tcp_syncookies", cookies ? "1" : "0");
	pid_t r = tl_peer_start(lab->ns[TL_RCV], sf_receiver, sh);

	if (r < 0 || tl_wait_flag(&sh->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		return -1;
	}
	pid_t f = tl_peer_start(lab->ns[TL_SND], sf_flood, sh);
	pid_t c = tl_peer_start(lab->ns[TL_SND], sf_client, sh);
	int st = c < 0 ? -1 : tl_peer_wait(c, (uint64_t)attempts * (SF_TRY_MS + 100) + 5000);

	if (f > 0) {
		kill(f, SIGKILL);
		tl_peer_wait(f, 1000);
	}
	sh->stop = 1;
	tl_peer_wait(r, 5000);
	return f < 0 || st != 0 ? -1 : 0;
}

int tl_sc_synflood(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct sf_shared *off = tl_shared(sizeof *off), *on = tl_shared(sizeof *on);
	int rc = -1, attempts = c->o->shortform ? 10 : 30;

	tl_link_from(c, 2, &link);
	if (!off || !on || tl_lab_up(&lab, &link) < 0) {
		tl_shared_free(off, sizeof *off);
		tl_shared_free(on, sizeof *on);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	if (one_case(&lab, false, attempts, off) < 0 || one_case(&lab, true, attempts, on) < 0)
		goto out;
	rc = 0;
	bool off_ok = off->half_open_max >= SF_BACKLOG && off->ok * 2 <= off->attempts;
	bool on_ok = on->ok * 10 >= on->attempts * 9;

	tl_say(c, "  listen(%d); spoofed SYNs from 10.233.0.100-199 (nobody answers for them), "
		  "about 2000 a second; a legitimate client tries %d times, %d ms each",
	       SF_BACKLOG, attempts, SF_TRY_MS);
	tl_say(c, "    %s syncookies off: %zu half-open entries (SYN_RECV) at most; %d of %d "
		  "connects succeeded (%.0f %%); %llu spoofed SYNs",
	       tl_mark(off_ok), off->half_open_max, off->ok, off->attempts,
	       100.0 * off->ok / off->attempts, (unsigned long long)off->syns);
	tl_say(c, "    %s syncookies on: %zu half-open entries at most; %d of %d connects "
		  "succeeded (%.0f %%): a full queue answers with a cookie instead of an entry",
	       tl_mark(on_ok), on->half_open_max, on->ok, on->attempts,
	       100.0 * on->ok / on->attempts);
	tl_report_fwd(c, &lab);
	tl_emit(c, "syn_flood",
		json_pack("{s:i,s:{s:i,s:i,s:I,s:I},s:{s:i,s:i,s:I,s:I},s:b,s:b}", "backlog",
			  SF_BACKLOG, "off", "attempts", off->attempts, "ok", off->ok, "half_open_max",
			  (json_int_t)off->half_open_max, "syns", (json_int_t)off->syns, "on",
			  "attempts", on->attempts, "ok", on->ok, "half_open_max",
			  (json_int_t)on->half_open_max, "syns", (json_int_t)on->syns, "off_ok", off_ok,
			  "on_ok", on_ok));
	v->seen = off_ok && on_ok;
	snprintf(v->line, sizeof v->line,
		 "under a SYN flood, connects succeeded %d/%d without syncookies (queue: %zu "
		 "half-open), %d/%d with them",
		 off->ok, off->attempts, off->half_open_max, on->ok, on->attempts);
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed");
	tl_lab_free(&lab);
	tl_shared_free(off, sizeof *off);
	tl_shared_free(on, sizeof *on);
	return rc;
}
