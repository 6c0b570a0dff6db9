/* Unit tests for echolib/optcompat: the seed's one-dash long options become
 * getopt_long's spelling and nothing else changes; transports by name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>

#include "echolib/optcompat.h"

static const char *const names[] = { "--ip", NULL };

/* Rewrites argv (NULL-terminated) and compares with want (NULL-terminated). */
static void rewrite(const char *const *argv, const char *const *want)
{
	char *out[32];
	int argc = 0, nwant = 0;

	while (argv[argc])
		argc++;
	while (want[nwant])
		nwant++;
	assert_int_equal(echo_one_dash_long(argc, (char *const *)argv, names, out), nwant);
	for (int i = 0; i < nwant; i++)
		assert_string_equal(out[i], want[i]);
	assert_null(out[nwant]);
}

static void test_one_dash_becomes_two(void **state)
{
	rewrite((const char *[]){ "x", "-ip", "10.0.0.1", "-t", "UDP", NULL },
		(const char *[]){ "x", "--ip", "10.0.0.1", "-t", "UDP", NULL });
	rewrite((const char *[]){ "x", "-c", "-ip=::1", NULL },
		(const char *[]){ "x", "-c", "--ip", "::1", NULL });
	rewrite((const char *[]){ "x", "-ip=", NULL }, (const char *[]){ "x", "--ip", "", NULL });
}

static void test_others_untouched(void **state)
{
	rewrite((const char *[]){ "-ip", "--ip", "1.2.3.4", "--ip=1.2.3.4", "-ipx", "-i", NULL },
		(const char *[]){ "-ip", "--ip", "1.2.3.4", "--ip=1.2.3.4", "-ipx", "-i", NULL });
	/* after "--" everything is an argument */
	rewrite((const char *[]){ "x", "--", "-ip", NULL }, (const char *[]){ "x", "--", "-ip", NULL });
	rewrite((const char *[]){ "x", NULL }, (const char *[]){ "x", NULL });
}

static void test_transport(void **state)
{
	int proto = -1;
	const char *why = NULL;

	assert_int_equal(echo_parse_transport("TCP", &proto, &why), 0);
	assert_int_equal(proto, IPPROTO_TCP);
	assert_int_equal(echo_parse_transport("udp", &proto, &why), 0);
	assert_int_equal(proto, IPPROTO_UDP);
	assert_int_equal(echo_parse_transport("Udp", &proto, &why), 0);
	assert_int_equal(proto, IPPROTO_UDP);
	proto = -1;
	assert_int_equal(echo_parse_transport("TCP/UDP", &proto, &why), -1);
	assert_string_equal(why, "not TCP or UDP");
	assert_int_equal(echo_parse_transport("", &proto, &why), -1);
	assert_int_equal(echo_parse_transport("tcp ", &proto, &why), -1);
	assert_int_equal(proto, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_dash_becomes_two),
		cmocka_unit_test(test_others_untouched),
		cmocka_unit_test(test_transport),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
