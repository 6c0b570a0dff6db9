/* socklab sockets's options: getopt_long, then one block of conflict checks. */
#include "sockets/options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/opt.h"
#include "core/tool.h"
#include "sockets/diag.h"

const char sockets_usage_text[] =
	"Usage: socklab sockets [options]\n"
	"\n"
	"Lists the open TCP and UDP sockets, IPv4 and IPv6, with the processes that\n"
	"hold them, like ss -tuanp; read from the kernel over netlink sock_diag.\n"
	"\n"
	"  -t, --tcp          TCP sockets (with -u: both, the default)\n"
	"  -u, --udp          UDP sockets\n"
	"  -4, --ipv4         IPv4 sockets (with -6: both, the default)\n"
	"  -6, --ipv6         IPv6 sockets\n"
	"  -l, --listening    listening TCP and unconnected UDP sockets only\n"
	"  -a, --all          sockets in every state (the default)\n"
	"      --port N       sockets whose local or peer port is N\n"
	"      --pid N        sockets that process N holds\n"
	"  -n, --numeric      numeric addresses and ports (always; for ss habits)\n"
	"  -p, --processes    show processes (always; for ss habits)\n"
	"      --json         one JSON object per socket and line\n"
	"      --watch SECS   redraw every SECS seconds, marking sockets that\n"
	"                     appeared (+) or went (-) since the previous draw\n"
	"      --count N      with --watch: stop after N draws\n"
	"  -h, --help         show this help\n"
	"      --version      show the version\n"
	"\n"
	"Recv-Q and Send-Q are ss's: bytes not yet read and not yet acknowledged,\n"
	"and for a listening TCP socket the connections waiting for accept() and\n"
	"the backlog. Without root, the processes of other users' sockets stay\n"
	"blank; root sees them all.\n"
	"\n"
	"Exit status: 0 success; 1 the kernel could not be asked; 2 usage.\n";

enum {
	OPT_PORT = 256,
	OPT_PID,
	OPT_JSON,
	OPT_WATCH,
	OPT_COUNT,
};

static const struct option sockets_long_options[] = {
	OPT_FLAG("tcp", 't'),
	OPT_FLAG("udp", 'u'),
	OPT_FLAG("ipv4", '4'),
	OPT_FLAG("ipv6", '6'),
	OPT_FLAG("listening", 'l'),
	OPT_FLAG("all", 'a'),
	OPT_FLAG("numeric", 'n'),
	OPT_FLAG("processes", 'p'),
	OPT_VALUE("port", OPT_PORT),
	OPT_VALUE("pid", OPT_PID),
	OPT_FLAG("json", OPT_JSON),
	OPT_VALUE("watch", OPT_WATCH),
	OPT_VALUE("count", OPT_COUNT),
	TOOL_LONG_OPTIONS_END,
};

static enum tool_args sockets_check(struct sockets_opts *o, bool have_count, char *err,
				       size_t errlen)
{
	if (o->all && o->listening)
		snprintf(err, errlen, "cannot use -a with -l");
	else if (have_count && !o->watch_ms)
		snprintf(err, errlen, "cannot use --count without --watch");
	else
		return TOOL_ARGS_OK;
	return TOOL_ARGS_USAGE;
}

enum tool_args sockets_parse_args(int argc, char **argv, struct sockets_opts *o, char *err,
				     size_t errlen)
{
	bool have_count = false;
	const char *why;
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	OPT_EACH(c, argc, argv, ":tu46lanph", sockets_long_options) {
		switch (c) {
		case 't': o->tcp = true; break;
		case 'u': o->udp = true; break;
		case '4': o->ipv4 = true; break;
		case '6': o->ipv6 = true; break;
		case 'l': o->listening = true; break;
		case 'a': o->all = true; break;
		case 'n': break; /* always numeric */
		case 'p': break; /* always with processes */
		case OPT_PORT:
			if (opt_parse_port(optarg, &o->port, &why) < 0)
				return tool_bad_value(err, errlen, "--port", optarg, why);
			o->have_port = true;
			break;
		case OPT_PID:
			if (opt_parse_u64(optarg, 1, SOCKETS_PID_MAX, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--pid", optarg, why);
			o->pid = (int32_t)v;
			o->have_pid = true;
			break;
		case OPT_JSON: o->json = true; break;
		case OPT_WATCH:
			if (opt_parse_seconds(optarg, SOCKETS_WATCH_MAX_S, &o->watch_ms, &why) < 0)
				return tool_bad_value(err, errlen, "--watch", optarg, why);
			if (o->watch_ms < SOCKETS_WATCH_MIN_MS)
				return tool_bad_value(err, errlen, "--watch", optarg,
						      "too small (at least 0.1)");
			break;
		case OPT_COUNT:
			if (opt_parse_u64(optarg, 1, SOCKETS_COUNT_MAX, &o->count, &why) < 0)
				return tool_bad_value(err, errlen, "--count", optarg, why);
			have_count = true;
			break;
		default: return opt_getopt_default(c, argv, sockets_long_options, err, errlen);
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (filters are options: --port, --pid)",
			 argv[optind]);
		return TOOL_ARGS_USAGE;
	}
	if (!o->tcp && !o->udp)
		o->tcp = o->udp = true;
	if (!o->ipv4 && !o->ipv6)
		o->ipv4 = o->ipv6 = true;
	return sockets_check(o, have_count, err, errlen);
}

uint32_t sockets_opts_states(const struct sockets_opts *o)
{
	return o->listening ? SOCKETS_DIAG_STATES_LISTENING : SOCKETS_DIAG_STATES_ALL;
}
