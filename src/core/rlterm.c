/* readline's settings for a line typed on an event loop. */
#include "core/rlterm.h"

#include <stdio.h>

#include <readline/history.h>
#include <readline/readline.h>

void rlterm_setup(const char *name, int history_max)
{
	rl_readline_name = name;
	rl_instream = stdin;
	rl_outstream = stdout;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	stifle_history(history_max);
}
