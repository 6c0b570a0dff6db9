/* getopt_long for socklab serve, then the cross-option checks. */
#include "serve/options.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/opt.h"
#include "guard/srcbudget.h"

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
	"  -b, --bind ADDR          bind ADDR, IPv4 or IPv6 (repeatable; default 127.0.0.1 and ::1)\n"
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
	OPT_VERSION,
};

const struct option serve_long_options[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "bind", required_argument, NULL, 'b' },
	{ "port-offset", required_argument, NULL, 'o' },
	{ "service", required_argument, NULL, 's' },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "tcp-only", no_argument, NULL, OPT_TCP_ONLY },
	{ "udp-only", no_argument, NULL, OPT_UDP_ONLY },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "max-per-host", required_argument, NULL, OPT_MAX_PER_HOST },
	{ "amp-factor", required_argument, NULL, OPT_AMP_FACTOR },
	{ "amp-credit", required_argument, NULL, OPT_AMP_CREDIT },
	{ "udp-peer-rate", required_argument, NULL, OPT_UDP_PEER_RATE },
	{ "udp-rate", required_argument, NULL, OPT_UDP_RATE },
	{ "high-water", required_argument, NULL, OPT_HIGH_WATER },
	{ "sndbuf", required_argument, NULL, OPT_SNDBUF },
	{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
	{ "quotes", required_argument, NULL, OPT_QUOTES },
	{ "daytime-format", required_argument, NULL, OPT_DAYTIME_FMT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int serve_bad_value(char *err, size_t errlen, const char *opt, const char *arg,
			   const char *why)
{
	snprintf(err, errlen, "%s %s: %s", opt, arg, why);
	return -1;
}

enum serve_args serve_parse_args(int argc, char **argv, struct serve_config *cfg, char *err,
				 size_t errlen)
{
	const char *why;
	uint64_t v;
	int c;

	optind = 0; /* a full rescan, also when called twice (tests) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46b:o:s:qvh", serve_long_options, NULL)) != -1) {
		switch (c) {
		case '4': cfg->family = AF_INET; break;
		case '6': cfg->family = AF_INET6; break;
		case 'b':
			if (serve_config_add_bind(cfg, optarg, err, errlen) < 0)
				return SERVE_ARGS_USAGE;
			break;
		case 'o':
			if (opt_parse_u64(optarg, 0, 65535, &v, &why) < 0) {
				serve_bad_value(err, errlen, "--port-offset", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			cfg->port_offset = (uint32_t)v;
			break;
		case 's':
			if (serve_config_set_service(cfg, optarg, err, errlen) < 0)
				return SERVE_ARGS_USAGE;
			break;
		case OPT_ONLY:
			if (serve_config_set_only(cfg, optarg, err, errlen) < 0)
				return SERVE_ARGS_USAGE;
			break;
		case OPT_TCP_ONLY: cfg->udp = false; break;
		case OPT_UDP_ONLY: cfg->tcp = false; break;
		case OPT_IDLE:
			if (opt_parse_seconds(optarg, SERVE_IDLE_MAX_SECS, &cfg->idle_ms, &why) < 0) {
				serve_bad_value(err, errlen, "--idle-timeout", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_MAX_CONNS:
			if (opt_parse_u64(optarg, 1, 10000000, &cfg->max_conns, &why) < 0) {
				serve_bad_value(err, errlen, "--max-conns", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_MAX_PER_HOST:
			if (opt_parse_u64(optarg, 0, 10000000, &cfg->max_per_host, &why) < 0) {
				serve_bad_value(err, errlen, "--max-per-host", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_AMP_FACTOR:
			if (srcbudget_parse_factor(optarg, &cfg->amp_factor_milli, &why) < 0) {
				serve_bad_value(err, errlen, "--amp-factor", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_AMP_CREDIT:
			if (opt_parse_size(optarg, SRCBUDGET_CREDIT_MAX, &cfg->amp_credit, &why) < 0) {
				serve_bad_value(err, errlen, "--amp-credit", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_UDP_PEER_RATE:
			if (opt_parse_u64(optarg, 0, SRCBUDGET_PEER_RATE_MAX, &cfg->udp_peer_rate, &why) < 0) {
				serve_bad_value(err, errlen, "--udp-peer-rate", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_UDP_RATE:
			if (opt_parse_size(optarg, 1ULL << 40, &cfg->udp_rate, &why) < 0) {
				serve_bad_value(err, errlen, "--udp-rate", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_HIGH_WATER:
			if (opt_parse_size(optarg, SERVE_HIGH_WATER_MAX, &cfg->high_water, &why) < 0) {
				serve_bad_value(err, errlen, "--high-water", optarg, why);
				return SERVE_ARGS_USAGE;
			}
			if (cfg->high_water == 0) {
				serve_bad_value(err, errlen, "--high-water", optarg, "must be at least 1");
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_SNDBUF:
		case OPT_RCVBUF:
			if (opt_parse_size(optarg, SERVE_SOCKBUF_MAX,
					   c == OPT_SNDBUF ? &cfg->sndbuf : &cfg->rcvbuf, &why) < 0) {
				serve_bad_value(err, errlen, c == OPT_SNDBUF ? "--sndbuf" : "--rcvbuf",
						optarg, why);
				return SERVE_ARGS_USAGE;
			}
			break;
		case OPT_QUOTES: cfg->quotes_file = optarg; break;
		case OPT_DAYTIME_FMT: cfg->daytime_fmt = optarg; break;
		case 'q': cfg->quiet = true; break;
		case 'v': cfg->verbose = true; break;
		case OPT_JSON: cfg->json = true; break;
		case 'h': return SERVE_ARGS_HELP;
		case OPT_VERSION: return SERVE_ARGS_VERSION;
		default:
			opt_getopt_error(c, argv, optind, optopt, serve_long_options, err, errlen);
			return SERVE_ARGS_USAGE;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return SERVE_ARGS_USAGE;
	}
	if (serve_config_check(cfg, err, errlen) < 0)
		return SERVE_ARGS_USAGE;
	return SERVE_ARGS_OK;
}
