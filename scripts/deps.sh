#!/usr/bin/env bash
# Installs the Debian 12 packages that socklab needs for a purpose, or, when
# not root, prints the exact apt-get line and fails.
#   scripts/deps.sh build|test|bench ...
set -euo pipefail

pkgs_build="build-essential cmake pkg-config libevent-dev libjansson-dev libcmocka-dev libreadline-dev libpcap-dev lowdown clang bpftool libbpf-dev libdw-dev"
pkgs_test="python3 python3-pytest iproute2 procps util-linux clang libclang-rt-14-dev nftables tshark tcpdump nmap chromium fonts-dejavu-core netcat-openbsd man-db zsh libxml2-utils ndiff golang-go"
pkgs_bench="openbsd-inetd socat netcat-openbsd iproute2 procps bc tshark tcpdump nmap nftables strace"

want=()
for group in "$@"; do
	case "$group" in
	build) want+=($pkgs_build) ;;
	test) want+=($pkgs_test) ;;
	bench) want+=($pkgs_bench) ;;
	*) echo "deps.sh: unknown group '$group' (build, test, bench)" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${want[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

# De-duplicate while keeping order.
readarray -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
if [[ $(id -u) -ne 0 ]]; then
	echo "socklab: missing Debian packages: ${missing[*]}" >&2
	echo "Install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "socklab: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start daemons (openbsd-inetd) on this machine.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
fi
trap 'if [[ $made_policy -eq 1 ]]; then rm -f "$policy"; fi' EXIT
# tshark asks whether non-root users may capture: answer "no" up front, and
# only when tshark is being installed.
if printf '%s\n' "${missing[@]}" | grep -qx tshark; then
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
fi
apt-get update -q </dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
