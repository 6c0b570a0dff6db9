/* The native stack of a recorded call as pc= (record.h): walked with
 * libgcc's unwinder (the DWARF call frame information every gcc and clang
 * object carries, so no frame pointers needed), each return address put
 * into the ELF file it lies in with _dl_find_object. Neither allocates
 * nor locks once the constructor here has warmed the unwinder up (libgcc
 * finds each frame's unwind table with _dl_find_object too; only code a
 * JIT registered with __register_frame takes its lock), so a hook may
 * record from any thread and from a signal handler.
 *
 * Not backtrace(): the same unwinder behind a dlopen on first use, and it
 * cannot skip the library's own frames or tell a signal's frame. Not
 * dladdr1(): it takes the loader's lock and searches the symbols linearly
 * (13 us for an address in libc, against 12 ns). About 250 ns a frame. */
#include "trace/preload/native.h"
#include "trace/preload/python.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <unwind.h>

/* Frames walked at most, the library's own included: a deep recursion is
 * cut here rather than walked to its bottom. */
#define NATIVE_WALK_MAX 64

/* One frame's item, "MODULE:0xVADDR": a module whose escaped path does
 * not fit ends the list as cut. */
#define NATIVE_ITEM_MAX 640

/* The main program's link map has no name: its file is this one. */
static char exe_path[PATH_MAX];
static size_t exe_len;
/* This library's own link map: its frames are left out. */
static const struct link_map *self_map;

struct frame {
	uintptr_t pc;
	const struct link_map *map;
};

struct walk {
	struct frame f[NATIVE_FRAMES_MAX];
	unsigned n, seen;
};

bool pl_native_wanted(void)
{
	/* a Python script's line is its own (src=, python.c): the
	 * interpreter's C frames would only name CPython */
	return !tr_python_present();
}

static _Unwind_Reason_Code walk_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct walk *w = arg;
	struct dl_find_object dlfo;
	int before = 0;
	uintptr_t pc = _Unwind_GetIPInfo(ctx, &before);

	if (pc == 0 || ++w->seen > NATIVE_WALK_MAX)
		return _URC_END_OF_STACK;
	/* The frame a signal interrupted holds the instruction itself, not
	 * a return address: one past it reads like the others. */
	if (before)
		pc++;
	if (_dl_find_object((void *)(pc - 1), &dlfo) != 0 || !dlfo.dlfo_link_map)
		return _URC_NO_REASON;  /* no ELF file: JIT code, a trampoline */
	if (dlfo.dlfo_link_map == self_map)
		return _URC_NO_REASON;
	w->f[w->n].pc = pc;
	w->f[w->n].map = dlfo.dlfo_link_map;
	w->n++;
	return w->n == NATIVE_FRAMES_MAX ? _URC_END_OF_STACK : _URC_NO_REASON;
}

static size_t escaped_len(const char *s, size_t n)
{
	size_t len = n;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || c == '%' || c == ',')
			len += 2;
	}
	return len;
}

/* "MODULE:0xVADDR" into item; false when the module's path does not fit. */
static bool frame_item(const struct frame *f, struct emit *item)
{
	const char *name = f->map->l_name;
	size_t n = name ? strlen(name) : 0;
	char cwd[PATH_MAX];
	size_t cwd_n = 0;

	if (n == 0) {
		name = exe_path;
		n = exe_len;
	} else if (name[0] != '/' && strchr(name, '/')) {
		/* dlopen("./libx.so") keeps the name it was given */
		if (getcwd(cwd, sizeof cwd - 1)) {
			cwd_n = strlen(cwd);
			cwd[cwd_n++] = '/';
		}
	}
	if (n == 0 || escaped_len(cwd, cwd_n) + escaped_len(name, n) + 19 > item->cap)
		return false;
	tr_emit_escaped(item, cwd, cwd_n);
	tr_emit_escaped(item, name, n);
	tr_emit_char(item, ':');
	/* l_addr is the load bias: 0 for a non-PIE executable */
	tr_emit_hex(item, (uint64_t)(f->pc - f->map->l_addr));
	return !item->over;
}

void pl_native_pc(struct emit *e)
{
	struct walk w;
	struct emit_list l;

	w.n = 0;
	w.seen = 0;
	_Unwind_Backtrace(walk_frame, &w);
	if (w.n == 0)
		return;
	tr_emit_list_open(e, &l, "pc", 0);
	for (unsigned i = 0; i < w.n; i++) {
		char buf[NATIVE_ITEM_MAX];
		struct emit item = emit_on(buf, sizeof buf);

		if (!frame_item(&w.f[i], &item)) {
			l.cut = true;
			break;
		}
		tr_emit_list_item(e, &l, item.buf, item.len);
	}
	tr_emit_list_close(e, &l);
}

static _Unwind_Reason_Code warm_frame(struct _Unwind_Context *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
	return _URC_END_OF_STACK;
}

/* What pl_native_pc needs, found before any hook runs: the program's
 * path, the library's own link map, and one walk, so nothing the unwinder
 * sets up on first use happens inside a hook. */
__attribute__((constructor)) static void pl_native_init(void)
{
	struct dl_find_object dlfo;
	int saved = errno;
	ssize_t n = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);

	exe_len = n > 0 ? (size_t)n : 0;
	exe_path[exe_len] = '\0';
	if (_dl_find_object((void *)(uintptr_t)pl_native_pc, &dlfo) == 0)
		self_map = dlfo.dlfo_link_map;
	_Unwind_Backtrace(warm_frame, NULL);
	errno = saved;
}
