/* Colour on a terminal, the same way in every tool: --color[=WHEN] with
 * WHEN auto (the default: colour only when the output is a terminal, TERM
 * is not "dumb" and NO_COLOR is unset or empty, https://no-color.org),
 * always or never; never colour in a pipe unless asked. */
#ifndef SOCKLAB_CORE_COLOR_H
#define SOCKLAB_CORE_COLOR_H

#include <stdbool.h>

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* SGR sequences of the few colours the tools use. */
#define COLOR_RESET "\033[0m"
#define COLOR_BOLD "\033[1m"
#define COLOR_DIM "\033[2m"
#define COLOR_RED "\033[31m"
#define COLOR_GREEN "\033[32m"
#define COLOR_YELLOW "\033[33m"
#define COLOR_BLUE "\033[34m"
#define COLOR_MAGENTA "\033[35m"
#define COLOR_CYAN "\033[36m"

/* WHEN as given to --color (NULL: "--color" alone, which means always, as
 * in ls and grep): auto/tty/if-tty, always/yes/force, never/no/none.
 * 0, or -1 for another word. */
int color_parse(const char *when, enum color_mode *out);

/* Whether to colour what goes to fd in mode m (reads NO_COLOR and TERM). */
bool color_use(enum color_mode m, int fd);

#endif
