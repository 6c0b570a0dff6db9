/* Unit tests for serve/offsethint: the offsets the "cannot bind" hint may
 * suggest, and that a taken port rules its offset out. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/offsethint.h"

static void test_candidates_skip_the_offset_in_use(void **state)
{
	struct serve_config cfg;
	uint32_t c[OFFSETHINT_MAX_CANDIDATES];

	serve_config_defaults(&cfg);
	cfg.port_offset = 10000;
	size_t n = serve_offsethint_candidates(&cfg, c);
	assert_true(n > 0);
	assert_int_equal(c[0], 20000);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(c[i], 10000);
}

static void test_candidates_keep_every_port_below_65536(void **state)
{
	struct serve_config cfg;
	uint32_t c[OFFSETHINT_MAX_CANDIDATES];

	serve_config_defaults(&cfg);
	/* upper is on 12000: 50000 would put it at 62000 (fine), nothing above
	 * 53535 may be suggested. */
	size_t n = serve_offsethint_candidates(&cfg, c);
	for (size_t i = 0; i < n; i++)
		assert_true(c[i] + 12000 <= 65535);
	assert_int_equal(c[0], 10000);
}

static void test_taken_port_rules_out_its_offset(void **state)
{
	struct serve_config cfg;
	union addr_any lo;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	serve_config_defaults(&cfg);
	char err[SERVE_ERR_MAX];
	assert_int_equal(serve_config_set_only(&cfg, "echo", err, sizeof err), 0);
	memcpy(&lo, &sin, sizeof sin);

	/* Take one port and ask about the offset that would need it. */
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	socklen_t len = sizeof sin;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	uint16_t taken = ntohs(sin.sin_port);
	if (taken > 7) {
		assert_false(serve_offsethint_offset_free(&cfg, &lo, 1, taken - 7u));
	}
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_candidates_skip_the_offset_in_use),
		cmocka_unit_test(test_candidates_keep_every_port_below_65536),
		cmocka_unit_test(test_taken_port_rules_out_its_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
