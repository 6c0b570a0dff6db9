/* The command line of the assignment's echo pair (seed 004, Table 1), the
 * same for echo-server and echo-client: -t TCP|UDP (any case), -c, --ip
 * IPADD (also the seed's single-dash -ip), -h, -v (the version, as the seed
 * says), plus -p PORT, --timeout SECS and --json; the client also takes
 * HOST [PORT] as operands (as students type it), and --ip or HOST may be a
 * name (localhost), resolved here; the server also takes serve's
 * --amp-factor, --amp-credit and --udp-rate. */
#ifndef SOCKLAB_CORE_ECHOOPTS_H
#define SOCKLAB_CORE_ECHOOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/tool.h"

/* The port of the seed's traces. */
#define ECHO_OPTS_PORT 4002
#define ECHO_OPTS_ERR_MAX 256
#define ECHO_OPTS_CLIENT_TIMEOUT_MS 5000
#define ECHO_OPTS_CLIENT_TIMEOUT_MAX_SECS 3600
#define ECHO_OPTS_SERVER_IDLE_MAX_SECS (7 * 24 * 3600)
/* The server's --udp-rate, as serve's. */
#define ECHO_OPTS_UDP_RATE_DEFAULT (256 * 1024)
#define ECHO_OPTS_UDP_RATE_MAX (1ULL << 40)
/* A name's addresses kept, in getaddrinfo's order: the client tries each. */
#define ECHO_OPTS_ADDRS_MAX 4

enum echo_role {
	ECHO_ROLE_SERVER,  /* --ip is the address to bind; -p 0 takes any port */
	ECHO_ROLE_CLIENT,  /* --ip is the server's; --timeout waits for an echo */
};

struct echo_opts {
	int proto;              /* IPPROTO_TCP or IPPROTO_UDP */
	bool continuous;        /* -c */
	union addr_any addr;    /* --ip and -p (a name: its first address) */
	union addr_any addrs[ECHO_OPTS_ADDRS_MAX]; /* every address of --ip, addr first */
	unsigned naddrs;
	bool json;              /* --json: JSON Lines on stdout */
	uint64_t timeout_ms;    /* client: how long an echo may take (> 0);
				   server: idle timeout of a TCP connection (0: never) */
	/* server, UDP: the answer budget (guard/srcbudget) */
	uint32_t amp_factor_milli;
	uint64_t amp_credit;
	uint64_t udp_rate;      /* IP bytes a second to one address; 0: no cap */
};

/* The lines of seed 004's Table 1, word for word, for both usage texts
 * (after their "Usage:" line). */
#define ECHO_OPTS_SEED_TABLE                                         \
	"OPTIONS:\n"                                                  \
	"-c Continuous echo mode.\n"                                  \
	"-h Display the available options\n"                          \
	"--ip IPADD Specify the server IP address\n"                  \
	"-t TCP/UDP Specify the transport layer protocol.\n"          \
	"-v Print the software version\n"

/* Parses argv (left as it was) into o, defaults first; on TOOL_ARGS_USAGE
 * the reason is in err. */
enum tool_args echo_opts_parse(int argc, char **argv, enum echo_role role,
				      struct echo_opts *o, char *err, size_t errlen);

/* echo_opts_parse as a struct tool's parse, one per program of the pair. */
enum tool_args echo_opts_parse_server(int argc, char **argv, void *o, char *err, size_t errlen);
enum tool_args echo_opts_parse_client(int argc, char **argv, void *o, char *err, size_t errlen);

#endif
