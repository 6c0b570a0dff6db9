/* socklab nc: netcat for the lab (OpenBSD nc's flags, one half-close model). */
#ifndef SOCKLAB_NC_NC_H
#define SOCKLAB_NC_NC_H

#include "core/tool.h"

extern const struct tool nc_tool;

#endif
