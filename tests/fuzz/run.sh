#!/usr/bin/env bash
# Builds a libFuzzer harness with clang (ASan+UBSan) and runs it for a while.
#   run.sh NAME SOURCE_DIR BUILD_DIR SECONDS [SOURCES]
# SOURCES: the project files (relative to SOURCE_DIR, ';' or space separated)
# compiled next to the harness; default src/chatwire/chatproto.c.
# Exits 0 when nothing was found, 1 on a finding (crash, sanitizer report,
# leak, abort, an input slower than FUZZ_INPUT_TIMEOUT seconds, out of memory)
# or a build error, and 77 (ctest: skipped) only when clang or its fuzzer
# runtime is missing. The inputs that made it fail are kept in
# BUILD_DIR/artifacts_NAME/.
set -u
name=$1 src=$2 out=$3 secs=$4
sources=${5:-src/chatwire/chatproto.c}
input_timeout=${FUZZ_INPUT_TIMEOUT:-10}
extra=()
for f in ${sources//;/ }; do extra+=("$src/$f"); done
clang=$(command -v clang || command -v clang-14 || true)
if [ -z "$clang" ]; then
	echo "skipped: clang is not installed (Debian: clang libclang-rt-14-dev)"
	exit 77
fi
mkdir -p "$out"
bin="$out/fuzz_$name"
if ! "$clang" -g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I "$src/src" \
	"$src/tests/fuzz/fuzz_$name.c" "${extra[@]}" -o "$bin" 2>"$out/fuzz_$name.build.log"; then
	if grep -q "fuzzer" "$out/fuzz_$name.build.log"; then
		echo "skipped: clang has no libFuzzer runtime here (Debian: libclang-rt-14-dev)"
		cat "$out/fuzz_$name.build.log"
		exit 77
	fi
	cat "$out/fuzz_$name.build.log"
	exit 1
fi
work="$out/corpus_$name"
artifacts="$out/artifacts_$name"
mkdir -p "$work" "$artifacts"
cp -n "$src/tests/fuzz/corpus/$name/"* "$work/" 2>/dev/null
before=$(ls -A "$artifacts" | wc -l)
# libFuzzer's own exit status for a leak, an abort or a deadly signal is 77,
# which ctest would read as "skipped": every finding must exit 1 instead.
"$bin" -max_total_time="$secs" -max_len=1400 -timeout="$input_timeout" \
	-error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/" \
	-print_final_stats=1 "$work"
rc=$?
after=$(ls -A "$artifacts" | wc -l)
if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
	newest=$(ls -t "$artifacts" | head -n 1)
	echo "fuzz_$name: FINDING (exit $rc): $artifacts/$newest"
	echo "  reproduce: $bin $artifacts/$newest"
	echo "  fix it, then add the input to tests/fuzz/corpus/$name/ and a unit test"
	exit 1
fi
exit 0
