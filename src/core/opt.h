/* Range-checked parsing of option values (strtonum-style, never atoi). Each
 * parser returns 0, or -1 with *errstr set to a short reason for the user. */
#ifndef SOCKLAB_CORE_OPT_H
#define SOCKLAB_CORE_OPT_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tool.h"

int opt_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **errstr);
/* A TCP/UDP port, 0..65535. */
int opt_parse_port(const char *s, uint16_t *out, const char **errstr);
/* A byte count with an optional k, M or G suffix (powers of 1024). */
int opt_parse_size(const char *s, uint64_t max, uint64_t *out, const char **errstr);
/* Seconds, possibly fractional ("0.5"), 0..max; returned in milliseconds. */
int opt_parse_seconds(const char *s, uint64_t max_secs, uint64_t *out_ms, const char **errstr);

/* A number option that goes straight into a uint64_t field of a tool's
 * configuration: a count in min..max, or seconds (at most max seconds, at
 * least min milliseconds) kept in milliseconds. */
enum opt_num_kind { OPT_NUM_COUNT, OPT_NUM_SECONDS };
struct opt_num {
	int code;         /* getopt_long's value */
	const char *name; /* "--max-users", for the error */
	enum opt_num_kind kind;
	uint64_t min, max;
	size_t field;     /* offsetof the uint64_t in the configuration */
};
/* If code is a row of table[0..n), its value arg into that field of cfg:
 * 1; a bad value: -1 with "NAME ARG: reason" in err; not in the table: 0. */
int opt_num_parse(const struct opt_num *table, size_t n, int code, const char *arg, void *cfg,
		  char *err, size_t errlen);
#define OPT_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The getopt_long loop of a parse function: from the first argument (a full
 * rescan, also when a parser runs twice, as in tests) and with getopt's own
 * messages off (opt_getopt_error words them):
 *   OPT_EACH(c, argc, argv, ":46h", longopts) { switch (c) { … } } */
#define OPT_EACH(c, argc, argv, shortopts, longopts)                                       \
	for (optind = 0, opterr = 0;                                                       \
	     ((c) = getopt_long((argc), (argv), (shortopts), (longopts), NULL)) != -1;)

/* The one-line reason for getopt_long's ':' (missing value) or '?' (unknown
 * option, or a value given to a flag), naming the option as the user typed
 * it. Call with optind and optopt as getopt_long left them. */
void opt_getopt_error(int c, char *const argv[], int optind_now, int optopt_now,
		      const struct option *longopts, char *err, size_t errlen);

/* The default: of every tool's getopt_long switch: -h/--help, --version,
 * and getopt's own errors (unknown option, missing value) into err. Call
 * right after getopt_long returned c. */
enum tool_args opt_getopt_default(int c, char **argv, const struct option *longopts, char *err,
				  size_t errlen);
/* Another tool's flag that a socklab tool answers instead of calling it
 * unknown: what the user reaches for (OpenBSD nc's -x, strace's -p) and
 * how socklab does it, or why it does not. */
struct opt_habit {
	char letter;        /* the short option, as getopt reports it in optopt */
	const char *answer;
};
/* Like opt_getopt_default, but an unknown short option that is a row of
 * table[0..n) gets "ANCHOR's -L: ANSWER" ("OpenBSD nc's -x: ..."). */
enum tool_args opt_getopt_habits(int c, char **argv, const struct option *longopts,
				 const struct opt_habit *table, size_t n, const char *anchor,
				 char *err, size_t errlen);

/* After the options of a tool that takes no operands: TOOL_ARGS_OK, or
 * "unexpected argument 'X'" for argv[optind]. */
enum tool_args opt_no_operands(int argc, char **argv, char *err, size_t errlen);

#endif
