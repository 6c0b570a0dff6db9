/* socklab decode (pcap/pcapng files) and socklab capture (live, libpcap). */
#ifndef SOCKLAB_DECODE_DECODE_H
#define SOCKLAB_DECODE_DECODE_H

#include "core/tool.h"

extern const struct tool dec_decode_tool, dec_capture_tool;

#endif
