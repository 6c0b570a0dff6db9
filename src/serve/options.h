/* Command-line parsing for socklab serve. */
#ifndef SOCKLAB_SERVE_OPTIONS_H
#define SOCKLAB_SERVE_OPTIONS_H

#include <getopt.h>
#include <stddef.h>

#include "serve/config.h"

enum serve_args {
	SERVE_ARGS_OK,
	SERVE_ARGS_HELP,
	SERVE_ARGS_VERSION,
	SERVE_ARGS_USAGE,  /* err holds the reason */
};

extern const struct option serve_long_options[];
extern const char serve_usage_text[];

/* Parses argv into cfg (which the caller set to defaults). */
enum serve_args serve_parse_args(int argc, char **argv, struct serve_config *cfg, char *err,
				 size_t errlen);

#endif
