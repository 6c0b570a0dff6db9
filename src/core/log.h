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

enum log_out_mode { OUT_TEXT, OUT_JSON };
void log_out_set_mode(enum log_out_mode mode);
enum log_out_mode log_out_mode(void);
/* Prints one line on stdout and flushes it. */
void log_out_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints obj as one compact JSON line on stdout, then drops the reference. */
void log_out_json(json_t *obj);

/* Queued output, for servers: a reader that stops reading their stdout must
 * not stop them. When stdout is a pipe, a FIFO or a stream socket, log_out_line()
 * and log_out_json() queue whole lines (at most OUT_QUEUE_MAX bytes) that are
 * written without blocking as the reader takes them; a line that does not
 * fit is counted and dropped, and once the queue has room again one line
 * says how many: "log: N lines dropped (output not read)", or in JSON
 * {"event":"log_dropped","lines":N}. A pipe gets a non-blocking open file
 * description of its own (/proc/self/fd/1), a socket MSG_DONTWAIT, so the
 * blocking mode that stdout shares with other processes is left alone. A
 * terminal or a file is written as before, blocking (a terminal is a person
 * reading; a file does not wait for a reader). */
#define OUT_QUEUE_MAX (256 * 1024)
/* At exit a full queue is waited for until the reader made no progress for
 * OUT_EXIT_IDLE_MS, or OUT_EXIT_MAX_MS in all. */
#define OUT_EXIT_IDLE_MS 1000
#define OUT_EXIT_MAX_MS 5000

struct event_base;
/* Starts queued output on base's loop, when stdout is of a kind that needs
 * it; 0 (also when stdout stays as it is), -1 when out of memory. */
int log_out_queue_start(struct event_base *base);
/* The server is stopping (its last lines and summary follow): from now on a
 * line that does not fit waits for the reader, as long as OUT_EXIT_* allow. */
void log_out_queue_closing(void);
/* Writes what is queued within the OUT_EXIT_* bounds, then leaves queued
 * output; call before base is freed. */
void log_out_queue_stop(void);

#endif
