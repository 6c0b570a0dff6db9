/* One parser for both programs of seed 004's echo pair. */
#include "core/echoopts.h"

#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opt.h"
#include "core/optcompat.h"

enum { OPT_IP = 256, OPT_TIMEOUT };

static const struct option echo_long_options[] = {
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

/* The seed writes "-ip IPADD" with one dash. */
static const char *const echo_one_dash[] = { "--ip", NULL };

static enum echo_opts_result echo_bad(char *err, size_t errlen, const char *opt, const char *arg,
				      const char *why)
{
	snprintf(err, errlen, "%s %s: %s", opt, arg, why);
	return ECHO_OPTS_USAGE;
}

static enum echo_opts_result echo_getopt(int argc, char **argv, enum echo_role role,
					 struct echo_opts *o, char *err, size_t errlen)
{
	bool client = role == ECHO_ROLE_CLIENT;
	const char *ip = "127.0.0.1", *why;
	uint16_t port = ECHO_OPTS_PORT;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ct:hvp:", echo_long_options, NULL)) != -1) {
		switch (c) {
		case 'c': o->continuous = true; break;
		case 't':
			if (opt_parse_transport(optarg, &o->proto, &why) < 0)
				return echo_bad(err, errlen, "-t", optarg, why);
			break;
		case OPT_IP: ip = optarg; break;
		case 'p':
			if (opt_parse_port(optarg, &port, &why) < 0)
				return echo_bad(err, errlen, "-p", optarg, why);
			if (client && port == 0)
				return echo_bad(err, errlen, "-p", optarg, "not a port to send to (1-65535)");
			break;
		case OPT_TIMEOUT:
			if (opt_parse_seconds(optarg, client ? ECHO_OPTS_CLIENT_TIMEOUT_MAX_SECS
							     : ECHO_OPTS_SERVER_IDLE_MAX_SECS,
					      &o->timeout_ms, &why) < 0)
				return echo_bad(err, errlen, "--timeout", optarg, why);
			if (client && o->timeout_ms == 0)
				return echo_bad(err, errlen, "--timeout", optarg, "must be more than 0");
			break;
		case 'h': return ECHO_OPTS_HELP;
		case 'v': return ECHO_OPTS_VERSION;
		default:
			opt_getopt_error(c, argv, optind, optopt, echo_long_options, err, errlen);
			return ECHO_OPTS_USAGE;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return ECHO_OPTS_USAGE;
	}
	if (addr_parse_ip(ip, &o->addr) < 0)
		return echo_bad(err, errlen, "--ip", ip, "not an IPv4 or IPv6 address");
	addr_set_port(&o->addr.sa, port);
	return ECHO_OPTS_OK;
}

enum echo_opts_result echo_opts_parse(int argc, char **argv, enum echo_role role,
				      struct echo_opts *o, char *err, size_t errlen)
{
	char **args = calloc(2 * (size_t)argc + 1, sizeof(*args));

	memset(o, 0, sizeof(*o));
	o->proto = IPPROTO_TCP;
	o->timeout_ms = role == ECHO_ROLE_CLIENT ? ECHO_OPTS_CLIENT_TIMEOUT_MS : 0;
	if (!args) {
		snprintf(err, errlen, "out of memory");
		return ECHO_OPTS_USAGE;
	}
	int n = opt_one_dash_long(argc, argv, echo_one_dash, args);
	enum echo_opts_result rc = echo_getopt(n, args, role, o, err, errlen);
	free(args);
	return rc;
}
