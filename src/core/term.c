/* Key-at-a-time terminal mode, restored on every way out. */
#include "core/term.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const int term_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define TERM_NSIGNALS (sizeof(term_signals) / sizeof(term_signals[0]))

static struct termios term_saved;
static int term_fd = -1;
static volatile sig_atomic_t term_switched;
static struct sigaction term_old_actions[TERM_NSIGNALS];
static bool term_handled[TERM_NSIGNALS];
static bool term_atexit_done;

void term_keys_settings(struct termios *t)
{
	t->c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHOE | ECHOK | ECHONL | ISIG | IEXTEN);
	t->c_iflag &= ~(tcflag_t)(IXON | IXOFF | BRKINT | INPCK | ISTRIP | INLCR | IGNCR);
	t->c_iflag |= ICRNL;
	t->c_oflag |= OPOST | ONLCR;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

/* Async-signal-safe: tcsetattr only. */
static void term_put_back(void)
{
	if (term_switched) {
		tcsetattr(term_fd, TCSANOW, &term_saved);
		term_switched = 0;
	}
}

static void term_on_signal(int sig)
{
	int saved_errno = errno;
	struct sigaction dfl;

	term_put_back();
	/* Die of the signal as the default action would have: the signal is
	 * blocked while we run, so it is delivered as we return. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
	errno = saved_errno;
}

static void term_on_exit(void)
{
	term_restore();
}

int term_keys_enter(int fd)
{
	struct termios t;

	if (term_switched) {
		errno = EBUSY;
		return -1;
	}
	if (tcgetattr(fd, &term_saved) < 0)
		return -1;
	if (!term_atexit_done && atexit(term_on_exit) == 0)
		term_atexit_done = true;
	/* Handlers first: a signal between tcsetattr and sigaction would leave
	 * the terminal switched. A program's own handlers (or SIG_IGN) stay. */
	for (size_t i = 0; i < TERM_NSIGNALS; i++) {
		struct sigaction sa;
		term_handled[i] = false;
		if (sigaction(term_signals[i], NULL, &term_old_actions[i]) < 0 ||
		    term_old_actions[i].sa_handler != SIG_DFL ||
		    (term_old_actions[i].sa_flags & SA_SIGINFO))
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = term_on_signal;
		sigemptyset(&sa.sa_mask);
		for (size_t k = 0; k < TERM_NSIGNALS; k++)
			sigaddset(&sa.sa_mask, term_signals[k]);
		if (sigaction(term_signals[i], &sa, NULL) == 0)
			term_handled[i] = true;
	}
	term_fd = fd;
	t = term_saved;
	term_keys_settings(&t);
	term_switched = 1;
	if (tcsetattr(fd, TCSANOW, &t) < 0) {
		int err = errno;
		term_switched = 0;
		term_restore();
		errno = err;
		return -1;
	}
	return 0;
}

void term_restore(void)
{
	term_put_back();
	for (size_t i = 0; i < TERM_NSIGNALS; i++) {
		if (term_handled[i])
			sigaction(term_signals[i], &term_old_actions[i], NULL);
		term_handled[i] = false;
	}
}

bool term_is_switched(void)
{
	return term_switched != 0;
}

unsigned term_columns(int fd)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);

		if (*end == '\0' && v > 0 && v < 100000)
			return (unsigned)v;
	}
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}
