/* The printers of a finished trace model: the ladder diagram as text, the
 * same as an SVG sequence diagram, and JSON Lines. None of them changes the
 * model. */
#ifndef SOCKLAB_TRACE_RENDER_H
#define SOCKLAB_TRACE_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "trace/model.h"

#include <stddef.h>

struct render_opts {
	bool utf8;        /* box-drawing arrows instead of ASCII */
	bool color;       /* SGR colours: arrows by kind, states, failures */
	unsigned width;   /* fit rows into this many columns; 0: never wrap */
	bool filtered;    /* -e trace=: the header says how many calls show */
	size_t shown_calls;
};

int trace_render_text(const struct trace *t, const struct render_opts *o, FILE *out);
int trace_render_svg(const struct trace *t, FILE *out);
int trace_render_json(const struct trace *t, FILE *out);
/* --answers: seed 000 §4.1's two lists (render_answers.c). */
int trace_render_answers(const struct trace *t, FILE *out);

#endif
