/* Unit tests for ss's filter language in socklab sockets: state words and
 * groups, the expression parser (operators, spellings, precedence,
 * parentheses, errors) and the matcher on hand-made sockets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sockets/expr.h"

#define ST(s) (1u << SOCKETS_ST_##s)

static int fake_services(const char *name, uint16_t *port)
{
	if (strcmp(name, "http") == 0)
		*port = 80;
	else if (strcmp(name, "ssh") == 0)
		*port = 22;
	else
		return -1;
	return 0;
}

static struct sockets_entry tcp4(const char *src, uint16_t sport, const char *dst, uint16_t dport,
				 uint8_t state)
{
	struct sockets_entry e;

	memset(&e, 0, sizeof(e));
	e.proto = IPPROTO_TCP;
	e.family = AF_INET;
	e.state = state;
	assert_int_equal(inet_pton(AF_INET, src, e.local_addr), 1);
	assert_int_equal(inet_pton(AF_INET, dst, e.peer_addr), 1);
	e.local_port = sport;
	e.peer_port = dport;
	return e;
}

static struct sockets_entry tcp6(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct sockets_entry e;

	memset(&e, 0, sizeof(e));
	e.proto = IPPROTO_TCP;
	e.family = AF_INET6;
	e.state = SOCKETS_ST_ESTABLISHED;
	assert_int_equal(inet_pton(AF_INET6, src, e.local_addr), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, e.peer_addr), 1);
	e.local_port = sport;
	e.peer_port = dport;
	return e;
}

static struct sockets_entry unix_sock(const char *path)
{
	struct sockets_entry e;

	memset(&e, 0, sizeof(e));
	e.proto = SOCKETS_PROTO_UNIX;
	e.family = AF_UNIX;
	e.sock_type = SOCK_STREAM;
	e.state = SOCKETS_ST_LISTEN;
	snprintf(e.path, sizeof(e.path), "%s", path);
	e.path_len = (uint8_t)strlen(path);
	return e;
}

/* Parses one filter string (split into words on spaces, as a shell would
 * hand it over unquoted) and says whether e matches. */
static bool match(const char *filter, const struct sockets_entry *e)
{
	struct sockets_filter_spec spec;
	char err[256] = "";
	char *words[1] = { (char *)filter };

	if (sockets_filter_parse(1, words, fake_services, &spec, err, sizeof(err)) < 0)
		fail_msg("parse of '%s' failed: %s", filter, err);
	return sockets_expr_match(&spec.expr, e);
}

static const char *parse_error(int n, char *words[])
{
	static struct sockets_filter_spec spec;
	static char err[256];

	err[0] = '\0';
	assert_int_equal(sockets_filter_parse(n, words, fake_services, &spec, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_null(strchr(err, '\n'));
	assert_int_equal(spec.expr.root, -1);
	return err;
}

static void test_state_names_and_groups(void **state)
{
	const uint32_t all = SOCKETS_STATES_ALL;

	assert_int_equal(sockets_state_mask("established"), ST(ESTABLISHED));
	assert_int_equal(sockets_state_mask("ESTABLISHED"), ST(ESTABLISHED));
	assert_int_equal(sockets_state_mask("listening"), ST(LISTEN));
	assert_int_equal(sockets_state_mask("time-wait"), ST(TIME_WAIT));
	assert_int_equal(sockets_state_mask("syn-rcv"), ST(SYN_RECV));
	assert_int_equal(sockets_state_mask("closed"), ST(CLOSE));
	assert_int_equal(sockets_state_mask("fin-wait-2"), ST(FIN_WAIT2));
	assert_int_equal(sockets_state_mask("all"), all);
	assert_int_equal(sockets_state_mask("connected"), all & ~(ST(LISTEN) | ST(CLOSE)));
	assert_int_equal(sockets_state_mask("synchronized"),
			 all & ~(ST(LISTEN) | ST(CLOSE) | ST(SYN_SENT)));
	assert_int_equal(sockets_state_mask("bucket"), ST(SYN_RECV) | ST(TIME_WAIT));
	assert_int_equal(sockets_state_mask("big"), all & ~(ST(SYN_RECV) | ST(TIME_WAIT)));
	assert_int_equal(sockets_state_mask("establish"), 0);
	assert_int_equal(sockets_state_mask(""), 0);
}

static void test_state_words(void **state)
{
	struct sockets_filter_spec spec;
	char err[256];
	char *two_states[] = { "state", "established", "state", "listening" };
	char *excl[] = { "exclude", "time-wait", "excl", "listening" };
	char *mixed[] = { "state", "connected", "exclude", "established" };
	char *none[] = { "sport = :80" };

	assert_int_equal(sockets_filter_parse(4, two_states, NULL, &spec, err, sizeof(err)), 0);
	assert_true(spec.have_states);
	assert_int_equal(spec.states, ST(ESTABLISHED) | ST(LISTEN));
	assert_int_equal(spec.expr.root, -1);

	assert_int_equal(sockets_filter_parse(4, excl, NULL, &spec, err, sizeof(err)), 0);
	assert_int_equal(spec.states, SOCKETS_STATES_ALL & ~(ST(TIME_WAIT) | ST(LISTEN)));

	assert_int_equal(sockets_filter_parse(4, mixed, NULL, &spec, err, sizeof(err)), 0);
	assert_int_equal(spec.states,
			 SOCKETS_STATES_ALL & ~(ST(LISTEN) | ST(CLOSE) | ST(ESTABLISHED)));

	assert_int_equal(sockets_filter_parse(1, none, NULL, &spec, err, sizeof(err)), 0);
	assert_false(spec.have_states);
	assert_true(spec.expr.root >= 0);
}

static void test_ports_and_operators(void **state)
{
	struct sockets_entry e = tcp4("127.0.0.1", 8080, "127.0.0.1", 40000, SOCKETS_ST_ESTABLISHED);

	assert_true(match("sport = :8080", &e));
	assert_true(match("sport == :8080", &e));
	assert_true(match("sport eq :8080", &e));
	assert_true(match("sport :8080", &e));
	assert_true(match("sport=:8080", &e));
	assert_false(match("sport = :80", &e));
	assert_true(match("sport != :80", &e));
	assert_true(match("sport ne :80", &e));
	assert_false(match("sport neq :8080", &e));
	assert_true(match("dport >= :1024", &e));
	assert_true(match("dport ge :40000", &e));
	assert_true(match("dport geq 40000", &e));
	assert_false(match("dport > :40000", &e));
	assert_false(match("dport gt :40000", &e));
	assert_true(match("dport < :40001", &e));
	assert_true(match("dport lt :40001", &e));
	assert_true(match("dport <= :40000", &e));
	assert_true(match("dport le :40000", &e));
	assert_true(match("dport leq :40000", &e));
	assert_false(match("dport>=:40001", &e));

	struct sockets_entry web = tcp4("10.1.2.3", 80, "10.9.9.9", 5555, SOCKETS_ST_ESTABLISHED);
	assert_true(match("sport = :http", &web));
	assert_true(match("sport = :80", &web));
	assert_false(match("sport = :ssh", &web));
}

static void test_hosts(void **state)
{
	struct sockets_entry e = tcp4("127.0.0.1", 8080, "10.20.30.40", 443, SOCKETS_ST_ESTABLISHED);

	assert_true(match("dst 10.0.0.0/8", &e));
	assert_true(match("dst 10.20.30.40", &e));
	assert_true(match("dst 10.20.30.40:443", &e));
	assert_false(match("dst 10.20.30.40:444", &e));
	assert_true(match("dst 10.20.30.32/27", &e));
	assert_false(match("dst 10.20.30.0/28", &e));
	assert_true(match("dst 0.0.0.0/0", &e));
	assert_false(match("dst 11.0.0.0/8", &e));
	assert_true(match("src 127.0.0.1:8080", &e));
	assert_true(match("src 127.0.0.0/8:8080", &e));
	assert_true(match("src :8080", &e));
	assert_true(match("src *:8080", &e));
	assert_true(match("src *", &e));
	assert_false(match("src 127.0.0.1:80", &e));
	assert_true(match("dst != 192.168.0.0/16", &e));
	assert_false(match("dst ne 10.0.0.0/8", &e));
	/* IPv6 conditions match IPv6 sockets only ... */
	assert_false(match("src ::1", &e));
	struct sockets_entry six = tcp6("::1", 8080, "2001:db8::7", 443);
	assert_true(match("src ::1", &six));
	assert_true(match("src [::1]:8080", &six));
	assert_false(match("src [::1]:8081", &six));
	assert_true(match("dst 2001:db8::/32", &six));
	assert_true(match("dst [2001:db8::/32]:443", &six));
	assert_false(match("dst 10.0.0.0/8", &six));
	/* ... and IPv4 ones also v4-mapped IPv6 addresses, as in ss. */
	struct sockets_entry mapped = tcp6("::ffff:10.1.1.1", 22, "::ffff:192.168.1.9", 50000);
	assert_true(match("src 10.0.0.0/8", &mapped));
	assert_true(match("dst 192.168.1.9:50000", &mapped));
	assert_false(match("dst 192.168.2.0/24", &mapped));
}

static void test_logic_and_precedence(void **state)
{
	struct sockets_entry e = tcp4("127.0.0.1", 80, "127.0.0.1", 5000, SOCKETS_ST_ESTABLISHED);

	assert_true(match("sport = :80 and dport = :5000", &e));
	assert_true(match("sport = :80 && dport = :5000", &e));
	assert_true(match("sport = :80 & dport = :5000", &e));
	assert_true(match("sport = :80 dport = :5000", &e)); /* juxtaposed: and */
	assert_false(match("sport = :80 and dport = :5001", &e));
	assert_true(match("sport = :81 or dport = :5000", &e));
	assert_true(match("sport = :81 || dport = :5000", &e));
	assert_true(match("sport = :81 | dport = :5000", &e));
	assert_false(match("sport = :81 or dport = :5001", &e));
	assert_true(match("not sport = :81", &e));
	assert_true(match("! sport = :81", &e));
	assert_true(match("!sport = :81", &e));
	assert_false(match("not sport = :80", &e));
	/* and binds tighter than or: (F and F) or T */
	assert_true(match("sport = :1 and dport = :1 or sport = :80", &e));
	/* parentheses change it: F and (F or T) */
	assert_false(match("sport = :1 and ( dport = :1 or sport = :80 )", &e));
	assert_false(match("sport = :1 and (dport = :1 or sport = :80)", &e));
	assert_true(match("( sport = :80 or sport = :443 ) and not dst 10.0.0.0/8", &e));
	assert_true(match("not ( sport = :1 or dport = :1 )", &e));
	assert_true(match("not not sport = :80", &e));
	assert_true(match("((sport = :80))", &e));
}

static void test_words_split_like_a_shell(void **state)
{
	struct sockets_filter_spec spec;
	char err[256];
	char *words[] = { "state", "established", "(", "dport", "=", ":443", "or", "sport", "=",
			  ":80", ")" };
	struct sockets_entry e = tcp4("1.2.3.4", 80, "5.6.7.8", 9, SOCKETS_ST_ESTABLISHED);

	assert_int_equal(sockets_filter_parse(11, words, NULL, &spec, err, sizeof(err)), 0);
	assert_int_equal(spec.states, ST(ESTABLISHED));
	assert_true(sockets_expr_match(&spec.expr, &e));
	e.local_port = 81;
	assert_false(sockets_expr_match(&spec.expr, &e));
}

static void test_unix_sockets(void **state)
{
	struct sockets_entry u = unix_sock("/run/app/control.sock");

	assert_true(match("src /run/app/*", &u));
	assert_true(match("src /run/*/control.sock", &u));
	assert_false(match("src /tmp/*", &u));
	assert_false(match("dst /run/app/*", &u)); /* the peer's name is not known */
	/* IP conditions never match a Unix socket; "not" of one does. */
	assert_false(match("sport = :0", &u));
	assert_false(match("src *", &u));
	assert_true(match("not dport = :80", &u));
	struct sockets_entry t = tcp4("127.0.0.1", 80, "127.0.0.1", 5000, SOCKETS_ST_ESTABLISHED);
	assert_false(match("src /run/*", &t));
	struct sockets_entry abstract = unix_sock("@bus");
	assert_true(match("src @b*", &abstract));
}

static void test_keep_expr(void **state)
{
	struct sockets_list l = { 0 };
	struct sockets_filter_spec spec;
	char err[256];
	char *words[] = { "sport >= :1024" };

	for (uint16_t p = 1020; p < 1030; p++) {
		struct sockets_entry e = tcp4("127.0.0.1", p, "0.0.0.0", 0, SOCKETS_ST_LISTEN);
		assert_int_equal(sockets_list_push(&l, &e), 0);
	}
	assert_int_equal(sockets_filter_parse(1, words, NULL, &spec, err, sizeof(err)), 0);
	sockets_keep_expr(&l, &spec.expr);
	assert_int_equal(l.n, 6);
	for (size_t i = 0; i < l.n; i++)
		assert_true(l.v[i].local_port >= 1024);
	/* No expression keeps everything. */
	spec.expr.root = -1;
	sockets_keep_expr(&l, &spec.expr);
	assert_int_equal(l.n, 6);
	sockets_list_free(&l);
}

static void test_errors(void **state)
{
	char *unknown_state[] = { "state", "establish" };
	char *lone_state[] = { "state" };
	char *no_port[] = { "sport", "=" };
	char *bad_port[] = { "dport = :70000" };
	char *bad_service[] = { "dport = :nosuchservice" };
	char *bad_addr[] = { "dst 10.0.0.300" };
	char *bad_prefix[] = { "dst 10.0.0.0/33" };
	char *host_op[] = { "dst > 10.0.0.1" };
	char *open_paren[] = { "( sport = :80" };
	char *close_paren[] = { "sport = :80 )" };
	char *dangling[] = { "sport = :80 and" };
	char *word[] = { "sprot = :80" };
	char *late_state[] = { "sport = :80", "state", "established" };
	char *dev[] = { "dev lo" };
	char *empty_not[] = { "not" };

	assert_non_null(strstr(parse_error(2, unknown_state), "establish: not a state"));
	assert_non_null(strstr(parse_error(1, lone_state), "needs a state name"));
	assert_non_null(strstr(parse_error(2, no_port), "needs a port"));
	assert_non_null(strstr(parse_error(1, bad_port), "not a port"));
	assert_non_null(strstr(parse_error(1, bad_service), "service name"));
	assert_non_null(strstr(parse_error(1, bad_addr), "not an address"));
	assert_non_null(strstr(parse_error(1, bad_prefix), "not an address"));
	assert_non_null(strstr(parse_error(1, host_op), "= or != only"));
	assert_non_null(strstr(parse_error(1, open_paren), "without ')'"));
	assert_non_null(strstr(parse_error(1, close_paren), "unexpected ')'"));
	assert_non_null(strstr(parse_error(1, dangling), "ends too early"));
	assert_non_null(strstr(parse_error(1, word), "unexpected 'sprot'"));
	assert_non_null(strstr(parse_error(3, late_state), "goes before the expression"));
	assert_non_null(strstr(parse_error(1, dev), "'dev' is not supported"));
	assert_non_null(strstr(parse_error(1, empty_not), "ends too early"));
}

static void test_limits(void **state)
{
	static char big[8192];
	static char deep[4096];
	char *words[1];
	size_t at = 0;

	/* 100 "or"ed conditions: more nodes than an expression may hold. */
	for (int i = 0; i < 100; i++)
		at += (size_t)snprintf(big + at, sizeof(big) - at, "%ssport = :%d",
				       i ? " or " : "", i + 1);
	words[0] = big;
	assert_non_null(strstr(parse_error(1, words), "too long"));
	/* 1000 nested parentheses: refused, not a stack overflow. */
	at = 0;
	for (int i = 0; i < 1000 && at + 2 < sizeof(deep); i++)
		deep[at++] = '(';
	deep[at] = '\0';
	words[0] = deep;
	parse_error(1, words);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names_and_groups),
		cmocka_unit_test(test_state_words),
		cmocka_unit_test(test_ports_and_operators),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_logic_and_precedence),
		cmocka_unit_test(test_words_split_like_a_shell),
		cmocka_unit_test(test_unix_sockets),
		cmocka_unit_test(test_keep_expr),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
