/* Command-line parsing for socklab serve. */
#ifndef SOCKLAB_SERVE_OPTIONS_H
#define SOCKLAB_SERVE_OPTIONS_H

#include <getopt.h>
#include <stddef.h>

#include "core/tool.h"
#include "serve/config.h"

extern const struct option serve_long_options[];
extern const char serve_usage_text[];

/* Parses argv into cfg (which the caller set to defaults); on
 * TOOL_ARGS_USAGE the reason is in err. */
enum tool_args serve_parse_args(int argc, char **argv, struct serve_config *cfg, char *err,
				size_t errlen);

#endif
