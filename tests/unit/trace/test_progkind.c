/* progkind.c: which programs the preload library can see — this test
 * program itself (dynamic), a script through its #! line and env, a
 * setuid copy, a file that is no ELF, shell command lines plain or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/progkind.h"

static char self[PATH_MAX], dir[] = "/tmp/progkind.XXXXXX";

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_self_is_dynamic(void **state)
{
	char path[PATH_MAX];

	(void)state;
	assert_int_equal(tr_prog_kind(self, path, sizeof path), TR_PROG_DYNAMIC);
	assert_string_equal(path, self);
	assert_null(tr_prog_kind_why(TR_PROG_DYNAMIC));
}

static void test_script_through_env(void **state)
{
	char text[PATH_MAX + 64], path[PATH_MAX], name[PATH_MAX + 32];
	const char *base = strrchr(self, '/') + 1;

	(void)state;
	/* "#!/usr/bin/env NAME": NAME in $PATH, here this test's own directory */
	snprintf(text, sizeof text, "#!/usr/bin/env %s\nbody\n", base);
	write_file("viaenv", text, 0755);
	snprintf(text, sizeof text, "#!%s -x\n", self);
	write_file("direct", text, 0755);
	write_file("twice", "#!/usr/bin/env -S a b\n", 0755);
	*strrchr(self, '/') = '\0';
	setenv("PATH", self, 1);
	self[strlen(self)] = '/';
	snprintf(name, sizeof name, "%s/viaenv", dir);
	assert_int_equal(tr_prog_kind(name, path, sizeof path), TR_PROG_DYNAMIC);
	assert_string_equal(path, self);
	snprintf(name, sizeof name, "%s/direct", dir);
	assert_int_equal(tr_prog_kind(name, NULL, 0), TR_PROG_DYNAMIC);
	/* env's options: cannot tell */
	snprintf(name, sizeof name, "%s/twice", dir);
	assert_int_equal(tr_prog_kind(name, NULL, 0), TR_PROG_UNKNOWN);
	/* a bare name is looked up in $PATH as execvp does */
	assert_int_equal(tr_prog_kind(base, path, sizeof path), TR_PROG_DYNAMIC);
	assert_string_equal(path, self);
}

static void test_setuid_and_not_elf(void **state)
{
	char name[PATH_MAX + 32];

	(void)state;
	write_file("suid", "\177ELF", 04755);
	snprintf(name, sizeof name, "%s/suid", dir);
	assert_int_equal(tr_prog_kind(name, NULL, 0), TR_PROG_SETUID);
	assert_string_equal(tr_prog_kind_why(TR_PROG_SETUID), "set-user-ID");
	write_file("text", "just text\n", 0755);
	snprintf(name, sizeof name, "%s/text", dir);
	assert_int_equal(tr_prog_kind(name, NULL, 0), TR_PROG_UNKNOWN);
	snprintf(name, sizeof name, "%s/missing", dir);
	assert_int_equal(tr_prog_kind(name, NULL, 0), TR_PROG_UNKNOWN);
	assert_int_equal(tr_prog_kind("", NULL, 0), TR_PROG_UNKNOWN);
}

static void test_shell_lines(void **state)
{
	char cmd[PATH_MAX + 32], path[PATH_MAX];

	(void)state;
	snprintf(cmd, sizeof cmd, "  %s --flag 'quoted arg'", self);
	assert_int_equal(tr_prog_kind_shell(cmd, path, sizeof path), TR_PROG_DYNAMIC);
	assert_string_equal(path, self);
	/* not a plain command: an assignment, an expansion, quotes, nothing */
	assert_int_equal(tr_prog_kind_shell("X=1 prog", path, sizeof path), TR_PROG_UNKNOWN);
	assert_string_equal(path, "");
	assert_int_equal(tr_prog_kind_shell("$PROG arg", NULL, 0), TR_PROG_UNKNOWN);
	assert_int_equal(tr_prog_kind_shell("'prog' arg", NULL, 0), TR_PROG_UNKNOWN);
	assert_int_equal(tr_prog_kind_shell("   ", NULL, 0), TR_PROG_UNKNOWN);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_is_dynamic),
		cmocka_unit_test(test_script_through_env),
		cmocka_unit_test(test_setuid_and_not_elf),
		cmocka_unit_test(test_shell_lines),
	};
	static const char *const made[] = { "viaenv", "direct", "twice", "suid", "text" };
	char path[sizeof dir + 16];
	int rc;

	(void)argc;
	if (!realpath("/proc/self/exe", self) || !mkdtemp(dir))
		return 1;
	(void)argv;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, made[i]);
		unlink(path);
	}
	if (rmdir(dir) != 0)
		rc = 1;
	return rc;
}
