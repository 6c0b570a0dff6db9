/* Native call stacks to source lines: the pc= of a record (record.h)
 * resolved after the run, offline, with the debug information of the
 * program's files (elfutils' libdw). Independent of the call log: the
 * caller hands over one value at a time. */
#ifndef SOCKLAB_TRACE_SYMBOLIZE_H
#define SOCKLAB_TRACE_SYMBOLIZE_H

#include <stdbool.h>

#include "trace/model.h"

struct tr_symbolizer;

/* NULL out of memory. It caches every file it opened and every address it
 * resolved, so one symbolizer should serve a whole trace. */
struct tr_symbolizer *tr_sym_new(void);
void tr_sym_free(struct tr_symbolizer *s);

/* val: a pc= value already unescaped, as tr_call_arg returns it
 * ("/tmp/client:0x11da,/lib/x86_64-linux-gnu/libc.so.6:0x2724a"; a frame
 * ends at the first ":0x<hex>" followed by ',' or the end, so a path may
 * hold ',' and ':' itself, though not ":0x1,"). Picks the innermost
 * frame of the user's code: not in the C or C++ runtime's libraries
 * (tr_sym_system_module), not in the C library's own compile units, and
 * not one without a source line when a frame further out has one. Fills src->file (absolute, as DWARF names
 * it joined to the compile directory) and src->line when the file has
 * debug information, src->func (demangled; from DWARF or the ELF symbol
 * table), src->module (the file's path) and, without a line, src->offset
 * (from func's start to the return address, or the address in the module
 * when no function is known); the fields' old values are freed, the rest
 * of src is left alone. 0 when a frame was found, -1 when none was (a
 * malformed value, files gone or not ELF, addresses outside them, only
 * system frames) or memory ran out. */
int tr_sym_resolve(struct tr_symbolizer *s, const char *val, struct tr_src *src);

/* Whether path (absolute) is a library of the C or C++ runtime: libc,
 * libpthread, libdl, librt, the dynamic loader, libstdc++, libgcc_s (and
 * socklab's preload library). */
bool tr_sym_system_module(const char *path);

#endif
