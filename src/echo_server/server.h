/* Run-time state of socklab echo-server, shared by its TCP and UDP parts. */
#ifndef SOCKLAB_ECHO_SERVER_SERVER_H
#define SOCKLAB_ECHO_SERVER_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "core/addr.h"
#include "core/conn.h"
#include "core/dgram.h"
#include "core/proc.h"
#include "core/ratelog.h"
#include "guard/srcbudget.h"
#include "guard/srcfilter.h"
#include "echo_server/options.h"

/* One read from a TCP client moves at most this much. */
#define ECHO_SERVER_IOBUF (64 * 1024)
/* Bytes owed to a TCP client at which the server stops reading from it (as
 * socklab serve's --high-water default). */
#define ECHO_SERVER_HIGH_WATER (64 * 1024)
/* Kernel buffers of a connection (SO_SNDBUF, SO_RCVBUF; the kernel books
 * twice each) and the unsent bytes it may hold (TCP_NOTSENT_LOWAT): a client
 * that sends but never reads would otherwise grow them to tcp_wmem's and
 * tcp_rmem's maximum, megabytes of the host's TCP memory each. As socklab
 * serve's defaults, which keep loopback bulk echo at full speed. */
#define ECHO_SERVER_SNDBUF (128 * 1024)
#define ECHO_SERVER_RCVBUF (128 * 1024)
#define ECHO_SERVER_NOTSENT_LOWAT (16 * 1024)
/* File descriptors kept back from the connection limit. */
#define ECHO_SERVER_FD_RESERVE 16
/* Accepting pauses this long when the process is out of descriptors. */
#define ECHO_SERVER_ACCEPT_PAUSE_MS 200
/* UDP lines (and with --json TCP messages) logged per second (and burst);
 * beyond, they are counted. */
#define ECHO_SERVER_UDP_LOG_RATE 10
#define ECHO_SERVER_UDP_LOG_BURST 20
/* SIGINT, SIGTERM and SIGHUP: each stops the server with its summary. */
#define ECHO_SERVER_NSIGNALS 3

struct echosrv_stats {
	uint64_t tcp_conns;
	uint64_t udp_in;
	uint64_t udp_out;
	uint64_t udp_dropped;
	uint64_t udp_over_budget;       /* of those dropped: the amplification budget */
	uint64_t udp_loop;              /* of those dropped: our own echoes coming back */
};

struct echo_server {
	struct proc *proc;              /* the loop and the signals */
	struct event_base *base;        /* proc's */
	const struct echo_opts *cfg;
	int fd;                         /* the listener or the UDP socket */
	union addr_any bound;           /* as bound, port resolved */
	struct evconnlistener *lev;     /* TCP */
	struct event *udp_ev;           /* UDP */
	struct dgram_batch *batch;      /* UDP */
	struct ratelog udp_log;
	struct ratelog tcp_log;         /* --json: TCP message objects */
	struct src_policy policy;       /* UDP sources never answered (as serve's) */
	struct srcbudget *budget;       /* what each UDP source may be sent (as serve's) */
	struct conn_ctx conns;          /* every open TCP connection */
	uint64_t max_conns;
	bool accept_paused;
	struct event *accept_resume;    /* timer after running out of descriptors */
	struct echosrv_stats stats;
	bool stopping;
};

/* TCP: the listener's callbacks, and the close of every connection. */
int echosrv_tcp_start(struct echo_server *srv);
void echosrv_tcp_close_all(struct echo_server *srv);

/* UDP: the socket's read event. */
int echosrv_udp_start(struct echo_server *srv);

/* Output lines on stdout. */
void echosrv_report_bound(const struct echo_server *srv);
void echosrv_report_accept(const struct sockaddr *peer);
void echosrv_report_end(const struct sockaddr *peer, uint64_t in, uint64_t out, uint64_t msgs,
			double secs, const char *reason);
/* --json only: one read of a TCP connection (its seq-th). */
void echosrv_report_tcp_message(const struct sockaddr *peer, uint64_t seq, const void *p, size_t len);
void echosrv_report_dgram(const struct sockaddr *peer, const void *p, size_t len, const char *what);
void echosrv_report_suppressed(int proto, uint64_t n);
void echosrv_report_stopped(const struct echo_server *srv);

#endif
