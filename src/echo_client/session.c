/* The client's socket and the errors both modes share. */
#include "echo_client/session.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/sock.h"

const char *echocli_session_proto(const struct echo_session *s)
{
	return s->tcp ? "TCP" : "UDP";
}

static void echocli_session_format_wait(char *buf, size_t n, uint64_t ms)
{
	if (ms % 1000 == 0)
		snprintf(buf, n, "%llu s", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, n, "%llu.%03llu s", (unsigned long long)(ms / 1000),
			 (unsigned long long)(ms % 1000));
}

/* A socket connected to the address at s->addr_i; 0, or -1 with errno
 * (s->fd closed). */
static int echocli_session_connect(struct echo_session *s)
{
	const struct echo_opts *cfg = s->cfg;
	const struct sockaddr *sa = &cfg->addrs[s->addr_i].sa;
	int type = cfg->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;

	if (s->fd >= 0)
		close(s->fd);
	addr_format(sa, s->where, sizeof(s->where));
	s->fd = socket(sa->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -1;
	/* UDP too: a connected socket hears the ICMP "port unreachable" of a
	 * server that is not there (ECONNREFUSED) instead of waiting. */
	if (sock_connect_wait(s->fd, sa, addr_len(sa), (int)cfg->timeout_ms) < 0) {
		int err = errno;
		close(s->fd);
		s->fd = -1;
		errno = err;
		return -1;
	}
	return 0;
}

bool echocli_session_next(struct echo_session *s)
{
	while (s->addr_i + 1 < s->cfg->naddrs) {
		s->addr_i++;
		if (echocli_session_connect(s) == 0)
			return true;
	}
	return false;
}

int echocli_session_open(struct echo_session *s, const struct echo_opts *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->fd = -1;
	s->tcp = cfg->proto == IPPROTO_TCP;
	s->tty = isatty(STDIN_FILENO) == 1;
	echocli_session_format_wait(s->wait, sizeof(s->wait), cfg->timeout_ms);
	/* A name's addresses in turn ("localhost": ::1, then 127.0.0.1). */
	int rc = echocli_session_connect(s);
	while (rc < 0 && s->addr_i + 1 < cfg->naddrs) {
		s->addr_i++;
		rc = echocli_session_connect(s);
	}
	if (rc < 0) {
		int err = errno;
		if (err == ETIMEDOUT)
			log_error("cannot connect to %s over %s: no answer within %s", s->where,
				  echocli_session_proto(s), s->wait);
		else
			log_error("cannot connect to %s over %s: %s%s", s->where, echocli_session_proto(s),
				  strerror(err),
				  err == ECONNREFUSED ? " — is the server running with -t TCP?" : "");
		return -1;
	}
	s->start_us = clock_mono_us();
	if (s->tcp)
		sock_set_nodelay(s->fd, true); /* a line or a key goes out at once */
	return 0;
}

void echocli_session_close(struct echo_session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int echocli_session_ms_left(uint64_t deadline_us)
{
	uint64_t now = clock_mono_us();

	if (now >= deadline_us)
		return 0;
	return (int)((deadline_us - now + 999) / 1000);
}

int echocli_session_wait(const struct echo_session *s, short events, uint64_t deadline_us)
{
	struct pollfd pf = { .fd = s->fd, .events = events };
	int k;

	while ((k = poll(&pf, 1, echocli_session_ms_left(deadline_us))) < 0 && errno == EINTR)
		;
	if (k == 0) {
		echocli_session_report_no_echo(s);
		return -1;
	}
	return k < 0 ? 0 : pf.revents;
}

int echocli_session_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };
			poll(&pf, 1, -1);
			continue;
		}
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

void echocli_session_report_no_echo(const struct echo_session *s)
{
	if (s->tcp)
		log_error("no echo within %s over TCP — is the server at %s an echo server?", s->wait,
			  s->where);
	else
		log_error("no echo within %s over UDP — is the server running with -t UDP on %s?",
			  s->wait, s->where);
}

void echocli_session_report_closed(const struct echo_session *s)
{
	log_error("%s closed the connection", s->where);
}

void echocli_session_report_error(const struct echo_session *s, int err)
{
	if (!s->tcp && err == ECONNREFUSED)
		log_error("%s refused the datagram (no UDP socket there) — is the server running with "
			  "-t UDP?", s->where);
	else if (err == ECONNRESET || err == EPIPE)
		log_error("%s reset the connection", s->where);
	else
		log_error_errno(err, "%s over %s", s->where, echocli_session_proto(s));
}
