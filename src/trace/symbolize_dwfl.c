/* One ELF file's return addresses to file:line and function, read with
 * elfutils' libdwfl as an offline module (one Dwfl per file, so two
 * non-PIE programs at the same addresses never meet). The line is the one
 * of the call instruction, just before the return address; the function
 * is the innermost one around it, an inlined one included, from DWARF,
 * or else the ELF symbol table's. C++ names are demangled with libstdc++'s
 * __cxa_demangle when that library can be loaded. */
#include "trace/symbolize_dwfl.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct tr_sym_mod {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	GElf_Addr bias;         /* file address + bias = address in dwfl */
};

/* NULL: libdwfl's default path for build-ids (/usr/lib/debug). Separate
 * debug files are never fetched through debuginfod (symbolize_debug.c). */
static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = tr_sym_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

struct tr_sym_mod *tr_sym_mod_open(const char *path)
{
	struct tr_sym_mod *m;
	struct stat st;

	/* The log is the traced program's to write: a FIFO or a device named
	 * there must not hang or feed trace. */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->dwfl = dwfl_begin(&offline_callbacks);
	if (!m->dwfl)
		goto fail;
	dwfl_report_begin(m->dwfl);
	m->mod = dwfl_report_offline(m->dwfl, path, path, -1);
	dwfl_report_end(m->dwfl, NULL, NULL);
	if (!m->mod || !dwfl_module_getelf(m->mod, &m->bias))
		goto fail;
	return m;
fail:
	tr_sym_mod_close(m);
	return NULL;
}

void tr_sym_mod_close(struct tr_sym_mod *m)
{
	if (!m)
		return;
	if (m->dwfl)
		dwfl_end(m->dwfl);
	free(m);
}

void tr_sym_frame_free(struct tr_sym_frame *f)
{
	free(f->file);
	free(f->func);
	memset(f, 0, sizeof *f);
}

typedef char *demangle_fn(const char *name, char *buf, size_t *n, int *status);

/* A copy of name, demangled when it is a C++ one and libstdc++ is there. */
static char *name_dup(const char *name)
{
	static demangle_fn *demangle;
	static bool tried;
	char *s;
	int status = -1;

	if (strncmp(name, "_Z", 2) != 0)
		return strdup(name);
	if (!tried) {
		void *lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
		void *sym = lib ? dlsym(lib, "__cxa_demangle") : NULL;

		tried = true;
		memcpy(&demangle, &sym, sizeof sym);
	}
	s = demangle ? demangle(name, NULL, NULL, &status) : NULL;
	if (s && status == 0)
		return s;
	free(s);
	return strdup(name);
}

static const char *die_string(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute attr;

	return dwarf_formstring(dwarf_attr_integrate(die, name, &attr));
}

/* The C library's own sources, linked into a static program: glibc's
 * tree (sysdeps/, a build directory named glibc-...) or musl's. */
static bool is_libc_cu(Dwarf_Die *cu)
{
	const char *name = dwarf_diename(cu);
	const char *dir = die_string(cu, DW_AT_comp_dir);

	if (name && (strstr(name, "sysdeps/") || strstr(name, "/glibc-")))
		return true;
	return dir && (strstr(dir, "/glibc-") || strstr(dir, "/glibc/") ||
		       strstr(dir, "/musl-") || strstr(dir, "/musl/"));
}

/* The compile unit around pc (a module address) and its bias. libdw finds
 * it through .debug_aranges, which clang does not write: then each unit's
 * own ranges are asked in turn. */
static Dwarf_Die *cu_of(struct tr_sym_mod *m, Dwarf_Addr pc, Dwarf_Addr *bias)
{
	Dwarf_Die *cu = dwfl_module_addrdie(m->mod, pc, bias);

	if (cu)
		return cu;
	while ((cu = dwfl_module_nextcu(m->mod, cu, bias)) != NULL)
		if (dwarf_haspc(cu, pc - *bias) > 0)
			return cu;
	return NULL;
}

/* The file (made absolute with the unit's directory) and line of pc, a
 * file address inside cu. */
static int line_of(Dwarf_Die *cu, Dwarf_Addr pc, struct tr_sym_frame *f)
{
	Dwarf_Line *l = dwarf_getsrc_die(cu, pc);
	const char *name, *dir;
	int line = 0;

	if (!l || dwarf_lineno(l, &line) != 0 || line <= 0)
		return 0;
	name = dwarf_linesrc(l, NULL, NULL);
	if (!name || !*name)
		return 0;
	dir = die_string(cu, DW_AT_comp_dir);
	if (name[0] != '/' && dir && dir[0] == '/') {
		size_t nd = strlen(dir), nn = strlen(name);

		f->file = malloc(nd + nn + 2);
		if (f->file) {
			memcpy(f->file, dir, nd);
			f->file[nd] = '/';
			memcpy(f->file + nd + 1, name, nn + 1);
		}
	} else {
		f->file = strdup(name);
	}
	f->line = line;
	return f->file ? 0 : -1;
}

/* The innermost function, inlined or not, around pc in its compile unit. */
static int func_of_dwarf(Dwarf_Die *cu, Dwarf_Addr pc, struct tr_sym_frame *f)
{
	Dwarf_Die *scopes = NULL;
	int n = dwarf_getscopes(cu, pc, &scopes);

	for (int i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);
		const char *link, *name;

		if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
			continue;
		link = die_string(&scopes[i], DW_AT_linkage_name);
		name = link ? link : die_string(&scopes[i], DW_AT_name);
		if (name)
			f->func = name_dup(name);
		free(scopes);
		return name && !f->func ? -1 : 0;
	}
	free(scopes);
	return 0;
}

int tr_sym_mod_lookup(struct tr_sym_mod *m, uint64_t vaddr, struct tr_sym_frame *f)
{
	Dwarf_Addr ret = vaddr + m->bias, pc = ret - 1, cubias = 0;
	Dwarf_Die *cu;
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *symname;

	memset(f, 0, sizeof *f);
	/* outside the file's segments: not an address of this file at all */
	if (vaddr == 0 || ret < vaddr || dwfl_addrmodule(m->dwfl, pc) != m->mod)
		return 0;
	f->found = true;
	cu = cu_of(m, pc, &cubias);
	if (cu) {
		f->libc_cu = is_libc_cu(cu);
		if (line_of(cu, pc - cubias, f) < 0 || func_of_dwarf(cu, pc - cubias, f) < 0)
			goto oom;
	}
	symname = dwfl_module_addrinfo(m->mod, pc, &off, &sym, NULL, NULL, NULL);
	if (symname && *symname) {
		f->offset = off + 1; /* from the return address, like a backtrace */
		if (!f->func && !(f->func = name_dup(symname)))
			goto oom;
	} else if (!f->func) {
		f->offset = vaddr;
	}
	return 0;
oom:
	tr_sym_frame_free(f);
	return -1;
}
