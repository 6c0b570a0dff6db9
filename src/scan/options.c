/* getopt_long for socklab scan, nmap's spellings where nmap has one. */
#include "scan/options.h"

#include <getopt.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/opt.h"
#include "core/tool.h"

const char scan_usage_text[] =
	"Usage: socklab scan [options] HOST...\n"
	"\n"
	"Finds the open TCP and UDP ports of each HOST (a name, an IPv4 or an IPv6\n"
	"address): a TCP connect scan by default, a UDP scan with -u.\n"
	"\n"
	"  -p, --ports SPEC        ports: 7,9,13-19, -1024, 60000-, names from\n"
	"                          /etc/services (echo, daytime-chargen), - for all\n"
	"                          65535 (default: the 1000 most common ports)\n"
	"  -t, --tcp               TCP connect scan (the default; with -u: both)\n"
	"  -u, --udp               UDP scan\n"
	"  -4, --ipv4              resolve names to IPv4 addresses only\n"
	"  -6, --ipv6              resolve names to IPv6 addresses only\n"
	"  -b, --banners           grab what each open port sends first or in reply\n"
	"  -v, --verbose           list every port, closed ones too\n"
	"      --json              JSON Lines: one object per port, then a summary\n"
	"  -oG FILE, --grepable FILE\n"
	"                          also write nmap's grepable lines to FILE (- : stdout)\n"
	"\n"
	"Timing (adaptive by default):\n"
	"      --retries N         probes after the first for a silent port (default:\n"
	"                          TCP 1, UDP 2; raised when a retry is answered, to 10)\n"
	"      --max-rtt-timeout SECS  the longest wait for one answer (default 3)\n"
	"      --banner-timeout SECS   how long -b waits for a banner (default 1)\n"
	"      --max-parallel N    TCP connects in flight at most (default: from 256,\n"
	"                          growing while nothing times out, to the file limit)\n"
	"      --max-rate N        UDP probes per second at most (default: as fast as\n"
	"                          answers come; slower when the target rate-limits ICMP)\n"
	"      --host-timeout SECS give up on a host after SECS (default: never); ports\n"
	"                          not decided by then are reported as not scanned, or\n"
	"                          (UDP, behind an ICMP rate limit) as uncertain\n"
	"  -h, --help              show this help\n"
	"      --version           show the version\n"
	"\n"
	"States: open (TCP: handshake completed; UDP: a reply came), closed (TCP: RST;\n"
	"UDP: ICMP port unreachable), filtered (no answer, or ICMP unreachable of\n"
	"another kind), open|filtered (UDP: no answer; an open UDP port that does not\n"
	"reply looks the same as a filtered one).\n"
	"\n"
	"With -oG -, standard output holds only the grepable lines (no table).\n"
	"Ctrl-C (SIGINT) or SIGTERM stops the scan: what was found so far is printed,\n"
	"marked interrupted (table, --json and -oG alike); a second Ctrl-C quits at once.\n"
	"\n"
	"Exit status: 0 the scan ran (whatever it found); 1 a target could not be\n"
	"resolved or reached; 2 usage; 130 interrupted by SIGINT (143: SIGTERM).\n";

enum {
	OPT_JSON = 256,
	OPT_RETRIES,
	OPT_MAX_RTT,
	OPT_BANNER_TIMEOUT,
	OPT_MAX_PARALLEL,
	OPT_MAX_RATE,
	OPT_GREPABLE,
	OPT_HOST_TIMEOUT,
};

static const struct option scan_long_options[] = {
	OPT_VALUE("ports", 'p'),
	OPT_FLAG("tcp", 't'),
	OPT_FLAG("udp", 'u'),
	OPT_FLAG("ipv4", '4'),
	OPT_FLAG("ipv6", '6'),
	OPT_FLAG("banners", 'b'),
	OPT_FLAG("verbose", 'v'),
	OPT_FLAG("json", OPT_JSON),
	OPT_VALUE("grepable", OPT_GREPABLE),
	OPT_VALUE("retries", OPT_RETRIES),
	OPT_VALUE("max-rtt-timeout", OPT_MAX_RTT),
	OPT_VALUE("banner-timeout", OPT_BANNER_TIMEOUT),
	OPT_VALUE("max-parallel", OPT_MAX_PARALLEL),
	OPT_VALUE("max-rate", OPT_MAX_RATE),
	OPT_VALUE("host-timeout", OPT_HOST_TIMEOUT),
	TOOL_LONG_OPTIONS_END,
};

void scan_config_defaults(struct scan_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_UNSPEC;
	cfg->retries = -1;
	cfg->max_rtt_ms = SCAN_RTO_MAX_MS;
	cfg->banner_ms = SCAN_BANNER_TIMEOUT_MS;
}

unsigned scan_config_retries(const struct scan_config *cfg, int proto)
{
	if (cfg->retries >= 0)
		return (unsigned)cfg->retries;
	return proto == IPPROTO_UDP ? SCAN_UDP_RETRIES : SCAN_TCP_RETRIES;
}

static enum tool_args scan_check(struct scan_config *cfg, char *err, size_t errlen)
{
	if (cfg->ntargets == 0)
		snprintf(err, errlen, "missing HOST");
	else if (cfg->json && cfg->grepable && strcmp(cfg->grepable, "-") == 0)
		snprintf(err, errlen, "cannot use --json with -oG - (both on standard output)");
	else
		return TOOL_ARGS_OK;
	return TOOL_ARGS_USAGE;
}

/* The options that take SECS: the range, and where the milliseconds go. */
#define SCAN_FIELD(f) offsetof(struct scan_config, f)
static const struct opt_num scan_secs_opts[] = {
	{ OPT_MAX_RTT, "--max-rtt-timeout", OPT_NUM_SECONDS, SCAN_RTO_MIN_MS, SCAN_RTO_LIMIT_S,
	  SCAN_FIELD(max_rtt_ms) },
	{ OPT_BANNER_TIMEOUT, "--banner-timeout", OPT_NUM_SECONDS, 10, SCAN_RTO_LIMIT_S,
	  SCAN_FIELD(banner_ms) },
	{ OPT_HOST_TIMEOUT, "--host-timeout", OPT_NUM_SECONDS, 10, SCAN_HOST_TIMEOUT_MAX_S,
	  SCAN_FIELD(host_timeout_ms) },
};

enum tool_args scan_parse_args(int argc, char **argv, struct scan_config *cfg, char *err,
			       size_t errlen)
{
	const char *why;
	uint64_t v;
	int c;

	OPT_EACH(c, argc, argv, ":p:tu46bvo:h", scan_long_options) {
		switch (c) {
		case 'p':
			if (cfg->ports) {
				snprintf(err, errlen, "-p given twice (one list: -p 7,9,13-19)");
				return TOOL_ARGS_USAGE;
			}
			cfg->ports = optarg;
			break;
		case 't': cfg->tcp = true; break;
		case 'u': cfg->udp = true; break;
		case '4': cfg->family = AF_INET; break;
		case '6': cfg->family = AF_INET6; break;
		case 'b': cfg->banners = true; break;
		case 'v': cfg->verbose = true; break;
		case OPT_JSON: cfg->json = true; break;
		case 'o':
			/* nmap's -oG FILE: getopt sees -o with the value "G". */
			if (strcmp(optarg, "G") != 0) {
				snprintf(err, errlen, "unknown output format -o%s (there is -oG FILE)",
					 optarg);
				return TOOL_ARGS_USAGE;
			}
			if (optind >= argc) {
				snprintf(err, errlen, "option -oG needs a FILE");
				return TOOL_ARGS_USAGE;
			}
			cfg->grepable = argv[optind++];
			break;
		case OPT_GREPABLE: cfg->grepable = optarg; break;
		case OPT_RETRIES:
			if (opt_parse_u64(optarg, 0, SCAN_RETRIES_MAX, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--retries", optarg, why);
			cfg->retries = (int)v;
			break;
		case OPT_MAX_RTT:
		case OPT_BANNER_TIMEOUT:
		case OPT_HOST_TIMEOUT:
			if (opt_num_parse(scan_secs_opts, OPT_NELEM(scan_secs_opts), c, optarg, cfg, err,
					  errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		case OPT_MAX_PARALLEL:
			if (opt_parse_u64(optarg, 1, SCAN_TCP_WINDOW_MAX, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--max-parallel", optarg, why);
			cfg->parallel = v;
			break;
		case OPT_MAX_RATE:
			if (opt_parse_u64(optarg, SCAN_UDP_RATE_MIN, SCAN_UDP_RATE_MAX, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--max-rate", optarg, why);
			cfg->rate = v;
			break;
		case 'h': return TOOL_ARGS_HELP;
		case TOOL_OPT_VERSION: return TOOL_ARGS_VERSION;
		default:
			if (c == ':' && optopt == 'o')
				snprintf(err, errlen, "option -oG needs a FILE");
			else
				opt_getopt_error(c, argv, optind, optopt, scan_long_options, err, errlen);
			return TOOL_ARGS_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (cfg->ntargets == SCAN_TARGETS_MAX) {
			snprintf(err, errlen, "more than %d hosts", SCAN_TARGETS_MAX);
			return TOOL_ARGS_USAGE;
		}
		if (argv[i][0] == '\0' || strlen(argv[i]) > SCAN_HOST_MAX) {
			snprintf(err, errlen, "'%.40s' is not a host name or address", argv[i]);
			return TOOL_ARGS_USAGE;
		}
		cfg->targets[cfg->ntargets++] = argv[i];
	}
	if (!cfg->udp)
		cfg->tcp = true;
	return scan_check(cfg, err, errlen);
}
