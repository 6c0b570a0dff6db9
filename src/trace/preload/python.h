/* The Python script's line behind a call (python.c): asked of the
 * interpreter the traced program is, when it is one. */
#ifndef SOCKLAB_PRELOAD_PYTHON_H
#define SOCKLAB_PRELOAD_PYTHON_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/preload/emit.h"

struct py_loc {
	char file[512];     /* absolute path of the script */
	char func[128];     /* qualified name: "Client.send_request", "<module>" */
	int line;
	int lasti;          /* bytecode offset in the frame; -1 unknown */
	uintptr_t frame_id; /* the frame object's address while it lives */
};

/* Is the program a CPython interpreter (its C API is in the process)? */
bool tr_python_present(void);
/* The innermost frame of the user's code in the calling thread; false when
 * there is none (not Python, a thread without Python state, start-up or
 * finalization). Takes and gives back the GIL. */
bool tr_python_where(struct py_loc *loc);
/* " src=FILE:LINE:FUNC pyat=ID:LASTI" (record.h). */
void tr_python_emit(struct emit *e, const struct py_loc *loc);

#endif
