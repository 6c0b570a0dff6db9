/* The terminal of interactive tools: a key-at-a-time mode whose saved
 * settings come back on every way out — a return, exit(), and the signals
 * that end a process (SIGINT, SIGTERM, SIGHUP, SIGQUIT: restore, then die of
 * the signal as before). One terminal at a time. */
#ifndef SOCKLAB_CORE_TERM_H
#define SOCKLAB_CORE_TERM_H

#include <stdbool.h>
#include <termios.h>

/* Turns t into key-at-a-time settings: no line editing, no local echo, no
 * signal or flow-control keys (Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-S arrive as the
 * bytes 0x03, 0x04, 0x1a, 0x13), reads return after one byte. Return still
 * reads as "\n" (ICRNL) and "\n" still writes as CR LF (OPOST), so lines
 * look as they do in a shell. Pure: touches nothing but t. */
void term_keys_settings(struct termios *t);

/* Switches the terminal fd to term_keys_settings, keeping its settings for
 * term_restore, which also runs at exit and on the signals above (those
 * whose disposition was the default). 0, or -1 with errno (ENOTTY). */
int term_keys_enter(int fd);

/* Puts the saved settings back and the signal dispositions as they were;
 * does nothing when the terminal is not switched. */
void term_restore(void);

bool term_is_switched(void);

/* The width to fit text into when writing to fd: $COLUMNS when it is a
 * positive number (the user's word wins, as in ls), else the terminal's
 * width when fd is one, else 0 (unknown: a pipe or a file, do not wrap). */
unsigned term_columns(int fd);

#endif
