/* The native call stack of a recorded call: the return addresses of the
 * program's own frames, each as the ELF file that holds it and the address
 * as that file numbers it, for trace to resolve to file:line offline
 * (symbolize.c). Only raw addresses here: no debug information is read
 * inside the traced program. */
#ifndef SOCKLAB_PRELOAD_NATIVE_H
#define SOCKLAB_PRELOAD_NATIVE_H

#include <stdbool.h>

#include "trace/preload/emit.h"

/* At most this many frames go into a record. */
#define NATIVE_FRAMES_MAX 8

/* Whether records carry pc=: not in a Python interpreter, whose script
 * lines come from python.c. */
bool pl_native_wanted(void);

/* Appends " pc=MODULE:0xVADDR,..." (record.h), innermost frame first,
 * leaving out the library's own frames; nothing when no frame is known.
 * Async-signal-safe: no allocation, no lock, no stdio. */
void pl_native_pc(struct emit *e);

#endif
