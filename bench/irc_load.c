/* irc_load: the same load as chat_load, for an IRC server (ngircd): N
 * clients register (NICK/USER) and JOIN one channel; client 0 becomes an IRC
 * operator with user mode +F (no flood throttling), then sends LINES
 * PRIVMSGs of SIZE bytes; the run ends when every other client has every
 * line. Prints the time to register and join, and deliveries per second.
 *   irc_load HOST PORT [CLIENTS [LINES [SIZE [OPERNAME OPERPASS]]]]
 * One process, one libevent loop; bounded by a 120 s deadline. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#define IRC_DEADLINE_S 120
#define IRC_LINE_MAX 512

struct client {
	int idx;
	struct bufferevent *bev;
	bool joined;
	long got;
};

static struct client *clients;
static int nclients, nlines, line_size, njoined, ndone;
static const char *oper_name = "bench", *oper_pass = "bench";
static struct event_base *base;
static struct timespec t_start, t_ready, t_done;
static bool sending;
static int nconnected;
static struct sockaddr_in server;

/* ngircd's listen backlog is short: a burst of 200 connects overflows it and
 * the kernel's SYN retries stretch the join over minutes. Keep a few
 * registrations in flight instead. */
#define IRC_IN_FLIGHT 8

static void irc_on_read(struct bufferevent *bev, void *arg);
static void irc_on_event(struct bufferevent *bev, short what, void *arg);

static int irc_connect_next(void)
{
	if (nconnected == nclients)
		return 0;
	struct client *c = &clients[nconnected];
	c->idx = nconnected++;
	c->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, irc_on_read, NULL, irc_on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&server, sizeof(server)) < 0)
		return -1;
	evbuffer_add_printf(bufferevent_get_output(c->bev), "NICK c%d\r\nUSER c%d 0 * :bench\r\n",
			    c->idx, c->idx);
	return 0;
}

static double irc_secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void irc_send_all(void)
{
	struct evbuffer *out = bufferevent_get_output(clients[0].bev);
	char text[IRC_LINE_MAX];

	memset(text, 'x', (size_t)line_size);
	text[line_size] = '\0';
	for (int i = 0; i < nlines; i++) {
		char num[16];
		snprintf(num, sizeof(num), "%08d ", i % 100000000);
		memcpy(text, num, 9);
		evbuffer_add_printf(out, "PRIVMSG #bench :%s\r\n", text);
	}
}

static void irc_on_line(struct client *c, const char *line)
{
	if (strncmp(line, "PING ", 5) == 0) {
		bufferevent_write(c->bev, "PONG ", 5);
		bufferevent_write(c->bev, line + 5, strlen(line + 5));
		bufferevent_write(c->bev, "\r\n", 2);
		return;
	}
	const char *cmd = strchr(line, ' ');
	if (!cmd)
		return;
	cmd++;
	if (strncmp(cmd, "001 ", 4) == 0) {
		irc_connect_next();
		if (c->idx == 0)
			evbuffer_add_printf(bufferevent_get_output(c->bev), "OPER %s %s\r\nMODE c0 +F\r\n",
					    oper_name, oper_pass);
		bufferevent_write(c->bev, "JOIN #bench\r\n", 13);
	} else if (strncmp(cmd, "366 ", 4) == 0 && !c->joined) { /* end of NAMES: joined */
		c->joined = true;
		if (++njoined == nclients) {
			clock_gettime(CLOCK_MONOTONIC, &t_ready);
			sending = true;
			irc_send_all();
		}
	} else if (strncmp(cmd, "PRIVMSG #bench :", 16) == 0) {
		if (++c->got == nlines && ++ndone == nclients - 1) {
			clock_gettime(CLOCK_MONOTONIC, &t_done);
			event_base_loopbreak(base);
		}
	} else if (cmd[0] >= '4' && cmd[0] <= '5' && cmd[3] == ' ') {
		fprintf(stderr, "irc_load: client %d: %s\n", c->idx, line);
	}
}

static void irc_on_read(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t n;

	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF))) {
		irc_on_line(c, line);
		free(line);
	}
}

static void irc_on_event(struct bufferevent *bev, short what, void *arg)
{
	struct client *c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		fprintf(stderr, "irc_load: client %d lost its connection\n", c->idx);
		event_base_loopbreak(base);
	}
}

static void irc_on_deadline(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(base);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	if (argc < 3 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: irc_load HOST PORT [CLIENTS [LINES [SIZE [OPER PASS]]]]\n");
		return 2;
	}
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	nclients = argc > 3 ? atoi(argv[3]) : 200;
	nlines = argc > 4 ? atoi(argv[4]) : 10000;
	line_size = argc > 5 ? atoi(argv[5]) : 64;
	if (argc > 7) {
		oper_name = argv[6];
		oper_pass = argv[7];
	}
	if (nclients < 2 || nlines < 1 || line_size < 10 || line_size > 400)
		return 2;
	base = event_base_new();
	clients = calloc((size_t)nclients, sizeof(*clients));
	server = sa;
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	for (int i = 0; i < IRC_IN_FLIGHT && i < nclients; i++) {
		if (irc_connect_next() < 0) {
			fprintf(stderr, "irc_load: connect failed\n");
			return 1;
		}
	}
	struct timeval dl = { IRC_DEADLINE_S, 0 };
	struct event *deadline = evtimer_new(base, irc_on_deadline, NULL);
	evtimer_add(deadline, &dl);
	event_base_dispatch(base);
	if (!sending || ndone < nclients - 1) {
		fprintf(stderr, "irc_load: incomplete: %d of %d joined, %d of %d done\n", njoined, nclients,
			ndone, nclients - 1);
		return 1;
	}
	double deliveries = (double)(nclients - 1) * nlines;
	double send_s = irc_secs(&t_ready, &t_done);
	printf("members %d lines %d size %d join_s %.3f deliver_s %.3f deliveries %.0f per_s %.0f\n",
	       nclients, nlines, line_size, irc_secs(&t_start, &t_ready), send_s, deliveries,
	       deliveries / send_s);
	return 0;
}
