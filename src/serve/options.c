/* getopt_long for socklab serve, then the cross-option checks. */
#include "serve/options.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/opt.h"
#include "guard/srcbudget.h"
#include "serve/clockfmt.h"

const char serve_usage_text[] =
	"Usage: socklab serve [options]\n"
	"\n"
	"The lab server: the RFC small services on TCP and UDP at the same port.\n"
	"  echo 7 (RFC 862), discard 9 (863), daytime 13 (867), qotd 17 (865),\n"
	"  chargen 19 (864), time 37 (868), upper 12000 (each line back in upper case)\n"
	"\n"
	"Where:\n"
	"  -4, --ipv4               bind only IPv4 addresses\n"
	"  -6, --ipv6               bind only IPv6 addresses\n"
	"  -b, --bind ADDR          bind ADDR, IPv4 or IPv6, or every address of a name\n"
	"                           (repeatable; default 127.0.0.1 and ::1)\n"
	"  -o, --port-offset N      add N to every standard port (10000: echo on 10007)\n"
	"  -s, --service NAME=PORT  put service NAME on PORT (0: an ephemeral port, the same\n"
	"                           number for TCP and UDP); repeatable; wins over --port-offset\n"
	"      --only NAME,...      run only these services\n"
	"      --tcp-only           run only the TCP side\n"
	"      --udp-only           run only the UDP side\n"
	"\n"
	"Protection:\n"
	"      --idle-timeout SECS  close TCP connections idle this long (default 300; 0: never)\n"
	"      --max-conns N        TCP connections at once (default: what the open-file limit\n"
	"                           allows); a connection over the limit is closed at once\n"
	"      --max-per-host N     TCP connections from one address (default 0: no limit)\n"
	"      --amp-factor F       UDP: send a source at most F times the IP bytes it sent\n"
	"                           (default 1; 0: no limit); loopback is exempt\n"
	"      --amp-credit BYTES   ... beyond a starting credit of BYTES per address, 16 times\n"
	"                           that per /24 or /64 (default 4k; k, M)\n"
	"      --udp-peer-rate N    chargen, qotd, daytime, time: UDP answers per second to one\n"
	"                           address and port, bursts of 32 (default 1000; 0: no cap);\n"
	"                           every UDP answer counts as at least 64 bytes (also in\n"
	"                           --udp-rate)\n"
	"      --udp-rate RATE      UDP reply bytes per second to one source address, burst of\n"
	"                           one second or one datagram (default 256k; k, M, G; 0: no cap)\n"
	"      --high-water BYTES   echo and upper stop reading from a client while this many\n"
	"                           bytes wait to be sent to it (default 64k)\n"
	"      --sndbuf BYTES       kernel send buffer (SO_SNDBUF) of chargen, echo and upper\n"
	"                           connections (default 128k; 0: the kernel's autotuning)\n"
	"      --rcvbuf BYTES       kernel receive buffer (SO_RCVBUF) of echo and upper\n"
	"                           connections (default 128k; 0: the kernel's autotuning)\n"
	"\n"
	"Answers:\n"
	"      --quotes FILE        qotd quotes: one per line, or fortune form (% lines);\n"
	"                           re-read on SIGHUP\n"
	"      --daytime-format FMT daytime as strftime(3) FMT (default: ctime's\n"
	"                           \"Sun Jul 12 16:44:57 2026\"), sent with CRLF\n"
	"\n"
	"Output:\n"
	"  -q, --quiet              no per-connection or per-datagram lines\n"
	"  -v, --verbose            also log connection starts\n"
	"  -d, --debug              the same, as inetd's -d and -l (serve always stays in\n"
	"                           the foreground and logs to stderr)\n"
	"      --json               JSON Lines on stdout\n"
	"  -h, --help               show this help\n"
	"      --version            show the version\n"
	"\n"
	"Prints one 'listening' line per socket and 'ready N listeners' when serving.\n"
	"SIGINT/SIGTERM stop it (exit 0); SIGHUP re-reads --quotes.\n"
	"Ports below 1024 need root: as a user, try --port-offset 10000.\n";

enum {
	OPT_ONLY = 256,
	OPT_TCP_ONLY,
	OPT_UDP_ONLY,
	OPT_IDLE,
	OPT_MAX_CONNS,
	OPT_MAX_PER_HOST,
	OPT_AMP_FACTOR,
	OPT_AMP_CREDIT,
	OPT_UDP_PEER_RATE,
	OPT_UDP_RATE,
	OPT_HIGH_WATER,
	OPT_SNDBUF,
	OPT_RCVBUF,
	OPT_QUOTES,
	OPT_DAYTIME_FMT,
	OPT_JSON,
};

const struct option serve_long_options[] = {
	OPT_FLAG("ipv4", '4'),
	OPT_FLAG("ipv6", '6'),
	OPT_VALUE("bind", 'b'),
	OPT_VALUE("port-offset", 'o'),
	OPT_VALUE("service", 's'),
	OPT_VALUE("only", OPT_ONLY),
	OPT_FLAG("tcp-only", OPT_TCP_ONLY),
	OPT_FLAG("udp-only", OPT_UDP_ONLY),
	OPT_VALUE("idle-timeout", OPT_IDLE),
	OPT_VALUE("max-conns", OPT_MAX_CONNS),
	OPT_VALUE("max-per-host", OPT_MAX_PER_HOST),
	OPT_VALUE("amp-factor", OPT_AMP_FACTOR),
	OPT_VALUE("amp-credit", OPT_AMP_CREDIT),
	OPT_VALUE("udp-peer-rate", OPT_UDP_PEER_RATE),
	OPT_VALUE("udp-rate", OPT_UDP_RATE),
	OPT_VALUE("high-water", OPT_HIGH_WATER),
	OPT_VALUE("sndbuf", OPT_SNDBUF),
	OPT_VALUE("rcvbuf", OPT_RCVBUF),
	OPT_VALUE("quotes", OPT_QUOTES),
	OPT_VALUE("daytime-format", OPT_DAYTIME_FMT),
	OPT_FLAG("quiet", 'q'),
	OPT_FLAG("verbose", 'v'),
	OPT_FLAG("debug", 'd'),
	OPT_FLAG("json", OPT_JSON),
	TOOL_LONG_OPTIONS_END,
};

/* --daytime-format gives a line that fits a daytime answer. */
static enum tool_args serve_check_daytime(const struct serve_config *cfg, char *err, size_t errlen)
{
	char buf[DAYTIME_MAX];

	if (cfg->daytime_fmt && serve_daytime_format(buf, sizeof(buf), time(NULL), cfg->daytime_fmt) <= 2) {
		snprintf(err, errlen, "--daytime-format '%s': gives an empty line or one longer than %d bytes",
			 cfg->daytime_fmt, DAYTIME_MAX - 3);
		return TOOL_ARGS_USAGE;
	}
	return TOOL_ARGS_OK;
}

/* The options with a value that getopt's letter alone does not place. */
static int serve_value_opt(int c, const char *arg, struct serve_config *cfg, const char **why)
{
	uint64_t v;

	switch (c) {
	case 'o':
		if (opt_parse_u64(arg, 0, 65535, &v, why) < 0)
			return -1;
		cfg->port_offset = (uint32_t)v;
		return 0;
	case OPT_IDLE: return opt_parse_seconds(arg, SERVE_IDLE_MAX_SECS, &cfg->idle_ms, why);
	case OPT_MAX_CONNS: return opt_parse_u64(arg, 1, 10000000, &cfg->max_conns, why);
	case OPT_MAX_PER_HOST: return opt_parse_u64(arg, 0, 10000000, &cfg->max_per_host, why);
	case OPT_AMP_FACTOR: return srcbudget_parse_factor(arg, &cfg->amp_factor_milli, why);
	case OPT_AMP_CREDIT: return opt_parse_size(arg, SRCBUDGET_CREDIT_MAX, &cfg->amp_credit, why);
	case OPT_UDP_PEER_RATE:
		return opt_parse_u64(arg, 0, SRCBUDGET_PEER_RATE_MAX, &cfg->udp_peer_rate, why);
	case OPT_UDP_RATE: return opt_parse_size(arg, 1ULL << 40, &cfg->udp_rate, why);
	case OPT_HIGH_WATER:
		if (opt_parse_size(arg, SERVE_HIGH_WATER_MAX, &cfg->high_water, why) < 0)
			return -1;
		if (cfg->high_water == 0) {
			*why = "must be at least 1";
			return -1;
		}
		return 0;
	case OPT_SNDBUF: return opt_parse_size(arg, SERVE_SOCKBUF_MAX, &cfg->sndbuf, why);
	default: return opt_parse_size(arg, SERVE_SOCKBUF_MAX, &cfg->rcvbuf, why); /* OPT_RCVBUF */
	}
}

/* "--NAME VALUE: WHY", with the long name whichever spelling was typed. */
static enum tool_args serve_bad_value(int c, char *err, size_t errlen, const char *arg,
				      const char *why)
{
	char opt[32] = "";

	for (const struct option *o = serve_long_options; o->name; o++)
		if (o->val == c)
			snprintf(opt, sizeof(opt), "--%s", o->name);
	return tool_bad_value(err, errlen, opt, arg, why);
}

enum tool_args serve_parse_args(int argc, char **argv, struct serve_config *cfg, char *err,
				size_t errlen)
{
	const char *why;
	int c;

	OPT_EACH(c, argc, argv, ":46b:o:s:qvdlh", serve_long_options) {
		switch (c) {
		case '4': cfg->family = AF_INET; break;
		case '6': cfg->family = AF_INET6; break;
		case 'b':
			if (serve_config_add_bind(cfg, optarg, err, errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		case 's':
			if (serve_config_set_service(cfg, optarg, err, errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		case OPT_ONLY:
			if (serve_config_set_only(cfg, optarg, err, errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		case OPT_TCP_ONLY: cfg->udp = false; break;
		case OPT_UDP_ONLY: cfg->tcp = false; break;
		case 'o':
		case OPT_IDLE:
		case OPT_MAX_CONNS:
		case OPT_MAX_PER_HOST:
		case OPT_AMP_FACTOR:
		case OPT_AMP_CREDIT:
		case OPT_UDP_PEER_RATE:
		case OPT_UDP_RATE:
		case OPT_HIGH_WATER:
		case OPT_SNDBUF:
		case OPT_RCVBUF:
			if (serve_value_opt(c, optarg, cfg, &why) < 0)
				return serve_bad_value(c, err, errlen, optarg, why);
			break;
		case OPT_QUOTES: cfg->quotes_file = optarg; break;
		case OPT_DAYTIME_FMT: cfg->daytime_fmt = optarg; break;
		case 'q': cfg->quiet = true; break;
		case 'v':
		case 'd': /* inetd's debug: serve is always in the foreground */
		case 'l': /* inetd's -l: log each connection */
			cfg->verbose = true;
			break;
		case OPT_JSON: cfg->json = true; break;
		default: return opt_getopt_default(c, argv, serve_long_options, err, errlen);
		}
	}
	if (optind < argc) {
		/* inetd's habit: a configuration file */
		snprintf(err, errlen,
			 "unexpected argument '%s': serve reads no configuration file and runs no "
			 "programs; its services are built in (--only, --service, --port-offset)",
			 argv[optind]);
		return TOOL_ARGS_USAGE;
	}
	if (serve_config_check(cfg, err, errlen) < 0)
		return TOOL_ARGS_USAGE;
	return serve_check_daytime(cfg, err, errlen);
}
