# Fixes to lowdown's man output. No hyphenation (".nh" after ".TH" and in
# every table cell): a hyphen added to "--amp-credit" or "socklab-scan(1)" at
# the end of a line reads as part of the name. Ragged right (".ad l", as
# go-md2man does): justified, a narrow table cell or a line with a long
# JSON object has nowhere to put the space ("cannot adjust line"). And widths
# for the tables.
# lowdown gives every column the same width ("expand"), so a narrow column of option names gets as much
# room as the column that explains them, and on an 80-column terminal the
# long one wraps to a word a line (groff warns "cannot adjust line"). Here each
# column gets what its longest cell needs when everything fits in the width
# of the page (-v width=N: the text width of an 80-column man page), else the
# short columns keep theirs and the long ones share the rest in proportion
# to their length, never narrower than their longest word. GitHub's escaped
# pipe "\|" in a cell is shown as "|".
#
# lowdown writes a table as ".TS", "tab(|) expand allbox;", a format line a
# row kind (the last ends in "."), then each row as "T{", content, "T}|T{",
# content ..., "T}".

function visible(s) {
	gsub(/\\f(\(..|\[[^]]*\]|.)/, "", s)	# font changes
	gsub(/\\\(../, "x", s)			# \(lq and other named characters
	gsub(/\\\[[^]]*\]/, "x", s)
	gsub(/\\&/, "", s)
	gsub(/\\./, "x", s)			# \e, \- ...
	return s
}

# A word longer than half a line (a JSON object in backquotes) may break
# after its commas; groff would otherwise leave it sticking out of the page.
function breakable(line,    n, i, words, out) {
	n = split(line, words, / /)
	out = ""
	for (i = 1; i <= n; i++) {
		if (length(visible(words[i])) > 35)
			gsub(/,/, ",\\:", words[i])
		out = out (i > 1 ? " " : "") words[i]
	}
	return out
}

function flush(    c, i, n, w, total, fixed, left, open, grew, words, fmt, line, k, len, lv) {
	ncols = 0
	for (i = 1; i <= nbody; i++) {
		line = body[i]
		if (line == "T{") { c = 1; continue }
		if (line == "T}|T{") { c++; continue }
		if (line == "T}") { if (c > ncols) ncols = c; continue }
		line = visible(line)
		len = length(line)
		if (len > maxlen[c]) maxlen[c] = len
		n = split(line, words, /[ \t]+/)
		for (k = 1; k <= n; k++)
			if (length(words[k]) > minw[c]) minw[c] = length(words[k])
	}
	# Each column takes its width and 3 more (the rules allbox draws and
	# the space on each side of them), and the box one more.
	left = width - 3 * ncols - 1
	total = 0
	for (c = 1; c <= ncols; c++) {
		if (maxlen[c] < 1) maxlen[c] = 1
		w[c] = maxlen[c]
		total += maxlen[c]
		open[c] = 1
	}
	if (total > left) {
		# Fix the columns that fit in an even share, repeatedly; the
		# rest share what is left in proportion to their lengths, but
		# none gets less than its longest word (which fixes it too).
		do {
			grew = 0; n = 0; total = 0
			for (c = 1; c <= ncols; c++)
				if (open[c]) { n++; total += maxlen[c] }
			for (c = 1; c <= ncols && n > 0; c++)
				if (open[c] && maxlen[c] <= left / n) {
					open[c] = 0; left -= maxlen[c]; grew = 1
				}
			for (c = 1; c <= ncols && !grew && n > 0; c++)
				if (open[c] && int(left * maxlen[c] / total) < minw[c]) {
					w[c] = minw[c]; open[c] = 0; left -= minw[c]; grew = 1
				}
		} while (grew)
		for (c = 1; c <= ncols; c++)
			if (open[c])
				w[c] = int(left * maxlen[c] / total)
	}
	print ".TS"
	print "tab(|) allbox;"
	for (k = 1; k <= nfmt; k++) {
		fmt = ""
		n = split(format[k], lv, / +/)
		for (c = 1; c <= n; c++) {
			sub(/\.$/, "", lv[c])
			fmt = fmt (c > 1 ? " " : "") lv[c] "w(" w[c] "n)"
		}
		print fmt (k == nfmt ? "." : "")
	}
	for (i = 1; i <= nbody; i++) {
		line = body[i]
		if (line != "T{" && line != "T}|T{" && line != "T}")
			gsub(/\\e\|/, "|", line)
		print line
		# tbl sets text blocks in an environment of their own,
		# hyphenating again.
		if (line == "T{" || line == "T}|T{")
			print ".nh"
	}
	print ".TE"
	for (c = 1; c <= ncols; c++) { delete maxlen[c]; delete minw[c]; delete open[c] }
}

state == 0 && $0 == ".TS" { state = 1; nfmt = 0; nbody = 0; next }
state == 0 && /^\.EX/ { example = 1 }
state == 0 && /^\.EE/ { example = 0 }
state == 0 && !example && !/^[.']/ { $0 = breakable($0) }
state == 0 { print; if ($0 ~ /^\.TH /) print ".nh\n.ad l"; next }
state == 1 { state = 2; next }			# tab(|) expand allbox;
state == 2 {
	format[++nfmt] = $0
	if ($0 ~ /\.$/) state = 3
	next
}
state == 3 && $0 == ".TE" { flush(); state = 0; next }
state == 3 { body[++nbody] = $0; next }
