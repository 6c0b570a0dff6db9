/* Which calls the story shows: strace's "-e trace=SET" for socklab trace.
 * SET is a comma-separated list of call names and classes, each may be
 * negated with '!', a leading '!' negates the whole set (strace's rule):
 *   connect,send        those two       %network, network   socket calls
 *   %desc, desc         calls on descriptors (all but socket)
 *   all, none           everything, nothing      /REGEX   names matching it
 * Packets are always shown; a hidden call's TCP state changes move to the
 * next shown row, so no state is lost. */
#ifndef SOCKLAB_TRACE_CALLSET_H
#define SOCKLAB_TRACE_CALLSET_H

#include <stdbool.h>
#include <stddef.h>

#include "trace/model.h"

/* The calls the preload library records, in its order. */
#define TR_CALLSET_NCALLS 29

struct tr_callset {
	bool given;                     /* -e trace= was used */
	bool on[TR_CALLSET_NCALLS];
};

/* The name of call i (0 <= i < TR_CALLSET_NCALLS). */
const char *tr_callset_name(size_t i);

/* Parses SET (the text after "trace=") into cs. 0, or -1 with the one-line
 * reason in err ("unknown call 'conect' in -e trace (did you mean connect?)"). */
int tr_callset_parse(struct tr_callset *cs, const char *set, char *err, size_t errlen);

/* Whether the story shows a call of this name (always, without -e trace). */
bool tr_callset_shows(const struct tr_callset *cs, const char *name);

/* Drops the rows of hidden calls from t's story (after tr_story_build);
 * returns how many calls stay shown. */
size_t tr_callset_apply(const struct tr_callset *cs, struct trace *t);

#endif
