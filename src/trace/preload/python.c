/* The line of a Python script behind a call. When the traced program is a
 * CPython interpreter (its C API is in the process: the python3 binary
 * exports it), the hook takes the GIL for a moment, walks the calling
 * thread's frames from the innermost out and keeps the first one that is
 * the user's code: not the standard library's, site-packages' or a frozen
 * module's. The location goes into the record as
 *
 *   src=FILE:LINE:FUNC   the frame's file (absolute), line and qualified name
 *   pyat=ID:LASTI        which frame and which bytecode instruction in it,
 *                        so the reader can tell one Python-level call
 *                        (sendall, or recv's poll for a timeout) from the
 *                        next one made by the same line (record.h)
 *
 * The API is found with dlsym, never linked: the library stays loadable
 * into any program, and a program without Python pays one failed lookup.
 * Only threads that already have a Python thread state are asked (a C
 * thread gets none made for it), and nothing is asked while the
 * interpreter is starting or finalizing, when taking the GIL could stop
 * the thread. */
#include "trace/preload/python.h"

#include <dlfcn.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

typedef void *pyobj;

struct py_api {
	int (*is_initialized)(void);
	int (*is_finalizing)(void);
	void *(*this_thread_state)(void);
	int (*gil_ensure)(void);
	void (*gil_release)(int);
	pyobj (*get_frame)(void *);
	pyobj (*frame_back)(pyobj);
	pyobj (*frame_code)(pyobj);
	int (*frame_line)(pyobj);
	int (*frame_lasti)(pyobj);
	pyobj (*getattr)(pyobj, const char *);
	const char *(*utf8)(pyobj);
	void (*decref)(pyobj);
	void (*incref)(pyobj);
	void (*err_clear)(void);
};

static struct py_api api;
static int api_state; /* 0: not looked up, 1: present, -1: absent */

/* How many frames to look through before giving up. */
#define PY_FRAMES_MAX 64

/* dlsym's void * into a function pointer slot by its bytes, as real.c
 * does (ISO C has no such conversion; POSIX makes them the same size). */
static void sym(void *slot, const char *name)
{
	void *p = dlsym(RTLD_DEFAULT, name);

	memcpy(slot, &p, sizeof p);
}

static bool api_resolve(void)
{
	if (api_state != 0)
		return api_state > 0;
	sym(&api.is_initialized, "Py_IsInitialized");
	if (!api.is_initialized) {
		api_state = -1;
		return false;
	}
	sym(&api.is_finalizing, "Py_IsFinalizing");
	if (!api.is_finalizing)
		sym(&api.is_finalizing, "_Py_IsFinalizing");
	sym(&api.this_thread_state, "PyGILState_GetThisThreadState");
	sym(&api.gil_ensure, "PyGILState_Ensure");
	sym(&api.gil_release, "PyGILState_Release");
	sym(&api.get_frame, "PyThreadState_GetFrame");
	sym(&api.frame_back, "PyFrame_GetBack");
	sym(&api.frame_code, "PyFrame_GetCode");
	sym(&api.frame_line, "PyFrame_GetLineNumber");
	sym(&api.frame_lasti, "PyFrame_GetLasti"); /* 3.11+ */
	sym(&api.getattr, "PyObject_GetAttrString");
	sym(&api.utf8, "PyUnicode_AsUTF8");
	sym(&api.decref, "Py_DecRef");
	sym(&api.incref, "Py_IncRef");
	sym(&api.err_clear, "PyErr_Clear");
	/* PyFrame_GetBack and PyFrame_GetCode arrived in 3.9: older
	 * interpreters are not asked. */
	bool ok = api.is_finalizing && api.this_thread_state && api.gil_ensure &&
		  api.gil_release && api.get_frame && api.frame_back && api.frame_code &&
		  api.frame_line && api.getattr && api.utf8 && api.decref && api.err_clear;
	api_state = ok ? 1 : -1;
	return ok;
}

bool tr_python_present(void)
{
	return api_resolve();
}

/* The standard library, installed packages and frozen modules are not the
 * user's code: "/usr/lib/python3.11/socket.py", ".../lib/python3/dist-packages/...",
 * "~/.pyenv/versions/3.11.7/lib/python3.11/...", "<frozen importlib._bootstrap>". */
static bool runtime_file(const char *f)
{
	return f[0] == '<' || strstr(f, "/lib/python3") || strstr(f, "/lib/pypy3") ||
	       strstr(f, "/site-packages/") || strstr(f, "/dist-packages/");
}

/* A code object's attribute as UTF-8 into buf; false when absent. */
static bool code_str(pyobj code, const char *attr, char *buf, size_t n)
{
	pyobj o = api.getattr(code, attr);
	const char *s = o ? api.utf8(o) : NULL;

	if (!s) {
		api.err_clear();
		if (o)
			api.decref(o);
		return false;
	}
	size_t len = strlen(s);
	if (len >= n)
		len = n - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	api.decref(o);
	return true;
}

/* A relative file name made absolute with the working directory of now. */
static void absolute(char *file, size_t n)
{
	char cwd[512];
	size_t flen = strlen(file), clen;

	if (file[0] == '/' || file[0] == '<' || !getcwd(cwd, sizeof cwd))
		return;
	clen = strlen(cwd);
	if (clen + 1 + flen + 1 > n)
		return;
	memmove(file + clen + 1, file, flen + 1);
	memcpy(file, cwd, clen);
	file[clen] = '/';
}

/* What a code object says, looked up once: the GIL-guarded cache keeps a
 * reference to each code object it holds, so an address is never reused
 * for another while it is here. Slots are taken in turn when full. */
#define PY_CODE_CACHE 128

struct code_entry {
	pyobj code;
	bool user;              /* the user's code, not the runtime's */
	char file[sizeof ((struct py_loc *)0)->file];
	char func[sizeof ((struct py_loc *)0)->func];
};

static struct code_entry code_cache[PY_CODE_CACHE];
static unsigned code_next;

static const struct code_entry *code_info(pyobj code)
{
	struct code_entry *e;

	for (unsigned i = 0; i < PY_CODE_CACHE; i++)
		if (code_cache[i].code == code)
			return &code_cache[i];
	e = &code_cache[code_next++ % PY_CODE_CACHE];
	if (e->code)
		api.decref(e->code);
	memset(e, 0, sizeof *e);
	if (!code_str(code, "co_filename", e->file, sizeof e->file))
		return NULL;
	e->user = !runtime_file(e->file);
	if (!code_str(code, "co_qualname", e->func, sizeof e->func) &&
	    !code_str(code, "co_name", e->func, sizeof e->func))
		e->func[0] = '\0';
	if (api.incref)
		api.incref(code);
	e->code = api.incref ? code : NULL;
	return e;
}

/* Called with the GIL held: fills loc from the innermost user frame. */
static bool user_frame(void *tstate, struct py_loc *loc)
{
	pyobj frame = api.get_frame(tstate);
	bool found = false;

	for (int depth = 0; frame && depth < PY_FRAMES_MAX && !found; depth++) {
		pyobj code = api.frame_code(frame);
		const struct code_entry *e = code ? code_info(code) : NULL;

		if (e && e->user) {
			memcpy(loc->file, e->file, sizeof loc->file);
			memcpy(loc->func, e->func, sizeof loc->func);
			loc->line = api.frame_line(frame);
			loc->lasti = api.frame_lasti ? api.frame_lasti(frame) : -1;
			loc->frame_id = (uintptr_t)frame;
			found = true;
		}
		if (code)
			api.decref(code);
		pyobj back = found ? NULL : api.frame_back(frame);
		api.decref(frame);
		frame = back;
	}
	if (frame)
		api.decref(frame);
	if (found)
		absolute(loc->file, sizeof loc->file);
	return found;
}

bool tr_python_where(struct py_loc *loc)
{
	memset(loc, 0, sizeof *loc);
	if (!api_resolve() || !api.is_initialized() || api.is_finalizing())
		return false;
	void *tstate = api.this_thread_state();
	if (!tstate)
		return false;
	int g = api.gil_ensure();
	bool found = user_frame(tstate, loc);
	api.gil_release(g);
	return found;
}

void tr_python_emit(struct emit *e, const struct py_loc *loc)
{
	size_t mark = tr_emit_key(e, "src");

	tr_emit_escaped(e, loc->file, strlen(loc->file));
	tr_emit_char(e, ':');
	tr_emit_i64(e, loc->line);
	tr_emit_char(e, ':');
	tr_emit_escaped(e, loc->func, strlen(loc->func));
	if (!tr_emit_commit(e, mark))
		return;
	mark = tr_emit_key(e, "pyat");
	tr_emit_hex(e, loc->frame_id);
	tr_emit_char(e, ':');
	tr_emit_i64(e, loc->lasti);
	tr_emit_commit(e, mark);
}
