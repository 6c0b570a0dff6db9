/* One parser for both programs of seed 004's echo pair. */
#include "echolib/echoopts.h"

#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opt.h"
#include "echolib/optcompat.h"
#include "guard/srcbudget.h"

enum { OPT_IP = 256, OPT_TIMEOUT, OPT_AMP_FACTOR, OPT_AMP_CREDIT, OPT_UDP_RATE };

static const struct option echo_long_options[] = {
	OPT_VALUE("ip", OPT_IP),
	OPT_VALUE("protocol", 't'),
	OPT_VALUE("port", 'p'),
	OPT_FLAG("continuous", 'c'),
	OPT_VALUE("timeout", OPT_TIMEOUT),
	OPT_VALUE("idle-timeout", OPT_TIMEOUT),
	OPT_VALUE("amp-factor", OPT_AMP_FACTOR),
	OPT_VALUE("amp-credit", OPT_AMP_CREDIT),
	OPT_VALUE("udp-rate", OPT_UDP_RATE),
	TOOL_LONG_OPTIONS_END,
};

/* The seed writes "-ip IPADD" with one dash. */
static const char *const echo_one_dash[] = { "--ip", NULL };

static const char *echo_budget_opt_name(int c)
{
	return c == OPT_AMP_FACTOR ? "--amp-factor" : c == OPT_AMP_CREDIT ? "--amp-credit" : "--udp-rate";
}

/* The server's UDP answer budget, as serve spells it. */
static int echo_server_budget_opt(int c, const char *arg, struct echo_opts *o, const char **why)
{
	switch (c) {
	case OPT_AMP_FACTOR:
		return srcbudget_parse_factor(arg, &o->amp_factor_milli, why);
	case OPT_AMP_CREDIT:
		return opt_parse_size(arg, SRCBUDGET_CREDIT_MAX, &o->amp_credit, why);
	default:
		return opt_parse_size(arg, ECHO_OPTS_UDP_RATE_MAX, &o->udp_rate, why);
	}
}

static enum tool_args echo_getopt(int argc, char **argv, enum echo_role role,
					 struct echo_opts *o, char *err, size_t errlen)
{
	bool client = role == ECHO_ROLE_CLIENT;
	const char *ip = "127.0.0.1", *why;
	uint16_t port = ECHO_OPTS_PORT;
	int c;

	OPT_EACH(c, argc, argv, ":ct:hvp:", echo_long_options) {
		switch (c) {
		case 'c': o->continuous = true; break;
		case 't':
			if (echo_parse_transport(optarg, &o->proto, &why) < 0)
				return tool_bad_value(err, errlen, "-t", optarg, why);
			break;
		case OPT_IP: ip = optarg; break;
		case 'p':
			if (opt_parse_port(optarg, &port, &why) < 0)
				return tool_bad_value(err, errlen, "-p", optarg, why);
			if (client && port == 0)
				return tool_bad_value(err, errlen, "-p", optarg, "not a port to send to (1-65535)");
			break;
		case OPT_TIMEOUT:
			if (opt_parse_seconds(optarg, client ? ECHO_OPTS_CLIENT_TIMEOUT_MAX_SECS
							     : ECHO_OPTS_SERVER_IDLE_MAX_SECS,
					      &o->timeout_ms, &why) < 0)
				return tool_bad_value(err, errlen, "--timeout", optarg, why);
			if (client && o->timeout_ms == 0)
				return tool_bad_value(err, errlen, "--timeout", optarg, "must be more than 0");
			break;
		case OPT_AMP_FACTOR:
		case OPT_AMP_CREDIT:
		case OPT_UDP_RATE:
			if (client) { /* the server's alone */
				snprintf(err, errlen, "unknown option %s", echo_budget_opt_name(c));
				return TOOL_ARGS_USAGE;
			}
			if (echo_server_budget_opt(c, optarg, o, &why) < 0)
				return tool_bad_value(err, errlen, echo_budget_opt_name(c), optarg, why);
			break;
		case 'v': return TOOL_ARGS_VERSION; /* seed 004: -v prints the version */
		default: return opt_getopt_default(c, argv, echo_long_options, err, errlen);
		}
	}
	if (opt_no_operands(argc, argv, err, errlen) != TOOL_ARGS_OK)
		return TOOL_ARGS_USAGE;
	if (addr_parse_ip(ip, &o->addr) < 0)
		return tool_bad_value(err, errlen, "--ip", ip, "not an IPv4 or IPv6 address");
	addr_set_port(&o->addr.sa, port);
	return TOOL_ARGS_OK;
}

enum tool_args echo_opts_parse(int argc, char **argv, enum echo_role role,
				      struct echo_opts *o, char *err, size_t errlen)
{
	char **args = calloc(2 * (size_t)argc + 1, sizeof(*args));

	memset(o, 0, sizeof(*o));
	o->proto = IPPROTO_TCP;
	o->timeout_ms = role == ECHO_ROLE_CLIENT ? ECHO_OPTS_CLIENT_TIMEOUT_MS : 0;
	o->amp_factor_milli = SRCBUDGET_FACTOR_DEFAULT;
	o->amp_credit = SRCBUDGET_CREDIT_DEFAULT;
	o->udp_rate = ECHO_OPTS_UDP_RATE_DEFAULT;
	if (!args) {
		snprintf(err, errlen, "out of memory");
		return TOOL_ARGS_USAGE;
	}
	int n = echo_one_dash_long(argc, argv, echo_one_dash, args);
	enum tool_args rc = echo_getopt(n, args, role, o, err, errlen);
	free(args);
	return rc;
}

enum tool_args echo_opts_parse_server(int argc, char **argv, void *o, char *err, size_t errlen)
{
	return echo_opts_parse(argc, argv, ECHO_ROLE_SERVER, o, err, errlen);
}

enum tool_args echo_opts_parse_client(int argc, char **argv, void *o, char *err, size_t errlen)
{
	return echo_opts_parse(argc, argv, ECHO_ROLE_CLIENT, o, err, errlen);
}
