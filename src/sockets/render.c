/* The socket table (ss -tuanp's columns) and JSON Lines. */
#include "sockets/render.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/jsontext.h"
#include "core/log.h"
#include "sockets/details.h"

#define SOCKETS_NCOLS 7

const char *sockets_format_addr(const struct sockets_entry *e, bool local, char *buf, size_t n)
{
	const uint8_t *a = local ? e->local_addr : e->peer_addr;

	if (!inet_ntop(e->family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

const char *sockets_format_endpoint(const struct sockets_entry *e, bool local, const char *ifname,
				    char *buf, size_t n)
{
	static const uint8_t any[16];
	const uint8_t *a = local ? e->local_addr : e->peer_addr;
	uint16_t port = local ? e->local_port : e->peer_port;
	char ip[INET6_ADDRSTRLEN], host[INET6_ADDRSTRLEN + 2], portstr[8];

	if (e->family == AF_INET6 && !e->v6only && memcmp(a, any, sizeof(any)) == 0)
		snprintf(host, sizeof(host), "*");
	else if (e->family == AF_INET6)
		snprintf(host, sizeof(host), "[%s]", sockets_format_addr(e, local, ip, sizeof(ip)));
	else
		snprintf(host, sizeof(host), "%s", sockets_format_addr(e, local, ip, sizeof(ip)));
	if (port)
		snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
	else
		snprintf(portstr, sizeof(portstr), "*");
	if (ifname && *ifname)
		snprintf(buf, n, "%s%%%.*s:%s", host, IF_NAMESIZE, ifname, portstr);
	else
		snprintf(buf, n, "%s:%s", host, portstr);
	return buf;
}

const char *sockets_escape_comm(const char *comm, char *buf, size_t n)
{
	size_t at = 0;

	if (n == 0)
		return buf;
	for (const unsigned char *p = (const unsigned char *)comm; *p && at + 5 <= n; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			at += (size_t)snprintf(buf + at, n - at, "\\x%02x", *p);
		else
			buf[at++] = (char)*p;
	}
	buf[at < n ? at : n - 1] = '\0';
	return buf;
}

const char *sockets_format_users(const struct sockets_entry *e, char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	if (e->nowners == 0)
		return buf;
	at += (size_t)snprintf(buf + at, n - at, "users:(");
	for (unsigned i = 0; i < e->nowners && at < n; i++) {
		char name[4 * SOCKETS_COMM_MAX + 1];
		at += (size_t)snprintf(buf + at, n - at, "%s(\"%s\",pid=%" PRId32 ",fd=%" PRId32 ")",
				       i ? "," : "",
				       sockets_escape_comm(e->owners[i].comm, name, sizeof(name)),
				       e->owners[i].pid, e->owners[i].fd);
	}
	if (e->owners_more && at < n)
		at += (size_t)snprintf(buf + at, n - at, ",...(+%" PRIu32 " more)", e->owners_more);
	if (at < n)
		snprintf(buf + at, n - at, ")");
	return buf;
}

static const char *sockets_unix_type(uint8_t t)
{
	return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "dgram"
					   : t == SOCK_SEQPACKET ? "seqpacket" : "unknown";
}

/* A Unix socket: its path (through jsontext: any bytes) and both inodes. */
static json_t *sockets_unix_json(const struct sockets_entry *e, json_t *pid, json_t *process)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:o,s:o,s:I}",
			 "type", "socket",
			 "proto", "unix",
			 "family", "unix",
			 "socket_type", sockets_unix_type(e->sock_type),
			 "state", sockets_state_name(e->state),
			 "path", e->path_len ? jsontext_bytes(e->path, e->path_len) : json_null(),
			 "inode", (json_int_t)e->inode,
			 "peer_inode", (json_int_t)e->peer_inode,
			 "recv_q", (json_int_t)e->recv_q,
			 "send_q", (json_int_t)e->send_q,
			 "pid", pid,
			 "process", process,
			 "uid", (json_int_t)e->uid);
}

json_t *sockets_entry_json(const struct sockets_entry *e)
{
	char local[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
	json_t *pid = json_null(), *process = json_null();

	if (e->nowners > 0) {
		pid = json_integer(e->owners[0].pid);
		/* A process name is anyone's bytes: the one JSON form (core/jsontext). */
		process = jsontext_str(e->owners[0].comm);
	}
	if (e->proto == SOCKETS_PROTO_UNIX)
		return sockets_unix_json(e, pid, process);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:I,s:I,s:o,s:o,s:I,s:I}",
			 "type", "socket",
			 "proto", sockets_proto_name(e->proto),
			 "family", e->family == AF_INET6 ? "ipv6" : "ipv4",
			 "state", sockets_state_name(e->state),
			 "local_addr", sockets_format_addr(e, true, local, sizeof(local)),
			 "local_port", (int)e->local_port,
			 "peer_addr", sockets_format_addr(e, false, peer, sizeof(peer)),
			 "peer_port", (int)e->peer_port,
			 "recv_q", (json_int_t)e->recv_q,
			 "send_q", (json_int_t)e->send_q,
			 "pid", pid,
			 "process", process,
			 "uid", (json_int_t)e->uid,
			 "inode", (json_int_t)e->inode);
}

static const char *const sockets_change_names[] = {
	[SOCKETS_KEPT] = NULL,
	[SOCKETS_APPEARED] = "appeared",
	[SOCKETS_WENT] = "went",
};

void sockets_view_from_opts(struct sockets_view *v, const struct sockets_opts *o)
{
	memset(v, 0, sizeof(*v));
	v->no_header = o->no_header;
	v->oneline = o->oneline;
	v->want.timers = o->timers;
	v->want.extended = o->extended;
	v->want.memory = o->memory;
	v->want.info = o->info;
}

void sockets_render_json(const struct sockets_list *l, unsigned long draw,
			 const struct sockets_view *v)
{
	for (size_t i = 0; i < l->n; i++) {
		json_t *o = sockets_entry_json(&l->v[i]);
		if (o && sockets_details_json(o, &l->v[i], &v->want) < 0) {
			json_decref(o);
			o = NULL;
		}
		if (o && draw > 0) {
			const char *change = l->v[i].change <= SOCKETS_WENT
						     ? sockets_change_names[l->v[i].change]
						     : NULL;
			json_object_set_new(o, "draw", json_integer((json_int_t)draw));
			json_object_set_new(o, "change", change ? json_string(change) : json_null());
		}
		log_out_json(o);
	}
}

/* The cells of one row; the endpoint cells resolve the bound device. */
struct sockets_row {
	char netid[8], state[16], recv_q[12], send_q[12];
	char local[SOCKETS_ENDPOINT_MAX + SOCKETS_PATH_MAX], peer[SOCKETS_ENDPOINT_MAX];
	char users[SOCKETS_USERS_MAX + SOCKETS_DETAILS_MAX];
	char more[SOCKETS_DETAILS_MAX]; /* -m, -i: the continuation line */
};

/* A Unix socket's ends as ss prints them: "PATH INODE" (or "* INODE"),
 * "* PEER-INODE"; path bytes outside printable ASCII as \xNN. */
static void sockets_unix_ends(const struct sockets_entry *e, struct sockets_row *r)
{
	/* the column's room less " INODE": a path longer than that once
	 * escaped ends in "..." and the inode is never cut */
	char path[sizeof(r->local) - 11];
	size_t at = 0, i;

	for (i = 0; i < e->path_len && at + 5 < sizeof(path); i++) {
		unsigned char c = (unsigned char)e->path[i];
		if (c <= 0x20 || c >= 0x7f || c == '\\')
			at += (size_t)snprintf(path + at, sizeof(path) - at, "\\x%02x", c);
		else
			path[at++] = (char)c;
	}
	if (i < e->path_len && at >= 3)
		memcpy(path + at - 3, "...", 3);
	path[at] = '\0';
	snprintf(r->local, sizeof(r->local), "%s %" PRIu32, at ? path : "*", e->inode);
	snprintf(r->peer, sizeof(r->peer), "* %" PRIu32, e->peer_inode);
}

static void sockets_row_fill(const struct sockets_entry *e, const struct sockets_view *v,
			     struct sockets_row *r)
{
	char ifbuf[IF_NAMESIZE], words[SOCKETS_DETAILS_MAX];
	const char *ifname = e->ifindex ? if_indextoname(e->ifindex, ifbuf) : NULL;

	snprintf(r->netid, sizeof(r->netid), "%s", sockets_entry_netid(e));
	snprintf(r->state, sizeof(r->state), "%s", sockets_state_name(e->state));
	snprintf(r->recv_q, sizeof(r->recv_q), "%" PRIu32, e->recv_q);
	snprintf(r->send_q, sizeof(r->send_q), "%" PRIu32, e->send_q);
	if (e->proto == SOCKETS_PROTO_UNIX) {
		sockets_unix_ends(e, r);
	} else {
		sockets_format_endpoint(e, true, ifname, r->local, sizeof(r->local));
		sockets_format_endpoint(e, false, NULL, r->peer, sizeof(r->peer));
	}
	sockets_format_users(e, r->users, sizeof(r->users));
	/* ss -o and -e words follow the process, each after a space. */
	sockets_format_inline(e, &v->want, words, sizeof(words));
	size_t at = strlen(r->users);
	snprintf(r->users + at, sizeof(r->users) - at, "%s", at ? words : words + (words[0] == ' '));
	sockets_format_more(e, &v->want, r->more, sizeof(r->more));
}

static const char *sockets_row_cell(const struct sockets_row *r, int col)
{
	switch (col) {
	case 0: return r->netid;
	case 1: return r->state;
	case 2: return r->recv_q;
	case 3: return r->send_q;
	case 4: return r->local;
	case 5: return r->peer;
	default: return r->users;
	}
}

static void sockets_print_row(const char *mark, const char *const cells[SOCKETS_NCOLS],
			      const int width[SOCKETS_NCOLS], const char *more)
{
	char line[sizeof(((struct sockets_row *)0)->users) + 6 * SOCKETS_ENDPOINT_MAX +
		  SOCKETS_PATH_MAX + SOCKETS_DETAILS_MAX + 64];
	size_t at = 0;

	at += (size_t)snprintf(line + at, sizeof(line) - at, "%s", mark);
	for (int c = 0; c < SOCKETS_NCOLS && at < sizeof(line); c++)
		at += (size_t)snprintf(line + at, sizeof(line) - at, "%s%-*s", c ? " " : "",
				       c < SOCKETS_NCOLS - 1 ? width[c] : 0, cells[c]);
	if (at >= sizeof(line))
		at = sizeof(line) - 1;
	while (at > 0 && line[at - 1] == ' ')
		at--;
	line[at] = '\0';
	if (more && *more)
		log_out_line("%s%s", line, more);
	else
		log_out_line("%s", line);
}

void sockets_render_table(const struct sockets_list *l, bool marks, const struct sockets_view *v)
{
	static const char *const head[SOCKETS_NCOLS] = {
		"Netid", "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port",
		"Process",
	};
	int width[SOCKETS_NCOLS];
	struct sockets_row r;

	for (int c = 0; c < SOCKETS_NCOLS; c++)
		width[c] = (int)strlen(head[c]);
	/* Two passes over the entries (widths, then rows) keep memory bounded. */
	for (size_t i = 0; i < l->n; i++) {
		sockets_row_fill(&l->v[i], v, &r);
		for (int c = 0; c < SOCKETS_NCOLS; c++) {
			int w = (int)strlen(sockets_row_cell(&r, c));
			if (w > width[c])
				width[c] = w;
		}
	}
	if (!v->no_header)
		sockets_print_row(marks ? "  " : "", head, width, NULL);
	for (size_t i = 0; i < l->n; i++) {
		const char *cells[SOCKETS_NCOLS];
		const char *mark = "";
		sockets_row_fill(&l->v[i], v, &r);
		for (int c = 0; c < SOCKETS_NCOLS; c++)
			cells[c] = sockets_row_cell(&r, c);
		if (marks)
			mark = l->v[i].change == SOCKETS_APPEARED ? "+ "
			       : l->v[i].change == SOCKETS_WENT   ? "- "
								  : "  ";
		sockets_print_row(mark, cells, width, v->oneline ? r.more : NULL);
		if (!v->oneline && r.more[0])
			log_out_line("\t%s", r.more);
	}
}
