/* One ELF file's addresses to source lines and symbols, with elfutils'
 * libdwfl (symbolize_dwfl.c); symbolize.c picks the frame and caches. */
#ifndef SOCKLAB_TRACE_SYMBOLIZE_DWFL_H
#define SOCKLAB_TRACE_SYMBOLIZE_DWFL_H

#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdint.h>

struct tr_sym_mod;

/* What one return address in one file resolved to. */
struct tr_sym_frame {
	bool found;             /* the address lies inside the file */
	bool libc_cu;           /* its compile unit is the C library's (a
				 * statically linked program) */
	char *file;             /* owned: absolute path, or NULL without a line */
	int32_t line;           /* 0 without one */
	char *func;             /* owned: demangled name, or NULL */
	uint64_t offset;        /* from func's start, or the address in the file
				 * when no function is known */
};

/* Opens path's ELF file (and its separate debug file, found by build-id);
 * NULL when it is no ELF file or cannot be read. */
struct tr_sym_mod *tr_sym_mod_open(const char *path);
void tr_sym_mod_close(struct tr_sym_mod *m);
/* Resolves vaddr, a return address as the file numbers it, into *f
 * (zeroed first). -1 out of memory. */
int tr_sym_mod_lookup(struct tr_sym_mod *m, uint64_t vaddr, struct tr_sym_frame *f);
void tr_sym_frame_free(struct tr_sym_frame *f);

/* libdwfl's find_debuginfo callback: a file's separate debug information
 * by build-id or by its .gnu_debuglink name (symbolize_debug.c). */
int tr_sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name);

#endif
