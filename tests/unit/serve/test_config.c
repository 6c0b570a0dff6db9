/* Unit tests for serve/config: the configuration setters, the port rules,
 * the cross-option checks and the default addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "serve/config.h"

#define KNOWN "(known: echo, discard, daytime, qotd, chargen, time, upper)"

static struct serve_config cfg;
static char err[SERVE_ERR_MAX];

static int setup_defaults(void **state)
{
	serve_config_defaults(&cfg);
	memset(err, 0, sizeof(err));
	return 0;
}

static uint16_t port_of(enum service_id s)
{
	uint16_t p = 1;

	assert_int_equal(serve_config_port(&cfg, s, &p, err, sizeof(err)), 0);
	return p;
}

static void test_defaults(void **state)
{
	assert_int_equal(cfg.nbinds, 0);
	assert_int_equal(cfg.family, AF_UNSPEC);
	assert_int_equal(cfg.port_offset, 0);
	for (int s = 0; s < SVC_COUNT; s++) {
		assert_int_equal(cfg.port_set[s], -1);
		assert_true(serve_config_enabled(&cfg, s));
	}
	assert_false(cfg.only_given);
	assert_true(cfg.tcp);
	assert_true(cfg.udp);
	assert_int_equal(cfg.idle_ms, 300000);
	assert_int_equal(cfg.max_conns, 0);
	assert_int_equal(cfg.max_per_host, 0);
	assert_int_equal(cfg.udp_rate, 262144);
	assert_int_equal(cfg.high_water, 65536);
	assert_int_equal(cfg.sndbuf, 131072);
	assert_int_equal(cfg.rcvbuf, 131072);
	assert_int_equal(cfg.amp_factor_milli, 1000);
	assert_int_equal(cfg.amp_credit, 4096);
	assert_int_equal(cfg.udp_peer_rate, 1000);
	assert_null(cfg.quotes_file);
	assert_null(cfg.daytime_fmt);
	assert_false(cfg.quiet);
	assert_false(cfg.verbose);
	assert_false(cfg.json);
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), 0);
}

static void test_standard_ports(void **state)
{
	assert_int_equal(port_of(SVC_ECHO), 7);
	assert_int_equal(port_of(SVC_DISCARD), 9);
	assert_int_equal(port_of(SVC_DAYTIME), 13);
	assert_int_equal(port_of(SVC_QOTD), 17);
	assert_int_equal(port_of(SVC_CHARGEN), 19);
	assert_int_equal(port_of(SVC_TIME), 37);
	assert_int_equal(port_of(SVC_UPPER), 12000);
}

static void test_port_offset(void **state)
{
	cfg.port_offset = 10000;
	assert_int_equal(port_of(SVC_ECHO), 10007);
	assert_int_equal(port_of(SVC_UPPER), 22000);

	cfg.port_offset = 53535; /* upper lands exactly on 65535 */
	assert_int_equal(port_of(SVC_UPPER), 65535);

	uint16_t p = 4242;
	cfg.port_offset = 53536;
	assert_int_equal(serve_config_port(&cfg, SVC_UPPER, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "upper: port 12000 + --port-offset 53536 is above 65535");
	assert_int_equal(p, 4242);
	assert_int_equal(port_of(SVC_TIME), 53573);
}

static void test_set_service(void **state)
{
	assert_int_equal(serve_config_set_service(&cfg, "echo=0", err, sizeof(err)), 0);
	assert_int_equal(cfg.port_set[SVC_ECHO], 0);
	assert_int_equal(serve_config_set_service(&cfg, "upper=65535", err, sizeof(err)), 0);
	assert_int_equal(cfg.port_set[SVC_UPPER], 65535);
	/* --service wins over --port-offset */
	cfg.port_offset = 60000;
	assert_int_equal(port_of(SVC_UPPER), 65535);
	assert_int_equal(port_of(SVC_ECHO), 0);
	assert_int_equal(port_of(SVC_TIME), 60037);

	assert_int_equal(serve_config_set_service(&cfg, "bogus=1", err, sizeof(err)), -1);
	assert_string_equal(err, "--service bogus=1: unknown service 'bogus' " KNOWN);
	assert_int_equal(serve_config_set_service(&cfg, "echo", err, sizeof(err)), -1);
	assert_string_equal(err, "--service echo: expected NAME=PORT");
	assert_int_equal(serve_config_set_service(&cfg, "echo=65536", err, sizeof(err)), -1);
	assert_string_equal(err, "--service echo=65536: not a port (0-65535)");
	assert_int_equal(serve_config_set_service(&cfg, "echo=", err, sizeof(err)), -1);
	assert_string_equal(err, "--service echo=: not a port (0-65535)");
	assert_int_equal(serve_config_set_service(&cfg, "=7", err, sizeof(err)), -1);
	assert_string_equal(err, "--service =7: unknown service '' " KNOWN);
	assert_int_equal(serve_config_set_service(&cfg, "ech=7", err, sizeof(err)), -1);
	assert_int_equal(serve_config_set_service(&cfg, "echoo=7", err, sizeof(err)), -1);
	assert_int_equal(serve_config_set_service(&cfg, "ECHO=7", err, sizeof(err)), -1);
	/* failures changed nothing */
	assert_int_equal(cfg.port_set[SVC_ECHO], 0);
}

static void test_set_only(void **state)
{
	assert_int_equal(serve_config_set_only(&cfg, "echo,qotd", err, sizeof(err)), 0);
	assert_true(cfg.only_given);
	for (int s = 0; s < SVC_COUNT; s++)
		assert_int_equal(serve_config_enabled(&cfg, s), s == SVC_ECHO || s == SVC_QOTD);

	/* a second --only replaces the first */
	assert_int_equal(serve_config_set_only(&cfg, "time", err, sizeof(err)), 0);
	for (int s = 0; s < SVC_COUNT; s++)
		assert_int_equal(serve_config_enabled(&cfg, s), s == SVC_TIME);

	assert_int_equal(serve_config_set_only(&cfg, "echo,nope", err, sizeof(err)), -1);
	assert_string_equal(err, "--only: unknown service 'nope' " KNOWN);
	assert_int_equal(serve_config_set_only(&cfg, "echo,", err, sizeof(err)), -1);
	assert_string_equal(err, "--only: unknown service '' " KNOWN);
	assert_int_equal(serve_config_set_only(&cfg, "", err, sizeof(err)), -1);
	assert_string_equal(err, "--only: unknown service '' " KNOWN);
}

static void test_add_bind(void **state)
{
	assert_int_equal(serve_config_add_bind(&cfg, "127.0.0.1", err, sizeof(err)), 0);
	assert_int_equal(serve_config_add_bind(&cfg, "::1", err, sizeof(err)), 0);
	assert_int_equal(cfg.nbinds, 2);
	assert_int_equal(cfg.binds[0].sa.sa_family, AF_INET);
	assert_int_equal(cfg.binds[1].sa.sa_family, AF_INET6);

	assert_int_equal(serve_config_add_bind(&cfg, "127.0.0.1", err, sizeof(err)), -1);
	assert_string_equal(err, "--bind 127.0.0.1: given twice");
	assert_int_equal(serve_config_add_bind(&cfg, "[::1]", err, sizeof(err)), -1);
	assert_string_equal(err, "--bind [::1]: given twice");
	/* a name adds those of its addresses that are not there yet: localhost
	 * (from /etc/hosts) is 127.0.0.1, and ::1 where the hosts file says so */
	assert_int_equal(serve_config_add_bind(&cfg, "localhost", err, sizeof(err)), 0);
	assert_int_equal(cfg.nbinds, 2);
}

static void test_add_bind_bounded(void **state)
{
	char ip[32];

	for (unsigned i = 0; i < SERVE_MAX_BINDS; i++) {
		snprintf(ip, sizeof(ip), "127.0.0.%u", i + 1);
		assert_int_equal(serve_config_add_bind(&cfg, ip, err, sizeof(err)), 0);
	}
	assert_int_equal(serve_config_add_bind(&cfg, "127.0.1.1", err, sizeof(err)), -1);
	assert_string_equal(err, "--bind: at most 16 addresses");
	assert_int_equal(cfg.nbinds, SERVE_MAX_BINDS);
}

static void test_check_conflicts(void **state)
{
	cfg.tcp = cfg.udp = false;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot use --tcp-only with --udp-only");

	setup_defaults(NULL);
	cfg.quiet = cfg.verbose = true;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot use --quiet with --verbose");

	setup_defaults(NULL);
	cfg.family = AF_INET;
	assert_int_equal(serve_config_add_bind(&cfg, "127.0.0.1", err, sizeof(err)), 0);
	assert_int_equal(serve_config_add_bind(&cfg, "::1", err, sizeof(err)), 0);
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot use -4 with --bind ::1");

	setup_defaults(NULL);
	cfg.family = AF_INET6;
	assert_int_equal(serve_config_add_bind(&cfg, "192.0.2.1", err, sizeof(err)), 0);
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot use -6 with --bind 192.0.2.1");

	setup_defaults(NULL);
	cfg.only_given = true; /* an --only that named nothing */
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "no service to run");
}

static void test_check_shared_ports(void **state)
{
	cfg.port_set[SVC_ECHO] = 5000;
	cfg.port_set[SVC_DISCARD] = 5000;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "echo and discard would share port 5000");

	/* --service onto another service's standard port */
	setup_defaults(NULL);
	cfg.port_set[SVC_ECHO] = 9;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "echo and discard would share port 9");

	setup_defaults(NULL);
	cfg.port_set[SVC_UPPER] = 19;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "chargen and upper would share port 19");

	/* port 0 is ephemeral: many services may ask for it */
	setup_defaults(NULL);
	for (int s = 0; s < SVC_COUNT; s++)
		cfg.port_set[s] = 0;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), 0);

	/* a service that is off does not hold its port */
	setup_defaults(NULL);
	assert_int_equal(serve_config_set_only(&cfg, "echo", err, sizeof(err)), 0);
	cfg.port_set[SVC_ECHO] = 9;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), 0);
	setup_defaults(NULL);
	assert_int_equal(serve_config_set_only(&cfg, "discard,upper", err, sizeof(err)), 0);
	cfg.port_set[SVC_DISCARD] = 7;
	cfg.port_set[SVC_UPPER] = 13;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), 0);
}

static void test_check_service_not_in_only(void **state)
{
	assert_int_equal(serve_config_set_only(&cfg, "echo", err, sizeof(err)), 0);
	assert_int_equal(serve_config_set_service(&cfg, "time=37", err, sizeof(err)), 0);
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "--service time=37: time is not in --only");
}

static void test_check_port_offset_too_big(void **state)
{
	cfg.port_offset = 60000;
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "upper: port 12000 + --port-offset 60000 is above 65535");

	/* fine when upper is off or moved */
	assert_int_equal(serve_config_set_only(&cfg, "echo,time", err, sizeof(err)), 0);
	assert_int_equal(serve_config_check(&cfg, err, sizeof(err)), 0);
}

static void assert_addr(const union addr_any *a, const char *ip)
{
	union addr_any want;

	assert_int_equal(addr_parse_ip(ip, &want), 0);
	assert_int_equal(a->sa.sa_family, want.sa.sa_family);
	assert_memory_equal(a, &want, addr_len(&want.sa));
	assert_int_equal(addr_port(&a->sa), 0);
}

static void test_addrs_defaults(void **state)
{
	union addr_any out[SERVE_MAX_BINDS];

	assert_int_equal(addr_list_or_loopback(cfg.binds, cfg.nbinds, cfg.family, true, out), 2);
	assert_addr(&out[0], "127.0.0.1");
	assert_addr(&out[1], "::1");

	assert_int_equal(addr_list_or_loopback(cfg.binds, cfg.nbinds, cfg.family, false, out), 1);
	assert_addr(&out[0], "127.0.0.1");
}

static void test_addrs_family(void **state)
{
	union addr_any out[SERVE_MAX_BINDS];

	cfg.family = AF_INET;
	assert_int_equal(addr_list_or_loopback(cfg.binds, cfg.nbinds, cfg.family, true, out), 1);
	assert_addr(&out[0], "127.0.0.1");

	cfg.family = AF_INET6;
	assert_int_equal(addr_list_or_loopback(cfg.binds, cfg.nbinds, cfg.family, true, out), 1);
	assert_addr(&out[0], "::1");
	/* -6 on a host without IPv6: nothing to bind (sock_server_addrs says so) */
	assert_int_equal(addr_list_or_loopback(cfg.binds, cfg.nbinds, cfg.family, false, out), 0);
}

static void test_addrs_binds(void **state)
{
	union addr_any out[SERVE_MAX_BINDS];

	assert_int_equal(serve_config_add_bind(&cfg, "::1", err, sizeof(err)), 0);
	assert_int_equal(serve_config_add_bind(&cfg, "192.0.2.7", err, sizeof(err)), 0);
	/* the --bind list as given, whatever have_ipv6 says */
	assert_int_equal(addr_list_or_loopback(cfg.binds, cfg.nbinds, cfg.family, true, out), 2);
	assert_addr(&out[0], "::1");
	assert_addr(&out[1], "192.0.2.7");
	assert_int_equal(addr_list_or_loopback(cfg.binds, cfg.nbinds, cfg.family, false, out), 2);
}

#define T(f) cmocka_unit_test_setup(f, setup_defaults)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_standard_ports),
		T(test_port_offset),
		T(test_set_service),
		T(test_set_only),
		T(test_add_bind),
		T(test_add_bind_bounded),
		T(test_check_conflicts),
		T(test_check_shared_ports),
		T(test_check_service_not_in_only),
		T(test_check_port_offset_too_big),
		T(test_addrs_defaults),
		T(test_addrs_family),
		T(test_addrs_binds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
