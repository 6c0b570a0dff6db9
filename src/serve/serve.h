/* socklab serve: the lab server with the RFC small services. */
#ifndef SOCKLAB_SERVE_SERVE_H
#define SOCKLAB_SERVE_SERVE_H

#include "core/tool.h"

extern const struct tool serve_tool;

#endif
