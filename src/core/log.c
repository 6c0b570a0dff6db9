/* Error messages and stdout event lines (text or JSON Lines). */
#include "core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char log_progname[LOG_PROG_MAX] = "socklab";
static enum out_mode log_out_mode = OUT_TEXT;

void log_set_prog(const char *prog)
{
	snprintf(log_progname, sizeof(log_progname), "%s", prog);
}

const char *log_prog(void)
{
	return log_progname;
}

static void log_verror(int err, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void log_verror(int err, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err)
		fprintf(stderr, "%s: %s: %s\n", log_progname, msg, strerror(err));
	else
		fprintf(stderr, "%s: %s\n", log_progname, msg);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_verror(0, fmt, ap);
	va_end(ap);
}

void log_error_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_verror(err, fmt, ap);
	va_end(ap);
}

void out_set_mode(enum out_mode mode)
{
	log_out_mode = mode;
}

enum out_mode out_mode(void)
{
	return log_out_mode;
}

void out_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void out_json(json_t *obj)
{
	if (!obj)
		return;
	json_dumpf(obj, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(obj);
	fputc('\n', stdout);
	fflush(stdout);
}
