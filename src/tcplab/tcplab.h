/* socklab tcplab: what TCP does inside a connection (seed 002), made to
 * happen in sealed network namespaces and measured. */
#ifndef SOCKLAB_TCPLAB_TCPLAB_H
#define SOCKLAB_TCPLAB_TCPLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tool.h"
#include "tcplab/dline.h"

extern const struct tool tcplab_tool;
extern const char tcplab_usage_text[];

enum tl_cmd { TL_CMD_LIST, TL_CMD_RUN };

/* --profile: the kernel's defaults, or the lecture's assumptions. */
enum tl_profile { TL_PROFILE_LINUX, TL_PROFILE_TEXTBOOK };

struct tcplab_opts {
	enum tl_cmd cmd;
	const char *scenario;       /* run SCENARIO */
	bool all;                   /* run --all */
	bool json, shortform;
	const char *pcap;
	const char *svg;            /* --svg FILE: the run pictured */
	const char *rate;           /* --rate, tc's spelling */
	const char *cc;             /* --cc: the sender's congestion control */
	enum tl_profile profile;    /* --profile (linux unless said) */
	int64_t delay_ms;           /* --delay; -1: the scenario's own */
	int64_t queue;              /* --queue; -1: the scenario's own */
	struct tl_droprule drop;    /* --drop, --drop-every, --loss */
	bool drop_set;
};

enum tool_args tcplab_parse_args(int argc, char **argv, struct tcplab_opts *o, char *err,
				 size_t errlen);

#endif
