/* The eBPF backend's events as call-log lines (record.h), exactly as the
 * preload library writes them, so calllog.c reads both alike. Pure: no
 * I/O, no clock; times are turned to CLOCK_REALTIME by adding off_ns. */
#ifndef SOCKLAB_TRACE_EBPF_FORMAT_H
#define SOCKLAB_TRACE_EBPF_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "trace/bpf/calls.h"

/* record.h's name of a call; "?" for none. */
const char *tr_ebpf_call_name(uint32_t call);

/* The E line of an entered event, or the X line of a returned one, into
 * buf (with its '\n'; TRACE_RECORD_MAX bytes are enough). pcs: a
 * "MODULE:0xVADDR,..." list of the call's user frames, or NULL. Returns the
 * length, 0 when the event is not a call. */
size_t tr_ebpf_format_call(const struct tr_bpf_call_ev *e, int64_t off_ns, const char *pcs,
			   char *buf, size_t size);

/* An H line: argv is argv_len bytes of NUL-separated arguments. */
size_t tr_ebpf_format_hello(int64_t pid, int64_t ppid, int64_t t_ns, const char *exe,
			    const char *argv, size_t argv_len, char *buf, size_t size);

#endif
