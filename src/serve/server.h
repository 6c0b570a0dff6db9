/* The lab server's run-time state, shared by its TCP, UDP and listener parts. */
#ifndef SOCKLAB_SERVE_SERVER_H
#define SOCKLAB_SERVE_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "core/addr.h"
#include "core/conn.h"
#include "core/dgram.h"
#include "core/iptab.h"
#include "core/proc.h"
#include "core/ratelog.h"
#include "guard/srcbudget.h"
#include "serve/config.h"
#include "serve/qotd.h"
#include "serve/reply.h"
#include "serve/service.h"
#include "guard/srcfilter.h"

/* One read from a TCP peer moves at most this much. */
#define SERVE_IOBUF (256 * 1024)
/* A one-shot service waits this long for the client's FIN after answering. */
#define SERVE_LINGER_MS 5000
/* File descriptors kept back from --max-conns' default. */
#define SERVE_FD_RESERVE 32
/* UDP lines logged per second (and burst), beyond which they are counted. */
#define SERVE_UDP_LOG_RATE 10
#define SERVE_UDP_LOG_BURST 20

struct listener {
	struct server *srv;
	enum service_id svc;
	int proto;                      /* IPPROTO_TCP or IPPROTO_UDP */
	int fd;
	union addr_any addr;            /* as bound, port resolved */
	struct evconnlistener *tcp;
	struct event *udp;
};

struct serve_stats {
	uint64_t tcp_conns;
	uint64_t tcp_refused;
	uint64_t udp_in;
	uint64_t udp_out;
	uint64_t udp_dropped;
	uint64_t udp_over_budget;       /* dropped: the amplification budget */
	uint64_t udp_shortened;         /* chargen answers cut to the budget */
	uint64_t udp_loop;              /* dropped: our own answers coming back */
	uint64_t udp_peer_rate;         /* dropped: the per-peer pace of generated answers */
};

struct server {
	struct proc *proc;              /* the loop and the signals */
	struct event_base *base;        /* proc's */
	const struct serve_config *cfg;
	struct listener *listeners;
	size_t nlisteners;
	struct conn_ctx conns;          /* every open TCP connection */
	uint64_t max_conns;
	struct iptab *hosts;            /* connections per host, with --max-per-host */
	struct srcbudget *budget;       /* what each UDP source may be sent */
	struct src_policy policy;
	struct quotes quotes;
	struct reply_ctx reply;
	struct dgram_batch *udp;
	struct ratelog udp_log;
	struct ratelog tcp_log;         /* refusals */
	struct serve_stats stats;
	int reserve_fd;                 /* spare fd, given up to shed a connection at EMFILE */
	bool stopping;
};

#endif
