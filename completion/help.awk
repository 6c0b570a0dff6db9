# Reads "socklab --help" or "socklab TOOL --help" and prints, a line each
# (TAB between fields), what shell completion needs:
#   tool    NAME     SUMMARY        from "socklab --help": the tools
#   opt     OPTION   ARG   WHAT     every spelling of every option, ARG the
#                                   placeholder of its value ("" for none)
#   pos     ARG                     the positional arguments of Usage lines
#   service NAME                    names of "echo 7 (RFC 862)" lines (serve)
# Both completions (bash and zsh) are made with this program built in, and
# read --help when a completion first needs a tool, so what they offer is
# what the installed binary says, never a copy that can fall behind.

function isopt(t) { return t ~ /^--?[A-Za-z0-9][A-Za-z0-9-]*(\[?=.*)?$/ }
# "SECS", "NAME=PORT", "TCP/UDP", "NAME,...", "'CMD": no small letters.
function isarg(t) { return t !~ /[a-z]/ && t ~ /[A-Z]/ }
function optname(t) { sub(/\[?=.*/, "", t); return t }

# "Also spelled: -ip, --protocol, ... --version." (the echo pair): the
# sentence may go on over the next line, which starts with a dash. Prints
# the spellings in text; returns 1 while the sentence goes on.
function also_spelled(text,    n, w, i, t, more) {
	more = 1
	n = split(text, w, /[ \t]+/)
	for (i = 1; i <= n && more; i++) {
		t = w[i]
		if (t ~ /\.$/) more = 0
		gsub(/[,.]$/, "", t)
		if (t ~ /^-/) print "opt\t" t "\t\t(also spelled)"
	}
	return more
}
also { also = also_spelled($0); next }
/Also spelled:/ {
	s = $0
	sub(/.*Also spelled:/, "", s)
	also = also_spelled(s)
	next
}

/Tools:$/ { tools = 1; next }
tools && /^  [a-z]/ {
	s = $0
	sub(/^  /, "", s)
	name = s
	sub(/ .*/, "", name)
	sub(/^[^ ]+ +/, "", s)
	print "tool\t" name "\t" s
	next
}
tools && /^$/ { tools = 0 }

# Usage: socklab decode [-X] [-c N] ... FILE [FILTER...]
#        socklab capture -D
/^Usage:/ || (usage && /^       socklab /) {
	usage = 1
	seen_tool = 0
	s = $0
	sub(/^Usage:/, "", s)
	gsub(/\[-[^]]*\]/, "", s)		# [-X], [--server CMD]
	n = split(s, w, /[ \t]+/)
	after = 0
	for (i = 1; i <= n; i++) {
		t = w[i]
		if (t == "" || t == "socklab" || t == "[options]" || t == "[output" || t == "options]")
			continue
		if (t == "--") { after = 1; continue }
		if (isopt(t)) { i += (i < n && isarg(w[i + 1])); continue }
		gsub(/[][]/, "", t)
		sub(/\.\.\.$/, "", t)
		if (!seen_tool) { seen_tool = 1; continue }	# the tool, <tool>
		if (!isarg(t)) break		# the description of the line
		print "pos\t" (after ? "--" : "") t
	}
	next
}
{ usage = 0 }

# "  echo 7 (RFC 862), discard 9 (863), ..." (serve): the service names.
/^  [a-z]+ [0-9]+ \(/ {
	s = $0
	while (match(s, /[a-z]+ [0-9]+ \(/)) {
		t = substr(s, RSTART, RLENGTH)
		sub(/ .*/, "", t)
		print "service\t" t
		s = substr(s, RSTART + RLENGTH)
	}
	next
}

# An option line starts with a dash, indented a little (the wrapped lines of
# a description are indented more): "  -p, --ports SPEC  ports: ...",
# "-oG FILE, --grepable FILE". Two spaces end the spellings, so in
# "--json     JSON Lines" JSON is not a value; where one space is all there is
# ("-t TCP/UDP Specify the ...", "-O, --sndbuf BYTES set SO_SNDBUF") the
# value can only come right after an option.
match($0, /^ *-/) && RLENGTH <= 9 {
	s = $0
	sub(/^ +/, "", s)
	what = ""
	if (match(s, /  +/)) {
		what = substr(s, RSTART + RLENGTH)
		s = substr(s, 1, RSTART - 1)
	}
	n = split(s, w, / +/)
	nopts = 0; arg = ""; last = ""
	for (i = 1; i <= n; i++) {
		t = w[i]
		sub(/,$/, "", t)
		if (isopt(t)) {
			opts[++nopts] = optname(t)
			if (t ~ /=/) { arg = t; sub(/^[^=]*=/, "", arg); sub(/\]$/, "", arg) }
			last = "opt"
		} else if (last == "opt" && isarg(t)) {
			arg = t
			last = "arg"
		} else
			break
	}
	rest = ""
	for (; i <= n; i++) rest = rest (rest == "" ? "" : " ") w[i]
	if (rest != "") what = rest (what == "" ? "" : " ") what
	for (k = 1; k <= nopts; k++)
		print "opt\t" opts[k] "\t" arg "\t" what
}
