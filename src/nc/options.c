/* socklab nc's options: getopt_long, then one block of conflict checks. */
#include "nc/options.h"

#include <ctype.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/opt.h"
#include "nc/habits.h"

const char nc_usage_text[] =
	"Usage: socklab nc [options] HOST PORT       connect to HOST on PORT\n"
	"       socklab nc -l [options] [ADDR] PORT  listen on PORT (ADDR: all addresses)\n"
	"\n"
	"Copies standard input to the socket and the socket to standard output,\n"
	"binary-safe. OpenBSD nc's flags where it has one.\n"
	"\n"
	"  -4                 IPv4 only\n"
	"  -6                 IPv6 only\n"
	"  -u                 UDP instead of TCP\n"
	"  -l                 listen for one peer, serve it, exit\n"
	"  -k                 with -l: then listen for the next peer\n"
	"  -s ADDR            local address to bind (listen on it with -l)\n"
	"  -p PORT            local port to bind before connecting (or to listen on)\n"
	"      --reuseaddr    set SO_REUSEADDR before binding (seed 002's client)\n"
	"  -n                 numeric addresses only, no name lookups\n"
	"  -z                 zero I/O: only report whether the port (or range 20-30) is open\n"
	"  -w SECS            connect timeout, and idle timeout once connected (TCP, UDP)\n"
	"  -q SECS            after standard input ends, quit SECS later (0: at once)\n"
	"  -N                 shut down the write side at input EOF (the default; OpenBSD's flag)\n"
	"  -C                 send standard input's line ends as CRLF (the RFC protocols')\n"
	"      --no-shutdown  keep the write side open at input EOF\n"
	"      --nodelay      set TCP_NODELAY: no Nagle (seed 002)\n"
	"  -O, --sndbuf BYTES set SO_SNDBUF\n"
	"  -I, --rcvbuf BYTES set SO_RCVBUF\n"
	"  -M, --ttl HOPS     IP TTL / IPv6 hop limit of outgoing packets (1-255)\n"
	"      --mss BYTES    set TCP_MAXSEG before connecting\n"
	"  -v                 tell on standard error: addresses after connect, how it ended\n"
	"      --json         JSON Lines on standard error instead (standard output is\n"
	"                     the data): events, one object per session at its end\n"
	"                     (bytes, duration, how it closed, TCP_INFO), one per -z port\n"
	"  -h, --help         show this help\n"
	"      --version      show the version\n"
	"\n"
	"Half-close: each direction ends on its own. At standard input's EOF a TCP\n"
	"connection is shut down for writing (FIN; --no-shutdown: none) and nc goes on\n"
	"reading; the peer's FIN ends only what the peer sends, and nc goes on sending\n"
	"its input to the end. The session ends when both are done (-q: SECS after\n"
	"input EOF). A session stopped with input unsent says how much, exit 1.\n"
	"UDP sends one datagram per read of standard input and reports a datagram\n"
	"that got no reply within -w (default 2 s); -w is also UDP's idle timeout.\n"
	"Ports are 1-65535 or service names.\n"
	"\n"
	"Exit status: 0 success; 1 refused, reset, timed out, name not found or input\n"
	"not all sent; 2 usage; with --json, 128+N when signal N stopped the session.\n";

enum {
	OPT_REUSEADDR = 256,
	OPT_NO_SHUTDOWN,
	OPT_NODELAY,
	OPT_MSS,
	OPT_JSON,
};

static const struct option nc_long_options[] = {
	OPT_FLAG("reuseaddr", OPT_REUSEADDR),
	OPT_FLAG("no-shutdown", OPT_NO_SHUTDOWN),
	OPT_FLAG("nodelay", OPT_NODELAY),
	OPT_FLAG("json", OPT_JSON),
	OPT_VALUE("sndbuf", 'O'),
	OPT_VALUE("rcvbuf", 'I'),
	OPT_VALUE("mss", OPT_MSS),
	OPT_VALUE("ttl", 'M'),
	TOOL_LONG_OPTIONS_END,
};

void nc_config_defaults(struct nc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_UNSPEC;
	cfg->quit_ms = -1;
}

static bool nc_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int nc_port_parse(const char *s, bool udp, bool allow_zero, uint16_t *out, const char **why)
{
	uint64_t v;

	/* Parsed here, never by getaddrinfo(3): glibc takes a numeric service
	 * modulo 65536 (70000 would become 4464). */
	if (nc_all_digits(s)) {
		if (opt_parse_u64(s, allow_zero ? 0 : 1, 65535, &v, why) < 0) {
			*why = allow_zero ? "out of range (0-65535)" : "out of range (1-65535)";
			return -1;
		}
		*out = (uint16_t)v;
		return 0;
	}
	struct servent *se = getservbyname(s, udp ? "udp" : "tcp");
	if (!se) {
		*why = "not a port or service name";
		return -1;
	}
	*out = ntohs((uint16_t)se->s_port);
	return 0;
}

bool nc_port_is_range(const char *s)
{
	const char *dash = strchr(s, '-');

	return dash && dash > s && isdigit((unsigned char)s[0]) && isdigit((unsigned char)dash[1]);
}

int nc_port_range(const char *s, uint16_t *lo, uint16_t *hi, const char **why)
{
	const char *dash = strchr(s, '-');
	char first[16];

	if (!nc_port_is_range(s) || (size_t)(dash - s) >= sizeof(first)) {
		*why = "not a range of port numbers";
		return -1;
	}
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	if (!nc_all_digits(first) || !nc_all_digits(dash + 1)) {
		*why = "not a range of port numbers";
		return -1;
	}
	if (nc_port_parse(first, false, false, lo, why) < 0 ||
	    nc_port_parse(dash + 1, false, false, hi, why) < 0)
		return -1;
	if (*lo > *hi) {
		*why = "the first port is above the last";
		return -1;
	}
	return 0;
}

/* OpenBSD nc's rules, one line each; the ports become numbers here. */
static int nc_check(struct nc_config *cfg, char *err, size_t errlen)
{
	const char *why = "";
	bool range = cfg->port && nc_port_is_range(cfg->port);

	if (cfg->keep && !cfg->listen)
		snprintf(err, errlen, "cannot use -k without -l");
	else if (cfg->listen && cfg->zero)
		snprintf(err, errlen, "cannot use -z with -l");
	else if (!cfg->listen && !cfg->host)
		snprintf(err, errlen, "missing HOST and PORT");
	else if (!cfg->port)
		snprintf(err, errlen, "missing PORT");
	else if (range && !cfg->zero)
		snprintf(err, errlen, "a port range needs -z");
	else if (range && nc_port_range(cfg->port, &cfg->port_lo, &cfg->port_hi, &why) < 0)
		snprintf(err, errlen, "bad port range '%s': %s", cfg->port, why);
	/* Listening on port 0 lets the kernel pick one (-v tells which). */
	else if (!range && nc_port_parse(cfg->port, cfg->udp, cfg->listen, &cfg->port_lo, &why) < 0)
		snprintf(err, errlen, "port %s: %s", cfg->port, why);
	else if (cfg->source_port &&
		 nc_port_parse(cfg->source_port, cfg->udp, false, &cfg->src_port, &why) < 0)
		snprintf(err, errlen, "-p %s: %s", cfg->source_port, why);
	else if (cfg->udp && (cfg->nodelay || cfg->mss))
		snprintf(err, errlen, "cannot use %s with -u", cfg->nodelay ? "--nodelay" : "--mss");
	else if (cfg->no_shutdown && cfg->quit_ms == 0)
		snprintf(err, errlen, "cannot use --no-shutdown with -q 0");
	else {
		if (!range)
			cfg->port_hi = cfg->port_lo;
		return TOOL_ARGS_OK;
	}
	return TOOL_ARGS_USAGE;
}

enum tool_args nc_parse_args(int argc, char **argv, struct nc_config *cfg, char *err, size_t errlen)
{
	const char *why;
	uint64_t ms;
	int c;

	OPT_EACH(c, argc, argv, ":46ulkznvNCs:p:w:q:O:I:M:h", nc_long_options) {
		switch (c) {
		case '4': cfg->family = AF_INET; break;
		case '6': cfg->family = AF_INET6; break;
		case 'u': cfg->udp = true; break;
		case 'l': cfg->listen = true; break;
		case 'k': cfg->keep = true; break;
		case 'z': cfg->zero = true; break;
		case 'n': cfg->numeric = true; break;
		case 'v': cfg->verbose = true; break;
		case 'N': break; /* the default already */
		case 'C': cfg->crlf = true; break;
		case 's': cfg->source = optarg; break;
		case 'p': cfg->source_port = optarg; break;
		case 'w':
			if (opt_parse_seconds(optarg, 24 * 3600, &cfg->wait_ms, &why) < 0)
				return tool_bad_value(err, errlen, "-w", optarg, why);
			break;
		case 'q':
			if (opt_parse_seconds(optarg, 24 * 3600, &ms, &why) < 0)
				return tool_bad_value(err, errlen, "-q", optarg, why);
			cfg->quit_ms = (int64_t)ms;
			break;
		case 'O':
			if (opt_parse_size(optarg, NC_BUF_MAX, &cfg->sndbuf, &why) < 0)
				return tool_bad_value(err, errlen, "--sndbuf", optarg, why);
			break;
		case 'I':
			if (opt_parse_size(optarg, NC_BUF_MAX, &cfg->rcvbuf, &why) < 0)
				return tool_bad_value(err, errlen, "--rcvbuf", optarg, why);
			break;
		case 'M':
			if (opt_parse_u64(optarg, 1, 255, &ms, &why) < 0)
				return tool_bad_value(err, errlen, "-M", optarg, why);
			cfg->ttl = (int)ms;
			break;
		case OPT_MSS:
			if (opt_parse_u64(optarg, 88, 65535, &cfg->mss, &why) < 0)
				return tool_bad_value(err, errlen, "--mss", optarg, why);
			break;
		case OPT_REUSEADDR: cfg->reuseaddr = true; break;
		case OPT_NO_SHUTDOWN: cfg->no_shutdown = true; break;
		case OPT_NODELAY: cfg->nodelay = true; break;
		case OPT_JSON: cfg->json = true; break;
		default:
			return opt_getopt_habits(c, argv, nc_long_options, nc_habits, nc_nhabits,
						 "OpenBSD nc", err, errlen);
		}
	}
	int rest = argc - optind;
	if (cfg->listen) {
		/* nc -l PORT, nc -l ADDR PORT, nc -l -p PORT, nc -l -s ADDR -p PORT */
		if (rest == 2) {
			cfg->host = argv[optind];
			cfg->port = argv[optind + 1];
		} else if (rest == 1) {
			cfg->port = argv[optind];
		} else if (rest > 2) {
			snprintf(err, errlen, "unexpected argument '%s'", argv[optind + 2]);
			return TOOL_ARGS_USAGE;
		}
		if (!cfg->port && cfg->source_port) {
			cfg->port = cfg->source_port;
			cfg->source_port = NULL;
		} else if (cfg->port && cfg->source_port) {
			snprintf(err, errlen, "cannot use -p with -l and a PORT argument");
			return TOOL_ARGS_USAGE;
		}
		if (cfg->host && cfg->source) {
			snprintf(err, errlen, "cannot use -s with -l and an ADDR argument");
			return TOOL_ARGS_USAGE;
		}
		if (!cfg->host && cfg->source) {
			cfg->host = cfg->source;
			cfg->source = NULL;
		}
	} else {
		if (rest >= 1)
			cfg->host = argv[optind];
		if (rest >= 2)
			cfg->port = argv[optind + 1];
		if (rest > 2) {
			snprintf(err, errlen, "unexpected argument '%s'", argv[optind + 2]);
			return TOOL_ARGS_USAGE;
		}
	}
	return nc_check(cfg, err, errlen);
}
