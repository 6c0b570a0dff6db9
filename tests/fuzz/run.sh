#!/usr/bin/env bash
# Builds a libFuzzer harness with clang (ASan+UBSan) and runs it briefly.
#   run.sh NAME SOURCE_DIR BUILD_DIR SECONDS [SOURCES]
# SOURCES: the project files (relative to SOURCE_DIR, ';' or space separated)
# compiled next to the harness; default src/core/chatproto.c.
# Exits 77 (ctest: skipped) when clang or its fuzzer runtime is missing.
set -u
name=$1 src=$2 out=$3 secs=$4
sources=${5:-src/core/chatproto.c}
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
mkdir -p "$work"
cp -n "$src/tests/fuzz/corpus/$name/"* "$work/" 2>/dev/null
exec "$bin" -max_total_time="$secs" -max_len=1400 -print_final_stats=1 "$work"
