/* GNU readline on an event loop, the part both chats set up alike: the
 * name (for ~/.inputrc), stdin and stdout, no signal handlers of readline's
 * own (signals are the loop's, which puts the terminal back), and a
 * bounded history. Only tools that link readline use it. */
#ifndef SOCKLAB_CORE_RLTERM_H
#define SOCKLAB_CORE_RLTERM_H

void rlterm_setup(const char *name, int history_max);

#endif
