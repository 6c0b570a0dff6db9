#!/usr/bin/env bash
# The two commands of the README, and the build they share:
#   ./dev.sh serve [options]   build, then start the lab server
#   ./dev.sh test              build (also with ASan+UBSan), then run every test
#   ./dev.sh matrix            build every other build type with gcc and clang
#                              (warnings are errors in each); CI runs it after test
#   ./dev.sh build             build only
# Missing Debian packages are installed when run as root; otherwise the
# exact apt-get line is printed.
set -euo pipefail
cd "$(dirname "$0")"

build() {
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build build -j "$(nproc)"
}

# Debug, Release and RelWithDebInfo with gcc and clang: optimisation levels
# change what -Wmaybe-uninitialized sees, and clang warns where gcc does not.
# build/ already is gcc RelWithDebInfo.
matrix() {
	local cc type dir
	for cc in gcc clang; do
		for type in Debug Release RelWithDebInfo; do
			[[ $cc == gcc && $type == RelWithDebInfo ]] && continue
			dir=build/matrix/$cc-$type
			echo "dev.sh: building $cc $type in $dir" >&2
			CC=$cc cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=$type \
				-DSOCKLAB_SANITIZERS=OFF >/dev/null
			cmake --build "$dir" -j "$(nproc)" >"$dir/build.log" 2>&1 ||
				{ cat "$dir/build.log" >&2; echo "dev.sh: the $cc $type build failed" >&2; return 1; }
		done
	done
	echo "dev.sh: every build type builds with gcc and clang, warnings as errors" >&2
}

case "${1:-}" in
build)
	scripts/deps.sh build
	build
	;;
serve)
	shift
	scripts/deps.sh build
	build -DSOCKLAB_SANITIZERS=OFF -DSOCKLAB_BENCH=OFF
	if [[ $# -eq 0 && $(id -u) -ne 0 ]] &&
		(( $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024) > 7 )); then
		echo "dev.sh: ports below 1024 need root; serving with --port-offset 10000 (echo on 10007)" >&2
		set -- --port-offset 10000
	fi
	exec build/socklab serve "$@"
	;;
test)
	scripts/deps.sh build test
	build -DSOCKLAB_SANITIZERS=ON
	cd build
	ctest --output-on-failure -j "$(nproc)" --timeout 600
	;;
matrix)
	scripts/deps.sh build test
	matrix
	;;
*)
	echo "usage: ./dev.sh serve [options] | ./dev.sh test | ./dev.sh matrix | ./dev.sh build" >&2
	exit 2
	;;
esac
