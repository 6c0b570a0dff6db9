/* Command line of socklab nc: OpenBSD nc's flags where it has them. */
#ifndef SOCKLAB_NC_OPTIONS_H
#define SOCKLAB_NC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tool.h"

#define NC_ERR_MAX 256
#define NC_BUF_MAX (64ULL * 1024 * 1024)

struct nc_config {
	int family;            /* AF_UNSPEC, AF_INET (-4), AF_INET6 (-6) */
	bool udp;              /* -u */
	bool listen;           /* -l */
	bool keep;             /* -k */
	bool zero;             /* -z */
	bool numeric;          /* -n: no name lookups */
	bool verbose;          /* -v */
	bool json;             /* --json: JSON Lines on stderr instead of -v's lines */
	bool reuseaddr;        /* --reuseaddr */
	bool no_shutdown;      /* --no-shutdown */
	bool nodelay;          /* --nodelay */
	bool crlf;             /* -C: "\n" of standard input sent as "\r\n" */
	const char *source;    /* -s ADDR */
	const char *source_port; /* -p PORT, as typed */
	const char *host;      /* connect: HOST; listen: optional ADDR */
	const char *port;      /* PORT (connect, listen), or a range with -z, as typed */
	uint16_t port_lo, port_hi; /* PORT as numbers (a name resolved); lo == hi unless a range */
	uint16_t src_port;     /* -p as a number; 0 = the kernel picks */
	int ttl;               /* -M: IP TTL / IPv6 hop limit; 0 = the kernel's */
	int64_t quit_ms;       /* -q: after stdin EOF; -1 = wait for the peer */
	uint64_t wait_ms;      /* -w: connect and idle timeout; 0 = none */
	uint64_t sndbuf, rcvbuf, mss; /* 0 = the kernel's; mss: --mss */
};

extern const char nc_usage_text[];

void nc_config_defaults(struct nc_config *cfg);
enum tool_args nc_parse_args(int argc, char **argv, struct nc_config *cfg, char *err, size_t errlen);
/* A port: 1-65535 (0 too if allow_zero: listen on a port the kernel picks),
 * or a service name of /etc/services for TCP or UDP. 0, or -1 with *why. */
int nc_port_parse(const char *s, bool udp, bool allow_zero, uint16_t *out, const char **why);
/* "20-30" (with -z): the first and last port, each 1-65535, first <= last.
 * 0, or -1 with *why. */
int nc_port_range(const char *s, uint16_t *lo, uint16_t *hi, const char **why);
/* True if s has the shape of a range ("20-30"), not of a service name. */
bool nc_port_is_range(const char *s);

#endif
