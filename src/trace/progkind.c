/* What kind of program a command runs: libelf reads the program headers
 * (PT_INTERP) and the section names (Go's build notes). */
#include "trace/progkind.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/spawn.h"

static bool go_section(Elf *e)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name && (strcmp(name, ".go.buildinfo") == 0 ||
			     strcmp(name, ".note.go.buildid") == 0))
			return true;
	}
	return false;
}

static enum tr_prog_kind elf_kind_of(int fd)
{
	enum tr_prog_kind k = TR_PROG_UNKNOWN;
	size_t nph;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return TR_PROG_UNKNOWN;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e)
		return TR_PROG_UNKNOWN;
	if (elf_kind(e) == ELF_K_ELF && elf_getphdrnum(e, &nph) == 0) {
		k = TR_PROG_STATIC;
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_INTERP)
				k = TR_PROG_DYNAMIC;
		}
		if (go_section(e))
			k = TR_PROG_GO;
	}
	elf_end(e);
	return k;
}

enum tr_prog_kind tr_prog_kind_of_file(const char *path)
{
	enum tr_prog_kind k;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return TR_PROG_UNKNOWN;
	if (fstat(fd, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
		k = TR_PROG_SETUID;
	else
		k = elf_kind_of(fd);
	close(fd);
	return k;
}

enum tr_prog_kind tr_prog_kind(const char *name, char *path, size_t n)
{
	char found[PATH_MAX], why[PATH_MAX + 64];

	if (path && n)
		path[0] = '\0';
	if (!*name || tr_spawn_resolve(name, found, sizeof found, why, sizeof why) < 0)
		return TR_PROG_UNKNOWN;
	if (path)
		snprintf(path, n, "%s", found);
	return tr_prog_kind_of_file(found);
}

enum tr_prog_kind tr_prog_kind_shell(const char *cmd, char *path, size_t n)
{
	char word[PATH_MAX];
	size_t len;

	if (path && n)
		path[0] = '\0';
	cmd += strspn(cmd, " \t");
	len = strcspn(cmd, " \t\n");
	if (len == 0 || len >= sizeof word)
		return TR_PROG_UNKNOWN;
	memcpy(word, cmd, len);
	word[len] = '\0';
	/* quotes, expansions, redirections, an assignment: not a plain command */
	if (strpbrk(word, "\"'`$\\|&;<>(){}*?[]=~#"))
		return TR_PROG_UNKNOWN;
	return tr_prog_kind(word, path, n);
}

const char *tr_prog_kind_why(enum tr_prog_kind k)
{
	switch (k) {
	case TR_PROG_STATIC:
		return "statically linked";
	case TR_PROG_GO:
		return "a Go program";
	case TR_PROG_SETUID:
		return "set-user-ID";
	case TR_PROG_DYNAMIC:
	case TR_PROG_UNKNOWN:
		break;
	}
	return NULL;
}
