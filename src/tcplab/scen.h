/* A scenario of the lab: its name, the part of seed 002's lecture it
 * shows, and its run, which builds its lab, makes the phenomenon happen,
 * measures it, prints the narrative (or JSON Lines) and fills the verdict.
 * Also the output helpers every scenario uses. */
#ifndef SOCKLAB_TCPLAB_SCEN_H
#define SOCKLAB_TCPLAB_SCEN_H

#include <jansson.h>
#include <stdbool.h>

#include "tcplab/fwd.h"
#include "tcplab/lab.h"
#include "tcplab/tcplab.h"

struct tl_ctx {
	const struct tcplab_opts *o;
	bool quiet;                 /* --all: the verdict line only */
	const char *name;           /* the running scenario */
	int svg;                    /* --svg: 1 written, -1 could not be, 0 not tried */
};

struct tl_verdict {
	bool seen;                  /* the expected signature */
	bool error;                 /* the lab itself failed */
	char line[512];             /* one line: the measured figures */
};

struct tl_scenario {
	const char *name;
	const char *lecture;        /* the part of the lecture it shows */
	int (*run)(struct tl_ctx *c, struct tl_verdict *v);
	bool captures;              /* records packets (--pcap has something to keep) */
};

extern const struct tl_scenario tl_scenarios[];
extern const size_t tl_nscenarios;

/* A narrative line (text mode, not quiet). */
void tl_say(const struct tl_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON Lines object (--json), with "type" and "scenario" added; takes
 * the reference. */
void tl_emit(const struct tl_ctx *c, const char *type, json_t *obj);
/* The link of a run: the scenario's defaults, overridden by the options,
 * with the profile's settings (profile.h). */
void tl_link_from(const struct tl_ctx *c, int64_t delay_ms, struct tl_link *l);
/* The delay line's accuracy after a run, said and emitted. */
void tl_report_fwd(const struct tl_ctx *c, const struct tl_lab *lab);
/* The sender's congestion control: --cc, else --profile textbook's Reno,
 * else the scenario's dflt (NULL: the namespace's default, the host's). */
const char *tl_cc(const struct tl_ctx *c, const char *dflt);
/* ✓ or ✗. */
const char *tl_mark(bool ok);

int tl_sc_handshake(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_nagle(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_timewait(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_slowstart(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_fastrtx(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_timeout(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_wscale(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_sack(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_flow(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_isn(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_synflood(struct tl_ctx *c, struct tl_verdict *v);
int tl_sc_cavoid(struct tl_ctx *c, struct tl_verdict *v);

#endif
