/* libbpf's messages: silent unless SOCKLAB_BPF_DEBUG is set (then all but
 * its debug level go to stderr). trace's eBPF users say in one line of
 * their own why a program did not load. */
#ifndef SOCKLAB_TRACE_BPFLOG_H
#define SOCKLAB_TRACE_BPFLOG_H

#define TR_BPF_DEBUG_ENV "SOCKLAB_BPF_DEBUG"

/* Installs the quiet printer (libbpf_set_print); idempotent. */
void tr_bpflog_quiet(void);

#endif
