/* GNU readline on an event loop, the part both chats set up alike: the
 * name (for ~/.inputrc), stdin and stdout, no signal handlers of readline's
 * own (signals are the loop's, which puts the terminal back), and a
 * bounded history. Only tools that link readline use it.
 *
 * The terminal stays in readline's mode from rl_callback_handler_install to
 * rlterm_remove. readline's callback interface would put the terminal back
 * to canonical mode around every finished line and prepare it again after
 * the line handler: keys typed in that window are echoed by the terminal a
 * second time, and a Ctrl-D becomes a NUL byte when the mode changes (the
 * line discipline keeps its EOF mark as a 0 in the buffer), so a quick
 * "$quit-then-Ctrl-D" was lost. */
#ifndef SOCKLAB_CORE_RLTERM_H
#define SOCKLAB_CORE_RLTERM_H

void rlterm_setup(const char *name, int history_max);
/* rl_callback_handler_remove, and the terminal's own settings back. */
void rlterm_remove(void);
/* Around a stop (Ctrl-Z): the terminal's own settings while stopped,
 * readline's and the typed line back after SIGCONT. */
void rlterm_suspend(void);
void rlterm_resume(void);

#endif
