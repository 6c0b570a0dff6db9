#!/bin/sh
# Renders one man page: docs/man/NAME.S.md (the page's own NAME, SYNOPSIS and
# SEE ALSO, around "@include ../TOOL.md@" lines) expanded with the tool's
# Markdown doc, then converted by lowdown(1) into roff.
#   manpage.sh LOWDOWN SOURCE.md OUT VERSION
# The docs stay plain GitHub Markdown: the doc's title heading is dropped (the
# page has its NAME), its headings move up so that its top sections become
# man sections (.SH), and "skip=A,B" leaves out sections meant for developers
# (Code, Tests). Everything else is lowdown's rendering (no "smart" quotes or
# dashes: "--json" stays two hyphens), with two fixes to its roff: the tbl
# marker line, so every man(1) runs tbl, and column widths that fit an
# 80-column terminal (manroff.awk).
set -eu
lowdown=$1 src=$2 out=$3 version=$4
dir=$(dirname "$src")
here=$(dirname "$0")
trap 'rm -f "$out.expanded.md" "$out.lowdown" "$out.tmp"' EXIT

expand() {
	awk -v dir="$dir" -v version="$version" '
	function include(file, skip,    line, got, fence, title, n, i, lv, name, skipping, sk) {
		n = split(skip, sk, ",")
		title = 0; skipping = 0; fence = 0
		if ((got = getline line < file) < 0) {
			print "manpage.sh: cannot read " file > "/dev/stderr"
			exit 1
		}
		for (; got > 0; got = getline line < file) {
			if (line ~ /^(```|~~~)/) fence = !fence
			if (!fence && match(line, /^#+ /)) {
				lv = RLENGTH - 1
				if (!title) {	# the doc title: the page has its NAME
					title = lv
					continue
				}
				name = substr(line, lv + 2)
				if (lv <= title + 1) {
					skipping = 0
					for (i = 1; i <= n; i++)
						if (name == sk[i])
							skipping = 1
				}
				if (!skipping)
					line = substr("######", 1, lv > title ? lv - title : 1) " " name
			}
			if (skipping)
				continue
			print line
		}
		if (!title) {
			print "manpage.sh: " file ": no title heading" > "/dev/stderr"
			exit 1
		}
		close(file)
	}
	/^@include [^@ ]+( skip=[^@]*)?@$/ {
		sub(/^@include /, ""); sub(/@$/, "")
		skip = ""
		if (match($0, / skip=/)) {
			skip = substr($0, RSTART + 6)
			$0 = substr($0, 1, RSTART - 1)
		}
		include(dir "/" $0, skip)
		next
	}
	{ gsub(/@VERSION@/, version); print }
	' "$src"
}

expand >"$out.expanded.md"
"$lowdown" -s -Tman --nroff-nolinks --out-no-smarty -o "$out.lowdown" "$out.expanded.md"
{
	printf "'\\\" t\n"	# tbl, for every man(1)
	awk -v width=71 -f "$here/manroff.awk" "$out.lowdown"
} >"$out.tmp"
mv "$out.tmp" "$out"
