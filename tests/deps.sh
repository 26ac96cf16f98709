#!/bin/sh
# deps.sh: makes sure the Debian packages metak needs are installed.
# As root it installs what is missing with apt-get; otherwise it prints the
# exact apt-get command and fails. Usage: deps.sh [extra-package ...]
set -u
need=""
have_hdr() { [ -f "/usr/include/$1" ] || [ -f "/usr/include/x86_64-linux-gnu/$1" ] ||
	find /usr/include -path "*/$1" -print -quit 2>/dev/null | grep -q .; }
have_hdr gsl/gsl_cdf.h || need="$need libgsl-dev"
have_hdr csv.h || need="$need libcsv-dev"
have_hdr cmocka.h || need="$need libcmocka-dev"
have_hdr librsvg-2.0/librsvg/rsvg.h || need="$need librsvg2-dev"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v make >/dev/null 2>&1 || need="$need make"
command -v cc >/dev/null 2>&1 || need="$need gcc"
for p in "$@"; do
	dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps.sh: installing:$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq $need; } >&2 || {
		echo "deps.sh: apt-get failed" >&2; exit 1; }
	exit 0
fi
echo "deps.sh: missing packages. Install them with:" >&2
echo "  sudo apt-get install -y$need" >&2
exit 1
