/* The one frame every tool runs in. A tool exports a descriptor; tool_main
 * parses through it and does the rest the same way for every tool: --help,
 * --version (one format), usage errors (one shape: the reason, then "Try
 * 'socklab TOOL --help'.", exit 2), SIGPIPE ignored, the exit status. */
#ifndef SOCKLAB_CORE_TOOL_H
#define SOCKLAB_CORE_TOOL_H

#include <getopt.h>
#include <stddef.h>

#define TOOL_ERR_MAX 512

enum tool_args {
	TOOL_ARGS_OK,      /* run the tool */
	TOOL_ARGS_HELP,    /* -h/--help: the usage text on stdout, exit 0 */
	TOOL_ARGS_VERSION, /* --version: the version line, exit 0 */
	TOOL_ARGS_USAGE,   /* the reason is in err: exit 2 */
};

/* A row of a getopt_long table: an option without a value (a flag) or
 * with one. */
#define OPT_FLAG(name, val) { (name), no_argument, NULL, (val) }
#define OPT_VALUE(name, val) { (name), required_argument, NULL, (val) }

/* The getopt_long value of --version in every tool (-h is --help). */
#define TOOL_OPT_VERSION 0x7f00
/* The rows every tool's long-option table ends with. */
#define TOOL_LONG_OPTIONS_END \
	OPT_FLAG("help", 'h'), OPT_FLAG("version", TOOL_OPT_VERSION), { NULL, 0, NULL, 0 }

enum tool_flags {
	/* SIGPIPE keeps its default: the tool writes to no socket, and a
	 * closed pipe downstream should end it quietly (sockets, decode). */
	TOOL_KEEP_SIGPIPE = 1u << 0,
};

struct tool {
	const char *name;    /* "echo-server": socklab's subcommand and log prefix */
	const char *summary; /* one line for 'socklab --help' */
	const char *usage;   /* the --help text */
	/* The version line is "socklab NAME VERSION"; a seed may put a word
	 * between ("version": seed 004's "echoClient.py version1.0"). */
	const char *version_word;
	size_t cfg_size;     /* the tool's configuration, zeroed before parse */
	/* Fills cfg from the command line (argv[0] is the tool's name); on
	 * TOOL_ARGS_USAGE the one-line reason is in err. */
	enum tool_args (*parse)(int argc, char **argv, void *cfg, char *err, size_t errlen);
	/* Runs the tool; returns the exit status (0, 1). */
	int (*run)(void *cfg);
	unsigned flags;
};

/* The fields every descriptor fills, in this order; more (.flags,
 * .version_word) may follow:
 *   const struct tool nc_tool = {
 *           TOOL_FIELDS("nc", "netcat for the lab: …", nc_usage_text,
 *                       struct nc_config, nc_parse, nc_run),
 *   }; */
#define TOOL_FIELDS(name_, summary_, usage_, cfg_type, parse_, run_)                       \
	.name = (name_), .summary = (summary_), .usage = (usage_), .cfg_size = sizeof(cfg_type), \
	.parse = (parse_), .run = (run_)

/* "OPT VALUE: WHY" into err (the one shape of a bad option value, e.g.
 * "--port 70000: too large"); returns TOOL_ARGS_USAGE. */
enum tool_args tool_bad_value(char *err, size_t errlen, const char *opt, const char *value,
			      const char *why);

/* The frame: parse, answer --help/--version/usage errors, run. */
int tool_main(const struct tool *t, int argc, char **argv);

/* "socklab NAME: unknown option --jsno" → adds " (did you mean --json?)"
 * when one long option is close to what was typed. */
void tool_suggest_option(const struct option *longopts, const char *typed, char *err,
			 size_t errlen);
/* The closest of names[0..n) to typed (small edit distance or a unique
 * prefix), or NULL. */
const char *tool_closest(const char *typed, const char *const *names, size_t n);

#endif
