#!/usr/bin/env bash
# Builds MicroPython's unix port (VARIANT=standard) from the source under test, as MicroPython's own CI does for its
# multinet and perfbench runs, with every output outside the source tree. Writes firmware.elf (the `micropython`
# binary: a unix board runs it) and version.txt, the identity the board will report.
# Options the subset of the source may lack are off: FFI (libffi), btree (berkeley-db), SSL (mbedtls).
#
# usage: build.sh MICROPYTHON_SOURCE [BUILD_ROOT]
#   testbed passes --micropython's tree as {micropython} and a folder of its cache as {cache}: the outputs of one source
#   stay there across sessions and workspaces, so an unchanged source rebuilds in seconds.
set -euo pipefail
src=$(cd "${1:?usage: build.sh MICROPYTHON_SOURCE}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
build="${2:-$here/build}/$(printf '%s' "$src ${TESTBED_UNIX_CFLAGS:-}" | sha1sum | cut -c1-12)"
mkdir -p "$build"
# One build at a time in a build folder (two sessions, or two test JVMs, building the same source).
exec 9>"$build.lock"
flock 9
command -v gcc >/dev/null || { echo "build.sh: gcc not found (apt-get install build-essential)" >&2; exit 2; }
jobs=$(nproc 2>/dev/null || echo 2)
# The version the build bakes in comes from `git describe` of the source: a tarball unpacked inside some other
# repository (a cache in a checkout) must not pick up that repository's.
export GIT_CEILING_DIRECTORIES
GIT_CEILING_DIRECTORIES=$(dirname "$src")

echo "== mpy-cross (host), into $build/mpy-cross"
make -C "$src/mpy-cross" -j"$jobs" BUILD="$build/mpy-cross" FROZEN_MANIFEST= >/dev/null

# The standard variant freezes asyncio and, from the micropython-lib submodule, mip and ssl: a source without the
# submodule (a tarball) freezes asyncio only, so the asyncio tests run as they do on MicroPython's CI.
manifest="$build/manifest.py"
echo 'include("$(MPY_DIR)/extmod/asyncio")' > "$manifest"
mpylib="$src/lib/micropython-lib"
if [ ! -f "$mpylib/README.md" ]; then
  echo "note: lib/micropython-lib (git submodule) is missing: only asyncio is frozen in"
  mpylib="$build/no-micropython-lib"
  mkdir -p "$mpylib" && echo "empty stand-in: lib/micropython-lib is not in this source" > "$mpylib/README.md"
fi

echo "== ports/unix VARIANT=standard, into $build/unix"
make -C "$src/ports/unix" -j"$jobs" VARIANT=standard BUILD="$build/unix" FROZEN_MANIFEST="$manifest" \
  MICROPY_MPYCROSS="$build/mpy-cross/mpy-cross" MICROPY_MPYCROSS_DEPENDENCY= MPY_LIB_DIR="$mpylib" \
  MICROPY_PY_FFI=0 MICROPY_PY_BTREE=0 MICROPY_PY_SSL=0 CFLAGS_EXTRA="${TESTBED_UNIX_CFLAGS:-}"

cp "$build/unix/micropython" "$here/firmware.elf.tmp" && mv "$here/firmware.elf.tmp" "$here/firmware.elf"
# What the board will say: sys.implementation._build, sys.version (testbed compares "<build>;<sys.version>").
"$build/unix/micropython" -c 'import sys; print(sys.implementation._build + ";" + sys.version)' > "$here/version.txt"
echo "built UNIX: $(cat "$here/version.txt")"
