/* Whether the preload library can see a program's socket calls, from its
 * file alone: it cannot when the program is statically linked (nothing
 * loads the library), a Go program (its runtime makes system calls
 * without libc) or set-user-ID (the dynamic loader ignores LD_PRELOAD).
 * trace's default backend (auto) takes the eBPF one for those. */
#ifndef SOCKLAB_TRACE_PROGKIND_H
#define SOCKLAB_TRACE_PROGKIND_H

#include <stddef.h>

enum tr_prog_kind {
	TR_PROG_DYNAMIC,   /* an ELF with an interpreter: the preload sees it */
	TR_PROG_STATIC,    /* an ELF without one */
	TR_PROG_GO,        /* a Go binary, static or not */
	TR_PROG_SETUID,    /* set-user-ID or set-group-ID */
	TR_PROG_UNKNOWN,   /* not found, not an ELF, unreadable */
};

/* The kind of the file at path: set-user/group-ID first, then its ELF
 * headers (an interpreter, Go's sections); not an ELF is UNKNOWN. */
enum tr_prog_kind tr_prog_kind_of_file(const char *path);

/* The kind of the program that `name` runs, found as tr_spawn_resolve
 * does (execvp's $PATH search, then "#!" lines to the interpreter:
 * `#!/usr/bin/env python3` to python3 in $PATH). The file examined goes
 * into path (may be NULL). */
enum tr_prog_kind tr_prog_kind(const char *name, char *path, size_t n);

/* The kind of the program /bin/sh -c CMD starts, when CMD is a plain
 * command (its first word, without quotes or the shell's operators);
 * TR_PROG_UNKNOWN otherwise. */
enum tr_prog_kind tr_prog_kind_shell(const char *cmd, char *path, size_t n);

/* "statically linked", "a Go program", "set-user-ID"; NULL for the rest. */
const char *tr_prog_kind_why(enum tr_prog_kind k);

#endif
