/* getopt_long for socklab echo-client; "-ip" is read as "--ip". */
#include "echo_client/options.h"

#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opt.h"
#include "core/optcompat.h"

/* The first lines are seed 004's, word for word. */
const char echo_client_usage_text[] =
	"Usage: socklab echo-client [options]\n"
	"OPTIONS:\n"
	"-c Continuous echo mode.\n"
	"-h Display the available options\n"
	"--ip IPADD Specify the server IP address\n"
	"-t TCP/UDP Specify the transport layer protocol.\n"
	"-v Print the software version\n"
	"-p PORT Specify the server port (default 4002)\n"
	"--timeout SECS Seconds to wait for an echo (default 5)\n"
	"\n"
	"Line mode: type a line at the '>' prompt and press Return; the echo prints as\n"
	"'>Echo: line'. 'quit' or end of input (Ctrl-D) leaves. Lines are at most\n"
	"65506 bytes (with the newline, one UDP datagram).\n"
	"Continuous mode (-c): every key goes to the server at once (one datagram per\n"
	"key over UDP) and every echoed byte shows as it arrives; Ctrl-D or Ctrl-C\n"
	"leaves. Defaults: -t TCP, --ip 127.0.0.1, -p 4002; the server must use the\n"
	"same -t. Also spelled: -ip, --protocol, --port, --continuous, --help, --version.\n";

enum { OPT_IP = 256, OPT_TIMEOUT };

static const struct option echo_client_long_options[] = {
	{ "ip", required_argument, NULL, OPT_IP },
	{ "protocol", required_argument, NULL, 't' },
	{ "port", required_argument, NULL, 'p' },
	{ "continuous", no_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static const char *const echo_client_one_dash[] = { "--ip", NULL };

static enum echo_client_args echo_client_bad(char *err, size_t errlen, const char *opt,
					     const char *arg, const char *why)
{
	snprintf(err, errlen, "%s %s: %s", opt, arg, why);
	return ECHO_CLIENT_ARGS_USAGE;
}

static enum echo_client_args echo_client_getopt(int argc, char **argv, struct echo_client_config *cfg,
						char *err, size_t errlen)
{
	const char *ip = "127.0.0.1", *why;
	uint16_t port = ECHO_CLIENT_PORT;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ct:hvp:", echo_client_long_options, NULL)) != -1) {
		switch (c) {
		case 'c': cfg->continuous = true; break;
		case 't':
			if (opt_parse_transport(optarg, &cfg->proto, &why) < 0)
				return echo_client_bad(err, errlen, "-t", optarg, why);
			break;
		case OPT_IP: ip = optarg; break;
		case 'p':
			if (opt_parse_port(optarg, &port, &why) < 0)
				return echo_client_bad(err, errlen, "-p", optarg, why);
			if (port == 0)
				return echo_client_bad(err, errlen, "-p", optarg, "not a port to send to (1-65535)");
			break;
		case OPT_TIMEOUT:
			if (opt_parse_seconds(optarg, ECHO_CLIENT_TIMEOUT_MAX_SECS, &cfg->timeout_ms, &why) < 0)
				return echo_client_bad(err, errlen, "--timeout", optarg, why);
			if (cfg->timeout_ms == 0)
				return echo_client_bad(err, errlen, "--timeout", optarg, "must be more than 0");
			break;
		case 'h': return ECHO_CLIENT_ARGS_HELP;
		case 'v': return ECHO_CLIENT_ARGS_VERSION;
		default:
			opt_getopt_error(c, argv, optind, optopt, echo_client_long_options, err, errlen);
			return ECHO_CLIENT_ARGS_USAGE;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return ECHO_CLIENT_ARGS_USAGE;
	}
	if (addr_parse_ip(ip, &cfg->addr) < 0)
		return echo_client_bad(err, errlen, "--ip", ip, "not an IPv4 or IPv6 address");
	addr_set_port(&cfg->addr.sa, port);
	return ECHO_CLIENT_ARGS_OK;
}

enum echo_client_args echo_client_parse_args(int argc, char **argv, struct echo_client_config *cfg,
					     char *err, size_t errlen)
{
	char **args = calloc(2 * (size_t)argc + 1, sizeof(*args));

	memset(cfg, 0, sizeof(*cfg));
	cfg->proto = IPPROTO_TCP;
	cfg->timeout_ms = ECHO_CLIENT_TIMEOUT_MS;
	if (!args) {
		snprintf(err, errlen, "out of memory");
		return ECHO_CLIENT_ARGS_USAGE;
	}
	int n = opt_one_dash_long(argc, argv, echo_client_one_dash, args);
	enum echo_client_args rc = echo_client_getopt(n, args, cfg, err, errlen);
	free(args);
	return rc;
}
