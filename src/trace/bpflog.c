#include "trace/bpflog.h"

#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* libbpf passes its messages' formats: vfprintf is handed one */
__attribute__((format(printf, 2, 0))) static int quiet(enum libbpf_print_level level,
						       const char *fmt, va_list ap)
{
	const char *dbg = getenv(TR_BPF_DEBUG_ENV);

	if (level == LIBBPF_DEBUG || !dbg || !*dbg)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void tr_bpflog_quiet(void)
{
	libbpf_set_print(quiet);
}
