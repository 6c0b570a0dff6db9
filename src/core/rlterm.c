/* readline's settings for a line typed on an event loop. */
#include "core/rlterm.h"

#include <stdbool.h>
#include <stdio.h>

#include <readline/history.h>
#include <readline/readline.h>

static bool rlterm_leaving;

/* readline's deprep hook: only when the handler is removed (see rlterm.h). */
static void rlterm_deprep(void)
{
	if (rlterm_leaving)
		rl_deprep_terminal();
}

void rlterm_setup(const char *name, int history_max)
{
	rl_readline_name = name;
	rl_instream = stdin;
	rl_outstream = stdout;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_deprep_term_function = rlterm_deprep;
	stifle_history(history_max);
}

void rlterm_remove(void)
{
	rlterm_leaving = true;
	rl_callback_handler_remove();
	/* After a line handler, readline no longer counts itself in the
	 * handler and skips its deprep: do it (a no-op when not prepared). */
	rl_deprep_terminal();
	rlterm_leaving = false;
}

void rlterm_suspend(void)
{
	rlterm_leaving = true;
	rl_cleanup_after_signal();
	rlterm_leaving = false;
}

void rlterm_resume(void)
{
	rl_reset_after_signal();
	rl_forced_update_display();
}
