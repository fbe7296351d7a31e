#!/usr/bin/env bash
# Builds MicroPython's unix port (VARIANT=standard) from the source under test, as MicroPython's own CI does for its
# multinet and perfbench runs, with every output outside the source tree. Writes firmware.elf (the `micropython`
# binary: a unix board runs it) and version.txt, the identity the board will report.
# Options the subset of the source may lack are off: FFI (libffi), btree (berkeley-db), SSL (mbedtls).
#
# usage: build.sh MICROPYTHON_SOURCE      (testbed passes --micropython's tree as {micropython})
set -euo pipefail
src=$(cd "${1:?usage: build.sh MICROPYTHON_SOURCE}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
build="$here/build/$(printf '%s' "$src" | sha1sum | cut -c1-12)"
mkdir -p "$build"
command -v gcc >/dev/null || { echo "build.sh: gcc not found (apt-get install build-essential)" >&2; exit 2; }
jobs=$(nproc 2>/dev/null || echo 2)
# The version the build bakes in comes from `git describe` of the source: a tarball unpacked inside some other
# repository (a cache in a checkout) must not pick up that repository's.
export GIT_CEILING_DIRECTORIES
GIT_CEILING_DIRECTORIES=$(dirname "$src")

echo "== ports/unix VARIANT=standard, into $build"
make -C "$src/ports/unix" -j"$jobs" VARIANT=standard BUILD="$build" FROZEN_MANIFEST= MICROPY_PY_FFI=0 MICROPY_PY_BTREE=0 MICROPY_PY_SSL=0 \
  CFLAGS_EXTRA="${TESTBED_UNIX_CFLAGS:-}"

cp "$build/micropython" "$here/firmware.elf.tmp" && mv "$here/firmware.elf.tmp" "$here/firmware.elf"
# What the board will say: sys.implementation._build, sys.version (testbed compares "<build>;<sys.version>").
"$build/micropython" -c 'import sys; print(sys.implementation._build + ";" + sys.version)' > "$here/version.txt"
echo "built UNIX: $(cat "$here/version.txt")"
