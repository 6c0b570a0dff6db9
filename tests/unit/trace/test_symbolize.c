/* symbolize.c: return addresses of this very test program (built with -g)
 * resolved to file, line and function, the pick of the user's frame among
 * system and debug-less ones, and values that must find nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/model.h"
#include "trace/symbolize.h"

static int call_line;

static __attribute__((noinline)) void *return_address(void)
{
	return __builtin_return_address(0);
}

/* The return address of a call made on call_line. */
static __attribute__((noinline)) void *sym_test_caller(void)
{
	void *ra;

	call_line = __LINE__; ra = return_address();
	__asm__ volatile("" : : "r"(ra) : "memory"); /* no tail call */
	return ra;
}

/* "MODULE:0xVADDR" of a run-time address, the way the preload library
 * writes a frame; module overrides the file's path when not NULL. */
static void frame_of(const void *addr, const char *module, char *buf, size_t n)
{
	Dl_info info;
	struct link_map *map = NULL;
	char exe[PATH_MAX];
	ssize_t len;
	const char *path;

	assert_true(dladdr1(addr, &info, (void **)&map, RTLD_DL_LINKMAP) != 0 && map);
	path = map->l_name;
	if (!path || !*path) {
		len = readlink("/proc/self/exe", exe, sizeof exe - 1);
		assert_true(len > 0);
		exe[len] = '\0';
		path = exe;
	}
	snprintf(buf, n, "%s:0x%llx", module ? module : path,
		 (unsigned long long)((uintptr_t)addr - map->l_addr));
}

static const char *self_path(char *buf, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", buf, n - 1);

	assert_true(len > 0);
	buf[len] = '\0';
	return buf;
}

static void check_caller(const struct tr_src *src, const char *module)
{
	assert_non_null(src->file);
	assert_non_null(strstr(src->file, "tests/unit/trace/test_symbolize.c"));
	assert_true(src->file[0] == '/');
	assert_int_equal(src->line, call_line);
	assert_string_equal(src->func, "sym_test_caller");
	assert_string_equal(src->module, module);
}

static void test_own_function(void **state)
{
	struct tr_symbolizer *s = tr_sym_new();
	struct tr_src src = { 0 };
	char val[PATH_MAX + 64], exe[PATH_MAX];

	(void)state;
	frame_of(sym_test_caller(), NULL, val, sizeof val);
	assert_int_equal(tr_sym_resolve(s, val, &src), 0);
	check_caller(&src, self_path(exe, sizeof exe));
	/* the second time from the cache, into a src that holds the first */
	assert_int_equal(tr_sym_resolve(s, val, &src), 0);
	check_caller(&src, exe);
	tr_src_free(&src);
	tr_sym_free(s);
}

/* libc's frames are skipped without opening libc; a library without debug
 * information (cmocka's) is skipped when a frame further out has it. */
static void test_pick_user_frame(void **state)
{
	struct tr_symbolizer *s = tr_sym_new();
	struct tr_src src = { 0 };
	char val[3 * PATH_MAX], mine[PATH_MAX + 64], lib[PATH_MAX + 64], exe[PATH_MAX];

	(void)state;
	frame_of(sym_test_caller(), NULL, mine, sizeof mine);
	/* one past its entry, as a return address into it would be */
	frame_of((const char *)(uintptr_t)_cmocka_run_group_tests + 1, NULL, lib, sizeof lib);
	snprintf(val, sizeof val, "/lib/x86_64-linux-gnu/libc.so.6:0x2724a,%s,%s", lib, mine);
	assert_int_equal(tr_sym_resolve(s, val, &src), 0);
	check_caller(&src, self_path(exe, sizeof exe));
	tr_src_free(&src);

	/* the library alone: its function and offset from the symbol table */
	assert_int_equal(tr_sym_resolve(s, lib, &src), 0);
	assert_string_equal(src.func, "_cmocka_run_group_tests");
	if (!src.file) /* no debug information for cmocka installed */
		assert_int_equal(src.offset, 1);
	tr_src_free(&src);
	tr_sym_free(s);
}

/* A module path with ',' and ':' in it, as the unescaped value holds it. */
static void test_path_with_comma(void **state)
{
	struct tr_symbolizer *s = tr_sym_new();
	struct tr_src src = { 0 };
	char link[64], exe[PATH_MAX], val[PATH_MAX + 64];

	(void)state;
	snprintf(link, sizeof link, "/tmp/sym,test:1,%d", (int)getpid());
	unlink(link);
	assert_int_equal(symlink(self_path(exe, sizeof exe), link), 0);
	frame_of(sym_test_caller(), link, val, sizeof val);
	assert_int_equal(tr_sym_resolve(s, val, &src), 0);
	check_caller(&src, link);
	unlink(link);
	tr_src_free(&src);
	tr_sym_free(s);
}

static void test_nothing_found(void **state)
{
	struct tr_symbolizer *s = tr_sym_new();
	struct tr_src src = { 0 };
	char exe[PATH_MAX], val[PATH_MAX + 64], fifo[64];
	const char *bad[] = {
		"", "garbage", "...", ":0x10", "/tmp/x:0x", "/tmp/x:0xzz", "/tmp/x:10",
		"/nonexistent/socklab/module:0x1234",
		"/lib/x86_64-linux-gnu/libc.so.6:0x2724a",
		"/proc/self/status:0x10", /* no ELF file */
		"/dev/zero:0x10",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(tr_sym_resolve(s, bad[i], &src), -1);
	/* a FIFO is never opened: that would wait for a writer forever */
	snprintf(fifo, sizeof fifo, "/tmp/sym-test-fifo-%d", (int)getpid());
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(val, sizeof val, "%s:0x10", fifo);
	assert_int_equal(tr_sym_resolve(s, val, &src), -1);
	unlink(fifo);
	assert_int_equal(tr_sym_resolve(s, NULL, &src), -1);
	self_path(exe, sizeof exe);
	snprintf(val, sizeof val, "%s:0xffffffffffff0000", exe);
	assert_int_equal(tr_sym_resolve(s, val, &src), -1);
	snprintf(val, sizeof val, "%s:0x0", exe);
	assert_int_equal(tr_sym_resolve(s, val, &src), -1);
	snprintf(val, sizeof val, "%s:0x12345678901234567", exe); /* 17 digits */
	assert_int_equal(tr_sym_resolve(s, val, &src), -1);
	assert_null(src.file);
	assert_null(src.func);
	assert_null(src.module);
	tr_sym_free(s);
}

static void test_system_modules(void **state)
{
	(void)state;
	assert_true(tr_sym_system_module("/lib/x86_64-linux-gnu/libc.so.6"));
	assert_true(tr_sym_system_module("/lib64/ld-linux-x86-64.so.2"));
	assert_true(tr_sym_system_module("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"));
	assert_true(tr_sym_system_module("/lib/x86_64-linux-gnu/libgcc_s.so.1"));
	assert_false(tr_sym_system_module("/tmp/client"));
	assert_false(tr_sym_system_module("/usr/lib/x86_64-linux-gnu/libcurl.so.4"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_function),
		cmocka_unit_test(test_pick_user_frame),
		cmocka_unit_test(test_path_with_comma),
		cmocka_unit_test(test_nothing_found),
		cmocka_unit_test(test_system_modules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
