/* A snapshot: sock_diag dumps for each selected family and protocol, the
 * port filter, the /proc owner walk, the pid filter, then the sort. */
#include "sockets/snapshot.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "sockets/diag.h"
#include "sockets/expr.h"
#include "sockets/filter.h"
#include "sockets/procmap.h"

static const char *sockets_kernel_hint(int proto)
{
	return proto == IPPROTO_UDP ? " (is the udp_diag kernel module available?)"
				    : " (is the tcp_diag kernel module available?)";
}

int sockets_snapshot(struct sockets_netlink *nl, const struct sockets_opts *o,
		     struct sockets_list *l, size_t *unowned, char *why, size_t whylen)
{
	static const uint8_t protos[2] = { IPPROTO_TCP, IPPROTO_UDP };
	static const uint8_t families[2] = { AF_INET, AF_INET6 };
	const bool want_proto[2] = { o->tcp, o->udp };
	const bool want_family[2] = { o->ipv4, o->ipv6 };
	uint32_t states = sockets_opts_states(o);
	uint32_t ext = sockets_diag_ext(o->memory, o->info) |
		       (o->extended ? SOCKETS_DIAG_X_DETAILS : 0);
	char reason[SOCKETS_WHY_MAX];
	int kerr;

	sockets_list_clear(l);
	*unowned = 0;
	for (int p = 0; p < 2; p++) {
		for (int f = 0; f < 2; f++) {
			if (!want_proto[p] || !want_family[f])
				continue;
			if (sockets_netlink_dump(nl, families[f], protos[p], states, ext, l, &kerr,
						 reason, sizeof(reason)) < 0) {
				bool nosupport = kerr == ENOENT || kerr == EOPNOTSUPP;
				snprintf(why, whylen, "cannot list %s %s sockets: %s%s",
					 sockets_proto_name(protos[p]),
					 families[f] == AF_INET ? "IPv4" : "IPv6", reason,
					 nosupport ? sockets_kernel_hint(protos[p]) : "");
				return -1;
			}
		}
	}
	/* Ports are TCP's and UDP's: a port filter leaves no Unix socket. */
	if (o->unix_ && !o->have_port &&
	    sockets_netlink_dump(nl, AF_UNIX, 0, states, ext, l, &kerr, reason, sizeof(reason)) < 0) {
		snprintf(why, whylen, "cannot list Unix sockets: %s%s", reason,
			 kerr == ENOENT || kerr == EOPNOTSUPP
				 ? " (is the unix_diag kernel module available?)"
				 : "");
		return -1;
	}
	if (o->have_port)
		sockets_keep_port(l, o->port);
	sockets_keep_expr(l, &o->filter.expr);

	struct sockets_procmap_stats st;
	if (sockets_procmap_fill(l, "/proc", &st) < 0) {
		snprintf(why, whylen, "cannot read /proc for the processes: %s", strerror(errno));
		return -1;
	}
	*unowned = sockets_count_unowned(l);
	if (o->have_pid)
		sockets_keep_pid(l, o->pid);
	sockets_list_sort(l);
	return 0;
}

void sockets_note_unowned(size_t unowned)
{
	static bool told;

	if (told || unowned == 0 || geteuid() == 0)
		return;
	told = true;
	log_error("process names of other users' sockets need root");
}
