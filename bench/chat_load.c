/* chat_load: the UDP chat benchmark's members. N members register with
 * socklab chat-server, member 0 creates a room and the others join it; then
 * member 0 says LINES lines of SIZE bytes and the run ends when every other
 * member has received every line, exactly once, in order. Prints the time to
 * register and join, and deliveries per second.
 *   chat_load HOST PORT [MEMBERS [LINES [SIZE]]]      (default 200 10000 64)
 * One process, one libevent loop, one UDP socket per member; bounded by a
 * 120 s deadline. Speaks docs/chat-protocol.md through chatwire/chatlink,
 * the cookie round trip of registration included. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>

#include "core/addr.h"
#include "chatwire/chatlink.h"
#include "core/clock.h"
#include "core/rng.h"

#define LOAD_DEADLINE_US (120ULL * 1000000)
#define LOAD_FLUSH_MAX 64

enum member_state { M_REG, M_JOIN, M_READY };

struct member {
	int fd;
	int idx;
	enum member_state state;
	struct chat_link link;
	struct event *ev;
	uint64_t got;          /* lines received from member 0 */
	bool bad;              /* a line out of order */
	uint64_t nonce;
	char cookie[CHAT_TOKEN_HEX + 1]; /* the server's COOKIE, "" until it comes */
	bool send_reg;         /* a COOKIE came: REG again with it */
};

static struct member *members;
static int nmembers, nlines, line_size;
static int nready, ndone, nsent;
static uint64_t t_start, t_ready, t_send, t_done;
static struct event_base *base;
static struct chat_builder out[LOAD_FLUSH_MAX];
static char room[32]; /* "bench<pid>": an earlier run's room may still exist */

static void load_flush(struct member *m, bool ack_only)
{
	uint64_t now = clock_mono_us();
	unsigned n = chatwire_link_flush(&m->link, now, out, LOAD_FLUSH_MAX, ack_only);

	for (unsigned i = 0; i < n; i++)
		send(m->fd, out[i].buf, out[i].len, MSG_DONTWAIT);
}

static bool room_created;

static void load_queue(struct member *m, const char *verb, const char *arg)
{
	char line[CHAT_LINE_MAX];
	int k = snprintf(line, sizeof(line), "%s %s", verb, arg);

	chatwire_link_send(&m->link, line, (size_t)k);
	load_flush(m, false);
}

/* Member 0 says as many lines as its window takes. */
static void load_say(void)
{
	struct member *m = &members[0];
	char line[CHAT_LINE_MAX];

	while (nsent < nlines) {
		int k = snprintf(line, sizeof(line), "SAY %08d ", nsent);
		memset(line + k, 'x', (size_t)(line_size - 9));
		k += line_size - 9;
		if (!chatwire_link_send(&m->link, line, (size_t)k))
			break;
		nsent++;
	}
	load_flush(m, false);
}

static void load_member_ready(struct member *m)
{
	m->state = M_READY;
	if (++nready == nmembers) {
		t_ready = clock_mono_us();
		t_send = t_ready;
		load_say();
	}
}

/* REG as message 1 of a fresh link, with the cookie if there is one. */
static void load_register(struct member *m)
{
	char reg[96];

	chatwire_link_free(&m->link);
	chatwire_link_init(&m->link);
	/* Names unique to this run: an earlier run's sessions may still live. */
	snprintf(reg, sizeof(reg), "REG m%dp%d %016llx %s", m->idx, (int)getpid(),
		 (unsigned long long)m->nonce, m->cookie[0] ? m->cookie : "-");
	chatwire_link_send(&m->link, reg, strlen(reg));
	load_flush(m, false);
}

static void load_deliver(void *ctx, const char *line, size_t len, uint64_t sent_us)
{
	struct member *m = ctx;

	if (m->state == M_REG && len == 7 + CHAT_TOKEN_HEX && memcmp(line, "COOKIE ", 7) == 0) {
		memcpy(m->cookie, line + 7, CHAT_TOKEN_HEX);
		m->cookie[CHAT_TOKEN_HEX] = '\0';
		m->send_reg = true;
		return;
	}
	if (len >= 8 && memcmp(line, "WELCOME ", 8) == 0) {
		/* Member 0 creates the room; the others join it once it exists. */
		m->state = M_JOIN;
		if (m->idx == 0)
			load_queue(m, "CREATE", room);
		else if (room_created)
			load_queue(m, "JOIN", room);
		return;
	}
	if (len >= 10 && memcmp(line, "OK create ", 10) == 0) {
		room_created = true;
		for (int i = 1; i < nmembers; i++)
			if (members[i].state == M_JOIN)
				load_queue(&members[i], "JOIN", room);
		load_member_ready(m);
		return;
	}
	if (len >= 8 && memcmp(line, "OK join ", 8) == 0) {
		load_member_ready(m);
		return;
	}
	if (len >= 4 && memcmp(line, "MSG ", 4) == 0) {
		/* "MSG bench m0pPID NNNNNNNN xxx": the number after the third space */
		const char *num = line, *end = line + len;
		for (int sp = 0; sp < 3 && num < end; num++)
			sp += *num == ' ';
		if (num + 8 <= end && (uint64_t)atoi(num) != m->got)
			m->bad = true;
		if (++m->got == (uint64_t)nlines && ++ndone == nmembers - 1) {
			t_done = clock_mono_us();
			event_base_loopbreak(base);
		}
		return;
	}
	if (len >= 4 && memcmp(line, "ERR ", 4) == 0)
		fprintf(stderr, "chat_load: member %d: %.*s\n", m->idx, (int)len, line);
}

static void load_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct member *m = arg;
	uint8_t buf[CHAT_DGRAM_MAX + 1];
	struct chat_dgram d;

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			break;
		if (chatwire_dgram_parse(buf, (size_t)n, &d) != CHAT_OK)
			continue;
		if (d.has_token && !m->link.has_token) {
			m->link.has_token = true;
			m->link.token = d.token;
		}
		chatwire_link_receive(&m->link, &d, clock_mono_us(), load_deliver, m);
		if (m->send_reg) {
			m->send_reg = false;
			load_register(m);
		}
	}
	load_flush(m, false);
	if (m->idx == 0 && nready == nmembers)
		load_say();
}

static void load_on_tick(evutil_socket_t fd, short what, void *arg)
{
	uint64_t now = clock_mono_us();

	if (now - t_start > LOAD_DEADLINE_US) {
		event_base_loopbreak(base);
		return;
	}
	for (int i = 0; i < nmembers; i++) {
		uint64_t dl = chatwire_link_deadline(&members[i].link);
		if (dl && dl <= now)
			load_flush(&members[i], false);
	}
}

int main(int argc, char **argv)
{
	union addr_any server;

	if (argc < 3 || addr_parse_ip(argv[1], &server) < 0) {
		fprintf(stderr, "usage: chat_load HOST PORT [MEMBERS [LINES [SIZE]]]\n");
		return 2;
	}
	addr_set_port(&server.sa, (uint16_t)atoi(argv[2]));
	nmembers = argc > 3 ? atoi(argv[3]) : 200;
	nlines = argc > 4 ? atoi(argv[4]) : 10000;
	line_size = argc > 5 ? atoi(argv[5]) : 64;
	if (nmembers < 2 || nlines < 1 || line_size < 10 || line_size > CHAT_TEXT_MAX) {
		fprintf(stderr, "chat_load: MEMBERS >= 2, LINES >= 1, 10 <= SIZE <= %d\n", CHAT_TEXT_MAX);
		return 2;
	}
	snprintf(room, sizeof(room), "bench%d", (int)getpid());
	base = event_base_new();
	members = calloc((size_t)nmembers, sizeof(*members));
	struct rng r;
	rng_seed_random(&r);
	t_start = clock_mono_us();
	for (int i = 0; i < nmembers; i++) {
		struct member *m = &members[i];
		m->idx = i;
		m->fd = socket(server.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		int big = 4 << 20;
		setsockopt(m->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		if (m->fd < 0 || connect(m->fd, &server.sa, addr_len(&server.sa)) < 0) {
			perror("chat_load: socket");
			return 1;
		}
		chatwire_link_init(&m->link);
		m->nonce = rng_next(&r);
		m->ev = event_new(base, m->fd, EV_READ | EV_PERSIST, load_on_read, m);
		event_add(m->ev, NULL);
		load_register(m);
	}
	struct timeval tick = { 0, 20000 };
	struct event *t = event_new(base, -1, EV_PERSIST, load_on_tick, NULL);
	event_add(t, &tick);
	event_base_dispatch(base);

	int bad = 0;
	for (int i = 1; i < nmembers; i++)
		bad += members[i].bad;
	if (!t_done) {
		fprintf(stderr, "chat_load: incomplete: %d of %d members ready, %d of %d done\n", nready,
			nmembers, ndone, nmembers - 1);
		return 1;
	}
	double join_s = (double)(t_ready - t_start) / 1e6;
	double send_s = (double)(t_done - t_send) / 1e6;
	double deliveries = (double)(nmembers - 1) * nlines;
	printf("members %d lines %d size %d join_s %.3f deliver_s %.3f deliveries %.0f per_s %.0f "
	       "out_of_order %d\n",
	       nmembers, nlines, line_size, join_s, send_s, deliveries, deliveries / send_s, bad);
	return bad ? 1 : 0;
}
