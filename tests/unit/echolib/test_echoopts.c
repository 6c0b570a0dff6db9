/* Unit tests for echolib/echoopts: seed 004's command line, the same for
 * both programs of the pair but for the server's UDP budget and -p 0. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>

#include "echolib/echoopts.h"

static struct echo_opts o;
static char err[TOOL_ERR_MAX];

static enum tool_args parse(enum echo_role role, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(err, 0, sizeof(err));
	return role == ECHO_ROLE_SERVER ? echo_opts_parse_server(argc, argv, &o, err, sizeof(err))
					: echo_opts_parse_client(argc, argv, &o, err, sizeof(err));
}

#define SERVER(...) parse(ECHO_ROLE_SERVER, (char *[]){ "echo-server", __VA_ARGS__, NULL })
#define CLIENT(...) parse(ECHO_ROLE_CLIENT, (char *[]){ "echo-client", __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	char ip[64];

	(void)state;
	assert_int_equal(parse(ECHO_ROLE_CLIENT, (char *[]){ "echo-client", NULL }), TOOL_ARGS_OK);
	assert_int_equal(o.proto, IPPROTO_TCP);
	assert_false(o.continuous);
	assert_int_equal(o.timeout_ms, ECHO_OPTS_CLIENT_TIMEOUT_MS);
	assert_string_equal(addr_ip_str(&o.addr.sa, ip, sizeof(ip)), "127.0.0.1");
	assert_int_equal(addr_port(&o.addr.sa), ECHO_OPTS_PORT);
	assert_int_equal(parse(ECHO_ROLE_SERVER, (char *[]){ "echo-server", NULL }), TOOL_ARGS_OK);
	assert_int_equal(o.timeout_ms, 0);
	assert_int_equal(o.udp_rate, ECHO_OPTS_UDP_RATE_DEFAULT);
}

static void test_seed_table(void **state)
{
	char ip[64];

	(void)state;
	assert_int_equal(CLIENT("-t", "udp", "-c", "-ip", "::1", "-p", "4010"), TOOL_ARGS_OK);
	assert_int_equal(o.proto, IPPROTO_UDP);
	assert_true(o.continuous);
	assert_string_equal(addr_ip_str(&o.addr.sa, ip, sizeof(ip)), "::1");
	assert_int_equal(addr_port(&o.addr.sa), 4010);
	assert_int_equal(CLIENT("-v"), TOOL_ARGS_VERSION);
	assert_int_equal(CLIENT("--version"), TOOL_ARGS_VERSION);
	assert_int_equal(SERVER("-h"), TOOL_ARGS_HELP);
	assert_int_equal(SERVER("--help"), TOOL_ARGS_HELP);
}

static void test_roles_differ(void **state)
{
	(void)state;
	assert_int_equal(SERVER("-p", "0"), TOOL_ARGS_OK);
	assert_int_equal(CLIENT("-p", "0"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "-p 0: not a port to send to (1-65535)");
	assert_int_equal(CLIENT("--timeout", "0"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "--timeout 0: must be more than 0");
	assert_int_equal(SERVER("--udp-rate", "1M", "--amp-factor", "0"), TOOL_ARGS_OK);
	assert_int_equal(o.udp_rate, 1024 * 1024);
	assert_int_equal(o.amp_factor_milli, 0);
	assert_int_equal(CLIENT("--udp-rate", "1M"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unknown option --udp-rate");
}

static void test_usage_errors(void **state)
{
	(void)state;
	assert_int_equal(CLIENT("-t", "SCTP"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "-t SCTP: not TCP or UDP");
	assert_int_equal(CLIENT("-ip", "1.2.3"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "--ip 1.2.3: not an IPv4 or IPv6 address");
	assert_int_equal(SERVER("extra"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unexpected argument 'extra'");
	assert_int_equal(SERVER("-x"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unknown option -x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_seed_table),
		cmocka_unit_test(test_roles_differ),
		cmocka_unit_test(test_usage_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
