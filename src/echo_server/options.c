/* getopt_long for socklab echo-server; "-ip" is read as "--ip". */
#include "echo_server/options.h"

#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opt.h"
#include "core/optcompat.h"

/* The first lines are seed 004's, word for word. */
const char echo_server_usage_text[] =
	"Usage: socklab echo-server [options]\n"
	"OPTIONS:\n"
	"-c Continuous echo mode.\n"
	"-h Display the available options\n"
	"--ip IPADD Specify the server IP address\n"
	"-t TCP/UDP Specify the transport layer protocol.\n"
	"-v Print the software version\n"
	"-p PORT Specify the port (default 4002; 0: any free port)\n"
	"--timeout SECS Close a TCP connection idle this long (default: never)\n"
	"\n"
	"Defaults: -t TCP, --ip 127.0.0.1 (the address to bind, IPv4 or IPv6), -p 4002.\n"
	"The server echoes every byte as it arrives, to many clients at once; -c is\n"
	"accepted for the seed's table and changes nothing here. The client must use\n"
	"the same -t. Also spelled: -ip, --protocol, --port, --continuous, --help,\n"
	"--version, --idle-timeout. SIGINT or SIGTERM stops the server (exit 0).\n";

enum { OPT_IP = 256, OPT_TIMEOUT };

static const struct option echo_server_long_options[] = {
	{ "ip", required_argument, NULL, OPT_IP },
	{ "protocol", required_argument, NULL, 't' },
	{ "port", required_argument, NULL, 'p' },
	{ "continuous", no_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "idle-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static const char *const echo_server_one_dash[] = { "--ip", NULL };

static enum echo_server_args echo_server_bad(char *err, size_t errlen, const char *opt,
					     const char *arg, const char *why)
{
	snprintf(err, errlen, "%s %s: %s", opt, arg, why);
	return ECHO_SERVER_ARGS_USAGE;
}

static enum echo_server_args echo_server_getopt(int argc, char **argv, struct echo_server_config *cfg,
						char *err, size_t errlen)
{
	const char *ip = "127.0.0.1", *why;
	uint16_t port = ECHO_SERVER_PORT;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ct:hvp:", echo_server_long_options, NULL)) != -1) {
		switch (c) {
		case 'c': cfg->continuous = true; break;
		case 't':
			if (opt_parse_transport(optarg, &cfg->proto, &why) < 0)
				return echo_server_bad(err, errlen, "-t", optarg, why);
			break;
		case OPT_IP: ip = optarg; break;
		case 'p':
			if (opt_parse_port(optarg, &port, &why) < 0)
				return echo_server_bad(err, errlen, "-p", optarg, why);
			break;
		case OPT_TIMEOUT:
			if (opt_parse_seconds(optarg, ECHO_SERVER_IDLE_MAX_SECS, &cfg->idle_ms, &why) < 0)
				return echo_server_bad(err, errlen, "--timeout", optarg, why);
			break;
		case 'h': return ECHO_SERVER_ARGS_HELP;
		case 'v': return ECHO_SERVER_ARGS_VERSION;
		default:
			opt_getopt_error(c, argv, optind, optopt, echo_server_long_options, err, errlen);
			return ECHO_SERVER_ARGS_USAGE;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return ECHO_SERVER_ARGS_USAGE;
	}
	if (addr_parse_ip(ip, &cfg->addr) < 0)
		return echo_server_bad(err, errlen, "--ip", ip, "not an IPv4 or IPv6 address");
	addr_set_port(&cfg->addr.sa, port);
	return ECHO_SERVER_ARGS_OK;
}

enum echo_server_args echo_server_parse_args(int argc, char **argv, struct echo_server_config *cfg,
					     char *err, size_t errlen)
{
	char **args = calloc(2 * (size_t)argc + 1, sizeof(*args));

	memset(cfg, 0, sizeof(*cfg));
	cfg->proto = IPPROTO_TCP;
	if (!args) {
		snprintf(err, errlen, "out of memory");
		return ECHO_SERVER_ARGS_USAGE;
	}
	int n = opt_one_dash_long(argc, argv, echo_server_one_dash, args);
	enum echo_server_args rc = echo_server_getopt(n, args, cfg, err, errlen);
	free(args);
	return rc;
}
