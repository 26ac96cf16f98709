#!/bin/sh
# install.sh: 'make install' (and uninstall) with spaces in DESTDIR and
# PREFIX puts the binary and both man pages there, and writes nothing in
# the checkout (once a space split an unquoted path, mkdir made the pieces
# inside it). Usage: install.sh BUILD (the build folder, B of the Makefile).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dest="$tmp/dest dir"
prefix="/usr/my local"
# every file of the checkout but the build folders, with size and time
snap() { (cd "$root" && find . -path ./build -prune -o -path ./.git -prune \
    -o -print | sort | while IFS= read -r f; do
	printf '%s %s\n' "$f" "$(stat -c '%s %Y' "$f")"; done); }
snap >"$tmp/before"
fail=0
make -s -C "$root" install B="$b" DESTDIR="$dest" PREFIX="$prefix" \
    >"$tmp/log" 2>&1 || { echo "install: make install failed"; cat "$tmp/log"; fail=1; }
for f in "bin/metak" "share/man/man1/metak.1" "share/man/man5/metak.5"; do
	[ -f "$dest$prefix/$f" ] || { echo "install: $prefix/$f not installed"; fail=1; }
done
[ -x "$dest$prefix/bin/metak" ] && ! "$dest$prefix/bin/metak" --help >/dev/null 2>&1 &&
    { echo "install: the installed metak does not run"; fail=1; }
make -s -C "$root" uninstall B="$b" DESTDIR="$dest" PREFIX="$prefix" \
    >"$tmp/log" 2>&1 || { echo "install: make uninstall failed"; fail=1; }
[ -e "$dest$prefix/bin/metak" ] && { echo "install: uninstall left the binary"; fail=1; }
snap >"$tmp/after"
if ! cmp -s "$tmp/before" "$tmp/after"; then
	echo "install: the checkout changed:"; diff "$tmp/before" "$tmp/after" | head
	fail=1
fi
[ $fail = 0 ] && echo "install: spaces in DESTDIR and PREFIX, nothing written in the checkout"
exit $fail
