/* Unit tests for sockets/procmap: "socket:[N]" links, and the owner walk over
 * a /proc-shaped tree built in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockets/procmap.h"

static void test_parse_link(void **state)
{
	uint32_t ino = 0;

	assert_int_equal(sockets_parse_socket_link("socket:[4242]", &ino), 0);
	assert_int_equal(ino, 4242);
	assert_int_equal(sockets_parse_socket_link("socket:[0]", &ino), 0);
	assert_int_equal(ino, 0);
	assert_int_equal(sockets_parse_socket_link("socket:[4294967295]", &ino), 0);
	assert_int_equal(ino, UINT32_MAX);
	ino = 7;
	assert_int_equal(sockets_parse_socket_link("socket:[4294967296]", &ino), -1);
	assert_int_equal(sockets_parse_socket_link("socket:[]", &ino), -1);
	assert_int_equal(sockets_parse_socket_link("socket:[12", &ino), -1);
	assert_int_equal(sockets_parse_socket_link("socket:[12]x", &ino), -1);
	assert_int_equal(sockets_parse_socket_link("socket:[-1]", &ino), -1);
	assert_int_equal(sockets_parse_socket_link("pipe:[12]", &ino), -1);
	assert_int_equal(sockets_parse_socket_link("/dev/null", &ino), -1);
	assert_int_equal(sockets_parse_socket_link("", &ino), -1);
	assert_int_equal(ino, 7);
}

static char root[64];

static void put_dir(const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void put_file(const char *rel, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_link(const char *rel, const char *target)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup_tree(void **state)
{
	snprintf(root, sizeof(root), "/tmp/socklab-procmap-XXXXXX");
	assert_non_null(mkdtemp(root));
	/* 100: a server holding 11 (twice) and 12; 200: a child sharing 11;
	 * "self" and "sys" are not processes; 300 holds no socket of ours. */
	put_dir("100");
	put_dir("100/fd");
	put_file("100/comm", "server\n");
	put_link("100/fd/0", "/dev/null");
	put_link("100/fd/3", "socket:[11]");
	put_link("100/fd/9", "socket:[11]");
	put_link("100/fd/4", "socket:[12]");
	put_link("100/fd/5", "pipe:[11]");
	put_dir("200");
	put_dir("200/fd");
	put_file("200/comm", "worker\n");
	put_link("200/fd/7", "socket:[11]");
	put_dir("300");
	put_dir("300/fd");
	put_file("300/comm", "other\n");
	put_link("300/fd/3", "socket:[999]");
	put_dir("self");
	put_dir("self/fd");
	put_link("self/fd/3", "socket:[13]");
	put_dir("400"); /* a process without an fd directory: gone */
	return 0;
}

static int teardown_tree(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_fill(void **state)
{
	struct sockets_list l = { 0 };
	struct sockets_entry e;
	struct sockets_procmap_stats st;
	uint32_t inodes[] = { 11, 12, 13, 0 };

	for (size_t i = 0; i < 4; i++) {
		memset(&e, 0, sizeof(e));
		e.proto = IPPROTO_TCP;
		e.family = AF_INET;
		e.inode = inodes[i];
		e.nowners = 3; /* stale owners from an earlier walk are dropped */
		assert_int_equal(sockets_list_push(&l, &e), 0);
	}
	assert_int_equal(sockets_procmap_fill(&l, root, &st), 0);
	assert_int_equal(st.processes, 4);

	const struct sockets_entry *s11 = &l.v[0];
	assert_int_equal(s11->nowners, 3);
	assert_int_equal(s11->owners[0].pid, 100);
	assert_int_equal(s11->owners[0].fd, 3);
	assert_string_equal(s11->owners[0].comm, "server");
	assert_int_equal(s11->owners[1].pid, 100);
	assert_int_equal(s11->owners[1].fd, 9);
	assert_int_equal(s11->owners[2].pid, 200);
	assert_string_equal(s11->owners[2].comm, "worker");
	assert_int_equal(l.v[1].nowners, 1);
	assert_int_equal(l.v[1].owners[0].fd, 4);
	assert_int_equal(l.v[2].nowners, 0); /* only "self" holds it */
	assert_int_equal(l.v[3].nowners, 0); /* no inode, no owner */
	sockets_list_free(&l);

	/* An empty list needs no walk; a missing root is an error. */
	struct sockets_list none = { 0 };
	assert_int_equal(sockets_procmap_fill(&none, "/nonexistent-proc", &st), 0);
	memset(&e, 0, sizeof(e));
	e.inode = 1;
	assert_int_equal(sockets_list_push(&none, &e), 0);
	errno = 0;
	assert_int_equal(sockets_procmap_fill(&none, "/nonexistent-proc", &st), -1);
	assert_int_equal(errno, ENOENT);
	sockets_list_free(&none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test_setup_teardown(test_fill, setup_tree, teardown_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
