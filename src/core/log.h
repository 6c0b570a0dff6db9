/* Messages and event output shared by every tool: errors on stderr in the one
 * shape "socklab TOOL: message", events on stdout as text or JSON Lines. */
#ifndef SOCKLAB_CORE_LOG_H
#define SOCKLAB_CORE_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#define LOG_PROG_MAX 64

void log_set_prog(const char *prog);
const char *log_prog(void);

/* "socklab TOOL: fmt" on stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As log_error with ": strerror(err)" appended. */
void log_error_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

enum out_mode { OUT_TEXT, OUT_JSON };
void out_set_mode(enum out_mode mode);
enum out_mode out_mode(void);
/* Prints one line on stdout and flushes it. */
void out_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints obj as one compact JSON line on stdout, then drops the reference. */
void out_json(json_t *obj);

#endif
