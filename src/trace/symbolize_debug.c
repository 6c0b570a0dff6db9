/* Where a file's separate debug information is, for libdwfl: by build-id
 * under the debug directories (/usr/lib/debug/.build-id/, as distributions
 * install it), else by the file's .gnu_debuglink name next to it, in
 * .debug/ next to it, or under /usr/lib/debug/ and its directory (as
 * `objcopy --only-keep-debug` and `--add-gnu-debuglink` leave it, and as
 * gdb looks). A debug file found by name must carry the file's build-id
 * when the file has one. Never debuginfod: libdwfl's standard finder
 * would ask it, and wait on the network, whenever DEBUGINFOD_URLS is set. */
#include "trace/symbolize_dwfl.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The build-id of the ELF file open on fd equals want[0..n). */
static bool same_build_id(int fd, const unsigned char *want, int n)
{
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const void *id = NULL;
	ssize_t len = elf ? dwelf_elf_gnu_build_id(elf, &id) : -1;
	bool same = len == n && memcmp(id, want, (size_t)n) == 0;

	if (elf)
		elf_end(elf);
	return same;
}

/* The i-th place a debug file named name may be for a file in dir[0..n). */
static int debuglink_path(char *buf, size_t size, int i, int n, const char *dir,
			  const char *name)
{
	switch (i) {
	case 0:
		return snprintf(buf, size, "%.*s/%s", n, dir, name);
	case 1:
		return snprintf(buf, size, "%.*s/.debug/%s", n, dir, name);
	default:
		return snprintf(buf, size, "/usr/lib/debug%.*s/%s", n, dir, name);
	}
}

int tr_sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const unsigned char *id = NULL;
	GElf_Addr id_vaddr;
	int nid, fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name,
						  debuglink_file, debuglink_crc,
						  debuginfo_file_name);
	const char *slash;
	int dirlen;

	if (fd >= 0 || !debuglink_file || !*debuglink_file || strchr(debuglink_file, '/') ||
	    !file_name || !(slash = strrchr(file_name, '/')))
		return fd;
	nid = dwfl_module_build_id(mod, &id, &id_vaddr);
	dirlen = (int)(slash - file_name);
	for (int i = 0; i < 3; i++) {
		char path[PATH_MAX];
		int n = debuglink_path(path, sizeof path, i, dirlen, file_name, debuglink_file);

		/* the file itself, named by its own debuglink, is no help */
		if (n <= 0 || (size_t)n >= sizeof path || strcmp(path, file_name) == 0)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (nid <= 0 || same_build_id(fd, id, nid)) {
			*debuginfo_file_name = strdup(path);
			return fd;
		}
		close(fd);
	}
	return -1;
}
