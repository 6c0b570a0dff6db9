/* Unit tests for core/term's key-at-a-time settings (pure) and for the
 * refusal to switch something that is not a terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/term.h"

/* A cooked terminal as a shell leaves it. */
static struct termios cooked(void)
{
	struct termios t;

	memset(&t, 0, sizeof(t));
	t.c_iflag = ICRNL | IXON | BRKINT;
	t.c_oflag = OPOST | ONLCR;
	t.c_cflag = CS8 | CREAD;
	t.c_lflag = ICANON | ECHO | ECHOE | ECHOK | ISIG | IEXTEN;
	t.c_cc[VINTR] = 3;
	t.c_cc[VEOF] = 4;
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 5;
	return t;
}

static void test_keys_settings(void **state)
{
	struct termios t = cooked();

	term_keys_settings(&t);
	assert_int_equal(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), 0); /* keys as bytes */
	assert_int_equal(t.c_iflag & (IXON | BRKINT), 0);                  /* Ctrl-S is a key */
	assert_int_not_equal(t.c_iflag & ICRNL, 0);                        /* Return reads "\n" */
	assert_int_equal(t.c_oflag & (OPOST | ONLCR), OPOST | ONLCR);      /* "\n" shows as CR LF */
	assert_int_equal(t.c_cflag, CS8 | CREAD);
	assert_int_equal(t.c_cc[VMIN], 1);
	assert_int_equal(t.c_cc[VTIME], 0);
	assert_int_equal(t.c_cc[VINTR], 3);                                /* left alone */
}

static void test_idempotent(void **state)
{
	struct termios a = cooked(), b;

	term_keys_settings(&a);
	b = a;
	term_keys_settings(&b);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_not_a_terminal(void **state)
{
	int fd = open("/dev/null", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(term_keys_enter(fd), -1);
	assert_int_equal(errno, ENOTTY);
	assert_false(term_is_switched());
	term_restore(); /* nothing to do, and no harm */
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_settings),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_not_a_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
