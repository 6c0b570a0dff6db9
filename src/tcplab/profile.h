/* --profile: linux (the kernel's defaults, what every scenario did before)
 * or textbook (the lecture's assumptions where Linux lets a namespace
 * have them: Reno, an initial window of one segment, RACK and the tail
 * loss probe off). Which scenarios a profile changes, the lab's settings
 * for it, and the paragraph that says so, as text and as the "profile"
 * JSON object. Pure: the lab (lab.c) applies the settings, the caller
 * prints. */
#ifndef SOCKLAB_TCPLAB_PROFILE_H
#define SOCKLAB_TCPLAB_PROFILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "tcplab/tcplab.h"

struct tl_link;

/* textbook's initial window, in segments (the sender's route's initcwnd) */
#define TL_TEXTBOOK_INITCWND 1

/* "linux", "textbook". */
const char *tl_profile_name(enum tl_profile p);
/* Does scenario name send bulk data through congestion control (the
 * scenarios the profile changes beyond the congestion control)? */
bool tl_profile_bulk(const char *scenario);
/* The profile's settings for scenario into its link (tl_link_from). */
void tl_profile_link(const struct tcplab_opts *o, const char *scenario, struct tl_link *l);
/* The congestion control the profile gives the sender when neither --cc
 * nor the scenario names one: textbook "reno"; linux dflt. */
const char *tl_profile_cc(const struct tcplab_opts *o, const char *dflt);
/* Which profile runs and what it means for scenario, a fixed paragraph
 * into buf (the narrative's line after the scenario's title); returns buf. */
const char *tl_profile_text(const struct tcplab_opts *o, const char *scenario, char *buf,
			    size_t n);
/* The same as the "profile" JSON object (without type and scenario). */
json_t *tl_profile_json(const struct tcplab_opts *o, const char *scenario);

#endif
