/* tcplab's --profile: which scenarios it changes, the lab's settings, the
 * congestion control, and what it says (text and the "profile" object). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcplab/fwd.h"
#include "tcplab/profile.h"

static void test_textbook_sets_only_the_bulk_scenarios(void **state)
{
	struct tcplab_opts o = { .profile = TL_PROFILE_TEXTBOOK };
	struct tl_link l;

	(void)state;
	memset(&l, 0, sizeof l);
	tl_profile_link(&o, "slow-start", &l);
	assert_int_equal(l.initcwnd, TL_TEXTBOOK_INITCWND);
	assert_true(l.no_rack_tlp);
	memset(&l, 0, sizeof l);
	tl_profile_link(&o, "nagle", &l);
	assert_int_equal(l.initcwnd, 0);
	assert_false(l.no_rack_tlp);
	assert_true(tl_profile_bulk("sack") && tl_profile_bulk("timeout"));
	assert_false(tl_profile_bulk("isn") || tl_profile_bulk(NULL));
}

static void test_linux_changes_nothing(void **state)
{
	struct tcplab_opts o = { .profile = TL_PROFILE_LINUX };
	struct tl_link l;

	(void)state;
	memset(&l, 0, sizeof l);
	tl_profile_link(&o, "fast-retransmit", &l);
	assert_int_equal(l.initcwnd, 0);
	assert_false(l.no_rack_tlp);
	assert_null(tl_profile_cc(&o, NULL));
	assert_string_equal(tl_profile_cc(&o, "cubic"), "cubic");
	assert_string_equal(tl_profile_name(o.profile), "linux");
}

static void test_textbook_cc_is_reno_and_cc_wins(void **state)
{
	struct tcplab_opts o = { .profile = TL_PROFILE_TEXTBOOK };
	struct tcplab_opts ocubic = { .profile = TL_PROFILE_TEXTBOOK, .cc = "cubic" };
	json_t *j;

	(void)state;
	assert_string_equal(tl_profile_cc(&o, NULL), "reno"); /* window-scale's */
	j = tl_profile_json(&o, "window-scale");
	assert_string_equal(json_string_value(json_object_get(j, "cc")), "reno");
	assert_string_equal(json_string_value(json_object_get(j, "name")), "textbook");
	assert_int_equal(json_integer_value(json_object_get(j, "initcwnd")), 1);
	assert_true(json_is_false(json_object_get(j, "rack")));
	json_decref(j);
	j = tl_profile_json(&ocubic, "slow-start");
	assert_string_equal(json_string_value(json_object_get(j, "cc")), "cubic");
	json_decref(j);
	/* no bulk data: the namespace's default, nothing set */
	j = tl_profile_json(&ocubic, "handshake");
	assert_true(json_is_null(json_object_get(j, "cc")));
	assert_int_equal(json_integer_value(json_object_get(j, "initcwnd")), 10);
	assert_true(json_is_true(json_object_get(j, "rack")));
	json_decref(j);
}

static void test_the_paragraphs(void **state)
{
	struct tcplab_opts lx = { .profile = TL_PROFILE_LINUX };
	struct tcplab_opts tb = { .profile = TL_PROFILE_TEXTBOOK };
	struct tcplab_opts tbcc = { .profile = TL_PROFILE_TEXTBOOK, .cc = "bbr" };
	char buf[1024];

	(void)state;
	assert_string_equal(tl_profile_text(&lx, "nagle", buf, sizeof buf),
			    "profile linux: the kernel's defaults");
	tl_profile_text(&lx, "fast-retransmit", buf, sizeof buf);
	assert_non_null(strstr(buf, "RACK"));
	assert_non_null(strstr(buf, "PRR"));
	tl_profile_text(&lx, "slow-start", buf, sizeof buf);
	assert_non_null(strstr(buf, "initial window is 10"));
	assert_non_null(strstr(buf, "HyStart"));
	tl_profile_text(&tb, "sack", buf, sizeof buf);
	assert_non_null(strstr(buf, "profile textbook: reno on the sender's socket"));
	assert_non_null(strstr(buf, "net.ipv4.tcp_recovery=0"));
	assert_non_null(strstr(buf, "left alone"));
	assert_int_equal(buf[strlen(buf) - 1], '.'); /* not cut */
	tl_profile_text(&tbcc, "sack", buf, sizeof buf);
	assert_non_null(strstr(buf, "bbr on the sender's socket (TCP_CONGESTION: --cc)"));
	tl_profile_text(&tb, "isn", buf, sizeof buf);
	assert_non_null(strstr(buf, "nothing here depends on it"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_textbook_sets_only_the_bulk_scenarios),
		cmocka_unit_test(test_linux_changes_nothing),
		cmocka_unit_test(test_textbook_cc_is_reno_and_cc_wins),
		cmocka_unit_test(test_the_paragraphs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
