/* Where in the program's own code each call was made: the record's src=
 * (a Python script's file:line:function) or pc= (native return addresses,
 * resolved with the debug information), the text of that line, and the
 * grouping of the kernel calls that one line's call made (srcgroup.c). */
#ifndef SOCKLAB_TRACE_SRCLOC_H
#define SOCKLAB_TRACE_SRCLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "trace/model.h"

/* Fills every call's src. Returns -1 out of memory. */
int tr_srcloc_fill(struct trace *t);

/* "FILE:LINE:FUNC" (unescaped) into src's file, line and func; false when
 * malformed. FILE may hold ':' itself: the last two fields are cut off
 * from the right. */
bool tr_srcloc_parse(const char *val, struct tr_src *src);

/* The socket method a line of Python calls ("sendall" in
 * "self.sock.sendall(line)"): the first name before a '(' on the line that
 * is one, or NULL. */
const char *tr_srcloc_pycall(const char *text);

/* Groups the calls that one script-level call made (same thread, same
 * frame and bytecode instruction: pyat=), marks the runtime's own calls
 * among them and numbers sendall's parts (srcgroup.c). */
void tr_srcgroup_mark(struct trace *t);

#endif
