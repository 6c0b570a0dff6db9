/* Orders calls and packets into the story's rows and hangs each state
 * change on the row that caused it. */
#ifndef SOCKLAB_TRACE_STORY_H
#define SOCKLAB_TRACE_STORY_H

#include "trace/model.h"

int tr_story_build(struct trace *t);

#endif
