/* --profile: linux (the kernel's defaults, what every scenario did before)
 * or textbook (the lecture's assumptions where Linux lets a namespace
 * have them: Reno, an initial window of one segment, RACK and the tail
 * loss probe off). Which scenarios a profile changes, the lab's settings
 * for it, and the paragraph that says so, as text and as the "profile"
 * JSON object. */
#ifndef SOCKLAB_TCPLAB_PROFILE_H
#define SOCKLAB_TCPLAB_PROFILE_H

#include <stdbool.h>

#include "tcplab/tcplab.h"

struct tl_ctx;
struct tl_link;

/* textbook's initial window, in segments (the sender's route's initcwnd) */
#define TL_TEXTBOOK_INITCWND 1

/* "linux", "textbook". */
const char *tl_profile_name(enum tl_profile p);
/* Does scenario name send bulk data through congestion control (the
 * scenarios the profile changes beyond the congestion control)? */
bool tl_profile_bulk(const char *scenario);
/* The profile's settings into the scenario's link (tl_link_from). */
void tl_profile_link(const struct tl_ctx *c, struct tl_link *l);
/* The congestion control the profile gives the sender when neither --cc
 * nor the scenario names one: textbook "reno"; linux dflt. */
const char *tl_profile_cc(const struct tl_ctx *c, const char *dflt);
/* Says which profile runs and what it means for the scenario (a fixed
 * paragraph), and emits the "profile" object: first in the scenario's
 * JSON Lines. */
void tl_profile_report(const struct tl_ctx *c);

#endif
