/* Printers for socket lists: ss's table and JSON Lines. They read entries
 * and decide nothing; the formatters under them are pure. */
#ifndef SOCKLAB_SOCKETS_RENDER_H
#define SOCKLAB_SOCKETS_RENDER_H

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "sockets/details.h"
#include "sockets/entry.h"
#include "sockets/options.h"

/* How the lists are drawn: the options that change the output. */
struct sockets_view {
	bool no_header; /* -H */
	bool oneline;   /* -O */
	struct sockets_details_want want;
};

void sockets_view_from_opts(struct sockets_view *v, const struct sockets_opts *o);

/* "[ffff:...]%ifname:65535" and its NUL fit. */
#define SOCKETS_ENDPOINT_MAX (46 + 2 + 1 + IF_NAMESIZE + 6 + 1)
/* users:(("comm",pid=N,fd=N),...) for SOCKETS_OWNERS_MAX owners with every
 * comm byte escaped (\xNN), plus ",...(+N more)". */
#define SOCKETS_USERS_MAX (16 + SOCKETS_OWNERS_MAX * (4 * SOCKETS_COMM_MAX + 32) + 32)

/* The address alone, numeric: "127.0.0.1", "::1", "::". */
const char *sockets_format_addr(const struct sockets_entry *e, bool local, char *buf, size_t n);
/* One end as ss prints it: "127.0.0.1:80", "[::1]:80", "0.0.0.0:*" (port 0),
 * "*:80" for a dual-stack (not IPV6_V6ONLY) IPv6 wildcard, and "%ifname"
 * before the port when ifname is not NULL. */
const char *sockets_format_endpoint(const struct sockets_entry *e, bool local, const char *ifname,
				    char *buf, size_t n);
/* A process name safe for a terminal: bytes outside printable ASCII and
 * '"', '\\' as \xNN. */
const char *sockets_escape_comm(const char *comm, char *buf, size_t n);
/* ss's process column: users:(("python3",pid=4242,fd=3)); "" without owners. */
const char *sockets_format_users(const struct sockets_entry *e, char *buf, size_t n);

/* The JSON object of one socket: proto, family, state, local_addr,
 * local_port, peer_addr, peer_port, recv_q, send_q, pid, process, uid, inode
 * (pid and process null when unknown; the lowest pid when several). A Unix
 * socket: proto and family "unix", socket_type, state, path, inode,
 * peer_inode, recv_q, send_q, pid, process, uid. */
json_t *sockets_entry_json(const struct sockets_entry *e);

/* The table on stdout; with marks, a first column of "+" (appeared) or "-"
 * (went) from each entry's change. */
void sockets_render_table(const struct sockets_list *l, bool marks, const struct sockets_view *v);
/* One JSON line per socket on stdout; with draw > 0 (--watch) each also has
 * "draw" and "change" ("appeared", "went" or null). */
void sockets_render_json(const struct sockets_list *l, unsigned long draw,
			 const struct sockets_view *v);

#endif
