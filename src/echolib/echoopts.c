/* One parser for both programs of seed 004's echo pair. */
#include "echolib/echoopts.h"

#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opt.h"
#include "core/resolve.h"
#include "echolib/optcompat.h"
#include "guard/srcbudget.h"

enum { OPT_IP = 256, OPT_TIMEOUT, OPT_AMP_FACTOR, OPT_AMP_CREDIT, OPT_UDP_RATE, OPT_JSON };

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
	OPT_FLAG("json", OPT_JSON),
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

/* Digits, dots and colons only: meant as an address, never looked up as a
 * name ("1.2.3" is not 1.2.0.3 here). */
static bool echo_looks_numeric(const char *s)
{
	return strspn(s, "0123456789.") == strlen(s) || strchr(s, ':');
}

/* --ip (or HOST): an address, or a name and its addresses (at most
 * ECHO_OPTS_ADDRS_MAX, each once), with port. */
static enum tool_args echo_set_addrs(struct echo_opts *o, const char *what, const char *ip,
				     uint16_t port, enum echo_role role, char *err, size_t errlen)
{
	struct addrinfo *ai = NULL;
	const char *why;

	o->naddrs = 0;
	if (addr_parse_ip(ip, &o->addrs[0]) == 0) {
		o->naddrs = 1;
	} else if (echo_looks_numeric(ip) || !*ip) {
		return tool_bad_value(err, errlen, what, ip, "not an IPv4 or IPv6 address");
	} else {
		int type = o->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
		if (resolve(ip, NULL, AF_UNSPEC, type, role == ECHO_ROLE_SERVER ? RESOLVE_PASSIVE : 0,
			    &ai, &why) < 0)
			return tool_bad_value(err, errlen, what, ip, why);
		for (struct addrinfo *a = ai; a && o->naddrs < ECHO_OPTS_ADDRS_MAX; a = a->ai_next) {
			union addr_any cand;
			bool seen = false;
			if (a->ai_family != AF_INET && a->ai_family != AF_INET6)
				continue;
			addr_copy(&cand, a->ai_addr);
			for (unsigned i = 0; i < o->naddrs; i++)
				seen = seen || addr_equal(&o->addrs[i].sa, &cand.sa);
			if (!seen)
				o->addrs[o->naddrs++] = cand;
		}
		freeaddrinfo(ai);
		if (!o->naddrs)
			return tool_bad_value(err, errlen, what, ip, "no IPv4 or IPv6 address");
	}
	for (unsigned i = 0; i < o->naddrs; i++)
		addr_set_port(&o->addrs[i].sa, port);
	o->addr = o->addrs[0];
	return TOOL_ARGS_OK;
}

/* The client's operands: HOST [PORT], each instead of --ip and -p. */
static enum tool_args echo_operands(int argc, char **argv, bool ip_given, bool port_given,
				    const char **ip, uint16_t *port, char *err, size_t errlen)
{
	const char *why;

	if (optind >= argc)
		return TOOL_ARGS_OK;
	if (optind + 2 < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind + 2]);
		return TOOL_ARGS_USAGE;
	}
	if (ip_given) {
		snprintf(err, errlen, "HOST %s and --ip %s: give the server once", argv[optind], *ip);
		return TOOL_ARGS_USAGE;
	}
	*ip = argv[optind];
	if (optind + 1 == argc)
		return TOOL_ARGS_OK;
	const char *p = argv[optind + 1];
	if (port_given) {
		snprintf(err, errlen, "PORT %s and -p: give the port once", p);
		return TOOL_ARGS_USAGE;
	}
	if (opt_parse_port(p, port, &why) < 0)
		return tool_bad_value(err, errlen, "PORT", p, why);
	if (*port == 0)
		return tool_bad_value(err, errlen, "PORT", p, "not a port to send to (1-65535)");
	return TOOL_ARGS_OK;
}

static enum tool_args echo_getopt(int argc, char **argv, enum echo_role role,
					 struct echo_opts *o, char *err, size_t errlen)
{
	bool client = role == ECHO_ROLE_CLIENT;
	const char *ip = "127.0.0.1", *why;
	uint16_t port = ECHO_OPTS_PORT;
	bool ip_given = false, port_given = false;
	int c;

	OPT_EACH(c, argc, argv, ":ct:hvp:", echo_long_options) {
		switch (c) {
		case 'c': o->continuous = true; break;
		case 't':
			if (echo_parse_transport(optarg, &o->proto, &why) < 0)
				return tool_bad_value(err, errlen, "-t", optarg, why);
			break;
		case OPT_IP: ip = optarg; ip_given = true; break;
		case OPT_JSON: o->json = true; break;
		case 'p':
			port_given = true;
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
	if (!client && opt_no_operands(argc, argv, err, errlen) != TOOL_ARGS_OK)
		return TOOL_ARGS_USAGE;
	const char *what = "--ip";
	if (client) {
		if (echo_operands(argc, argv, ip_given, port_given, &ip, &port, err, errlen) != TOOL_ARGS_OK)
			return TOOL_ARGS_USAGE;
		if (!ip_given && optind < argc)
			what = "HOST";
	}
	return echo_set_addrs(o, what, ip, port, role, err, errlen);
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
