/* socklab scan: a TCP connect and UDP port scanner (seed 000 §5.3). */
#ifndef SOCKLAB_SCAN_SCAN_H
#define SOCKLAB_SCAN_SCAN_H

#include "core/tool.h"

extern const struct tool scan_tool;

#endif
