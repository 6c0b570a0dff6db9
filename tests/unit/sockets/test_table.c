/* Unit tests for the pure parts of socklab sockets between the parser and
 * the screen: the list (owners, order, identity), the filters, the --watch
 * diff, ss-style formatting and the JSON object. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockets/entry.h"
#include "sockets/filter.h"
#include "sockets/render.h"

static struct sockets_entry mk(uint8_t proto, int family, const char *local, uint16_t lport,
			       const char *peer, uint16_t pport, uint8_t state, uint32_t inode)
{
	struct sockets_entry e;

	memset(&e, 0, sizeof(e));
	e.proto = proto;
	e.family = (uint8_t)family;
	e.state = state;
	assert_int_equal(inet_pton(family, local, e.local_addr), 1);
	assert_int_equal(inet_pton(family, peer, e.peer_addr), 1);
	e.local_port = lport;
	e.peer_port = pport;
	e.inode = inode;
	e.cookie = inode;
	return e;
}

static void test_names(void **state)
{
	assert_string_equal(sockets_state_name(SOCKETS_ST_ESTABLISHED), "ESTAB");
	assert_string_equal(sockets_state_name(SOCKETS_ST_LISTEN), "LISTEN");
	assert_string_equal(sockets_state_name(SOCKETS_ST_CLOSE), "UNCONN");
	assert_string_equal(sockets_state_name(SOCKETS_ST_TIME_WAIT), "TIME-WAIT");
	assert_string_equal(sockets_state_name(SOCKETS_ST_CLOSE_WAIT), "CLOSE-WAIT");
	assert_string_equal(sockets_state_name(SOCKETS_ST_SYN_SENT), "SYN-SENT");
	assert_string_equal(sockets_state_name(SOCKETS_ST_FIN_WAIT2), "FIN-WAIT-2");
	assert_string_equal(sockets_state_name(0), "UNKNOWN");
	assert_string_equal(sockets_state_name(12), "UNKNOWN");
	assert_string_equal(sockets_state_name(255), "UNKNOWN");
	assert_string_equal(sockets_proto_name(IPPROTO_TCP), "tcp");
	assert_string_equal(sockets_proto_name(IPPROTO_UDP), "udp");
}

static void test_owners(void **state)
{
	struct sockets_entry e;

	memset(&e, 0, sizeof(e));
	sockets_entry_add_owner(&e, 300, 5, "c");
	sockets_entry_add_owner(&e, 100, 7, "a");
	sockets_entry_add_owner(&e, 100, 3, "a");
	sockets_entry_add_owner(&e, 200, 4, "a-very-long-name-cut-at-15");
	assert_int_equal(e.nowners, 4);
	assert_int_equal(e.owners[0].pid, 100);
	assert_int_equal(e.owners[0].fd, 3);
	assert_int_equal(e.owners[1].fd, 7);
	assert_int_equal(e.owners[2].pid, 200);
	assert_string_equal(e.owners[2].comm, "a-very-long-nam");
	assert_int_equal(e.owners[3].pid, 300);
	/* Past the bound: the lowest pids stay, the rest are counted. */
	for (int i = 0; i < 10; i++)
		sockets_entry_add_owner(&e, 1000 + i, 1, "x");
	sockets_entry_add_owner(&e, 1, 1, "first");
	assert_int_equal(e.nowners, SOCKETS_OWNERS_MAX);
	assert_int_equal(e.owners_more, 4 + 10 + 1 - SOCKETS_OWNERS_MAX);
	assert_int_equal(e.owners[0].pid, 1);
	assert_string_equal(e.owners[0].comm, "first");
	for (int i = 1; i < SOCKETS_OWNERS_MAX; i++)
		assert_true(e.owners[i - 1].pid <= e.owners[i].pid);
}

static void test_sort_order(void **state)
{
	struct sockets_list l = { 0 };
	struct sockets_entry v[] = {
		mk(IPPROTO_UDP, AF_INET, "127.0.0.1", 53, "0.0.0.0", 0, 7, 1),
		mk(IPPROTO_TCP, AF_INET6, "::1", 80, "::", 0, 10, 2),
		mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 80, "127.0.0.1", 5000, 1, 3),
		mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 80, "0.0.0.0", 0, 10, 4),
		mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 22, "0.0.0.0", 0, 10, 5),
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(sockets_list_push(&l, &v[i]), 0);
	sockets_list_sort(&l);
	uint32_t want[] = { 5, 4, 3, 2, 1 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(l.v[i].inode, want[i]);
	sockets_list_free(&l);
}

static void test_list_bound(void **state)
{
	struct sockets_list l = { 0 };
	struct sockets_entry e = mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 1, "0.0.0.0", 0, 10, 1);

	for (size_t i = 0; i < SOCKETS_MAX; i++)
		assert_int_equal(sockets_list_push(&l, &e), 0);
	errno = 0;
	assert_int_equal(sockets_list_push(&l, &e), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(l.n, SOCKETS_MAX);
	sockets_list_free(&l);
}

static void test_filters(void **state)
{
	struct sockets_list l = { 0 };
	struct sockets_entry v[] = {
		mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 80, "0.0.0.0", 0, 10, 1),
		mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 80, "127.0.0.1", 5000, 1, 2),
		mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 5000, "127.0.0.1", 80, 1, 3),
		mk(IPPROTO_UDP, AF_INET, "127.0.0.1", 53, "0.0.0.0", 0, 7, 4),
		mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 81, "127.0.0.1", 6000, 6, 0),
	};
	sockets_entry_add_owner(&v[0], 10, 3, "srv");
	sockets_entry_add_owner(&v[1], 10, 4, "srv");
	sockets_entry_add_owner(&v[1], 11, 4, "child");
	sockets_entry_add_owner(&v[2], 20, 3, "cli");
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(sockets_list_push(&l, &v[i]), 0);
	/* inode 4 has no owner; inode 0 (TIME-WAIT) never has one. */
	assert_int_equal(sockets_count_unowned(&l), 1);

	sockets_keep_port(&l, 80);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[2].inode, 3); /* peer port 80 counts too */
	sockets_keep_pid(&l, 11);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].inode, 2);
	sockets_keep_pid(&l, 99);
	assert_int_equal(l.n, 0);
	sockets_list_free(&l);
}

static void test_diff(void **state)
{
	struct sockets_list prev = { 0 }, cur = { 0 };
	struct sockets_diff_counts d;
	struct sockets_entry a = mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 80, "0.0.0.0", 0, 10, 1);
	struct sockets_entry b = mk(IPPROTO_UDP, AF_INET6, "::1", 53, "::", 0, 7, 2);
	struct sockets_entry c = mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 9, "0.0.0.0", 0, 10, 3);
	/* The same endpoints with another cookie is another socket. */
	struct sockets_entry a2 = a;
	a2.cookie = 77;

	sockets_list_push(&prev, &a);
	sockets_list_push(&prev, &b);
	sockets_list_push(&cur, &b);
	sockets_list_push(&cur, &c);
	sockets_list_push(&cur, &a2);
	/* a state change keeps the identity */
	cur.v[0].state = 1;
	assert_int_equal(sockets_diff(&prev, &cur, &d), 0);
	assert_int_equal(d.appeared, 2);
	assert_int_equal(d.went, 1);
	assert_int_equal(cur.n, 4);
	sockets_list_sort(&cur);
	size_t kept = 0, appeared = 0, went = 0;
	for (size_t i = 0; i < cur.n; i++) {
		const struct sockets_entry *e = &cur.v[i];
		if (e->change == SOCKETS_KEPT) {
			kept++;
			assert_int_equal(e->inode, 2);
		} else if (e->change == SOCKETS_APPEARED) {
			appeared++;
			assert_true(e->inode == 3 || e->cookie == 77);
		} else {
			went++;
			assert_int_equal(e->cookie, 1);
		}
	}
	assert_int_equal(kept, 1);
	assert_int_equal(appeared, 2);
	assert_int_equal(went, 1);

	/* Nothing before: everything appeared; nothing now: everything went. */
	struct sockets_list empty = { 0 };
	assert_int_equal(sockets_diff(&empty, &prev, &d), 0);
	assert_int_equal(d.appeared, 2);
	assert_int_equal(d.went, 0);
	struct sockets_list none = { 0 };
	assert_int_equal(sockets_diff(&prev, &none, &d), 0);
	assert_int_equal(d.went, 2);
	assert_int_equal(none.n, 2);
	sockets_list_free(&prev);
	sockets_list_free(&cur);
	sockets_list_free(&none);
}

static void test_endpoints(void **state)
{
	char buf[SOCKETS_ENDPOINT_MAX];
	struct sockets_entry v4 = mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 80, "0.0.0.0", 0, 10, 1);
	struct sockets_entry v6 = mk(IPPROTO_TCP, AF_INET6, "::1", 443, "::1", 50000, 1, 2);
	struct sockets_entry any6 = mk(IPPROTO_UDP, AF_INET6, "::", 53, "::", 0, 7, 3);
	struct sockets_entry mapped = mk(IPPROTO_TCP, AF_INET6, "::ffff:127.0.0.1", 8, "::", 0, 10, 4);

	assert_string_equal(sockets_format_endpoint(&v4, true, NULL, buf, sizeof(buf)),
			    "127.0.0.1:80");
	assert_string_equal(sockets_format_endpoint(&v4, false, NULL, buf, sizeof(buf)),
			    "0.0.0.0:*");
	assert_string_equal(sockets_format_endpoint(&v4, true, "lo", buf, sizeof(buf)),
			    "127.0.0.1%lo:80");
	assert_string_equal(sockets_format_endpoint(&v6, true, NULL, buf, sizeof(buf)),
			    "[::1]:443");
	assert_string_equal(sockets_format_endpoint(&v6, false, NULL, buf, sizeof(buf)),
			    "[::1]:50000");
	/* ss: a dual-stack wildcard is "*", an IPV6_V6ONLY one "[::]". */
	assert_string_equal(sockets_format_endpoint(&any6, true, NULL, buf, sizeof(buf)), "*:53");
	assert_string_equal(sockets_format_endpoint(&any6, false, NULL, buf, sizeof(buf)), "*:*");
	any6.v6only = true;
	assert_string_equal(sockets_format_endpoint(&any6, true, NULL, buf, sizeof(buf)),
			    "[::]:53");
	assert_string_equal(sockets_format_endpoint(&mapped, true, NULL, buf, sizeof(buf)),
			    "[::ffff:127.0.0.1]:8");
	assert_string_equal(sockets_format_addr(&any6, false, buf, sizeof(buf)), "::");
	/* A small buffer truncates, never overflows. */
	char tiny[6];
	assert_string_equal(sockets_format_endpoint(&v4, true, NULL, tiny, sizeof(tiny)), "127.0");
}

static void test_users(void **state)
{
	char buf[SOCKETS_USERS_MAX], esc[4 * SOCKETS_COMM_MAX + 1];
	struct sockets_entry e = mk(IPPROTO_TCP, AF_INET, "127.0.0.1", 80, "0.0.0.0", 0, 10, 1);

	assert_string_equal(sockets_format_users(&e, buf, sizeof(buf)), "");
	sockets_entry_add_owner(&e, 4242, 3, "python3");
	assert_string_equal(sockets_format_users(&e, buf, sizeof(buf)),
			    "users:((\"python3\",pid=4242,fd=3))");
	sockets_entry_add_owner(&e, 4243, 5, "ev\"il\x1b[2J");
	assert_string_equal(sockets_format_users(&e, buf, sizeof(buf)),
			    "users:((\"python3\",pid=4242,fd=3),(\"ev\\x22il\\x1b[2J\",pid=4243,fd=5))");
	for (int i = 0; i < 20; i++)
		sockets_entry_add_owner(&e, 5000 + i, 1, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"
						      "\x0b\x0c\x0d\x0e\x0f");
	const char *u = sockets_format_users(&e, buf, sizeof(buf));
	assert_non_null(strstr(u, ",...(+14 more))"));
	assert_true(strlen(u) < sizeof(buf) - 1);
	assert_string_equal(sockets_escape_comm("a\\b\xff", esc, sizeof(esc)), "a\\x5cb\\xff");
	char small[7];
	assert_string_equal(sockets_escape_comm("ab\x01zz", small, sizeof(small)), "ab\\x01");
}

static void test_json(void **state)
{
	struct sockets_entry e = mk(IPPROTO_UDP, AF_INET6, "::1", 5353, "::", 0, 7, 99);
	static const char *const keys[] = { "proto", "family", "state", "local_addr",
					    "local_port", "peer_addr", "peer_port", "recv_q",
					    "send_q", "pid", "process", "uid", "inode", "type" };

	e.recv_q = 768;
	e.uid = 1000;
	json_t *o = sockets_entry_json(&e);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 14);
	for (size_t i = 0; i < 14; i++)
		assert_non_null(json_object_get(o, keys[i]));
	assert_string_equal(json_string_value(json_object_get(o, "proto")), "udp");
	assert_string_equal(json_string_value(json_object_get(o, "family")), "ipv6");
	assert_string_equal(json_string_value(json_object_get(o, "state")), "UNCONN");
	assert_string_equal(json_string_value(json_object_get(o, "local_addr")), "::1");
	assert_int_equal(json_integer_value(json_object_get(o, "local_port")), 5353);
	assert_string_equal(json_string_value(json_object_get(o, "peer_addr")), "::");
	assert_int_equal(json_integer_value(json_object_get(o, "peer_port")), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "recv_q")), 768);
	assert_true(json_is_null(json_object_get(o, "pid")));
	assert_true(json_is_null(json_object_get(o, "process")));
	assert_int_equal(json_integer_value(json_object_get(o, "uid")), 1000);
	assert_int_equal(json_integer_value(json_object_get(o, "inode")), 99);
	json_decref(o);

	/* The lowest pid speaks for a shared socket; a name that is not UTF-8
	 * is escaped rather than dropped. */
	sockets_entry_add_owner(&e, 20, 3, "b\xff");
	sockets_entry_add_owner(&e, 10, 4, "a");
	o = sockets_entry_json(&e);
	assert_int_equal(json_integer_value(json_object_get(o, "pid")), 10);
	assert_string_equal(json_string_value(json_object_get(o, "process")), "a");
	json_decref(o);
	struct sockets_entry f = e;
	f.nowners = 0;
	sockets_entry_add_owner(&f, 20, 3, "b\xff");
	o = sockets_entry_json(&f);
	assert_string_equal(json_string_value(json_object_get(o, "process")), "b\\xff");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_list_bound),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
