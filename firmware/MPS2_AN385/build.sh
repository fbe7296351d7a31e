#!/usr/bin/env bash
# Builds MicroPython's QEMU port for the Arm MPS2-AN385 board (Cortex-M3) from the source under test, as
# `make -C ports/qemu BOARD=MPS2_AN385` does, with every output outside the source tree (the tree may be a shared
# worktree or the user's checkout). Writes firmware.elf and version.txt, the identity the board will report.
#
# usage: build.sh MICROPYTHON_SOURCE [BUILD_ROOT]
#   testbed passes --micropython's tree as {micropython} and a folder of its cache as {cache}: the outputs of one source
#   stay there across sessions and workspaces, so an unchanged source rebuilds in seconds.
set -euo pipefail
src=$(cd "${1:?usage: build.sh MICROPYTHON_SOURCE}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
board=MPS2_AN385
build="${2:-$here/build}/$(printf '%s' "$src" | sha1sum | cut -c1-12)"
mkdir -p "$build"
# One build at a time in a build folder (two sessions, or two test JVMs, building the same source).
exec 9>"$build.lock"
flock 9
command -v arm-none-eabi-gcc >/dev/null || { echo "build.sh: arm-none-eabi-gcc not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)" >&2; exit 2; }
jobs=$(nproc 2>/dev/null || echo 2)
# The version MicroPython's build bakes in comes from `git describe` of the source; a tarball unpacked inside some
# other repository (a cache in a checkout) must not pick up that repository's: git stops at the source's parent.
export GIT_CEILING_DIRECTORIES
GIT_CEILING_DIRECTORIES=$(dirname "$src")

echo "== mpy-cross (host), into $build/mpy-cross"
make -C "$src/mpy-cross" -j"$jobs" BUILD="$build/mpy-cross" FROZEN_MANIFEST= >/dev/null

# A source without a git submodule or library the port uses (a source tarball, a shallow checkout) builds with
# that feature off, said here, so the build log explains a test that skips for it.
cflags=()
mpylib="$src/lib/micropython-lib"
if [ ! -f "$mpylib/README.md" ]; then
  echo "note: lib/micropython-lib (git submodule) is missing: 'unittest' is not frozen in; tests that need it skip"
  mpylib="$build/no-micropython-lib"
  mkdir -p "$mpylib" && echo "empty stand-in: lib/micropython-lib is not in this source" > "$mpylib/README.md"
  manifest="freeze('test-frzmpy', ('frozen_asm_thumb.py', 'frozen_const.py', 'frozen_viper.py', 'native_frozen_align.py'))"
else
  manifest="require('unittest'); freeze('test-frzmpy', ('frozen_asm_thumb.py', 'frozen_const.py', 'frozen_viper.py', 'native_frozen_align.py'))"
fi
if [ ! -d "$src/lib/crypto-algorithms" ]; then
  echo "note: lib/crypto-algorithms is missing: built without hashlib; the hashlib tests skip"
  cflags+=(-DMICROPY_PY_HASHLIB=0)
fi
if [ ! -d "$src/lib/berkeley-db-1.xx" ]; then
  echo "note: lib/berkeley-db-1.xx (git submodule) is missing: built without btree (the port has it off by default)"
  cflags+=(-DMICROPY_PY_BTREE=0)
fi

echo "== ports/qemu BOARD=$board, into $build/$board"
make -C "$src/ports/qemu" -j"$jobs" BOARD="$board" BUILD="$build/$board" \
  MICROPY_MPYCROSS="$build/mpy-cross/mpy-cross" MICROPY_MPYCROSS_DEPENDENCY= MPY_LIB_DIR="$mpylib" \
  CFLAGS_EXTRA="${cflags[*]}" FROZEN_MANIFEST="\"$manifest\""

cp "$build/$board/firmware.elf" "$here/firmware.elf.tmp" && mv "$here/firmware.elf.tmp" "$here/firmware.elf"
# What the board will say: sys.implementation._build, sys.version (testbed compares "<build>;<sys.version>").
tag=$(sed -n 's/^#define MICROPY_GIT_TAG "\(.*\)"/\1/p' "$build/$board/genhdr/mpversion.h")
date=$(sed -n 's/^#define MICROPY_BUILD_DATE "\(.*\)"/\1/p' "$build/$board/genhdr/mpversion.h")
pyver=$(sed -n 's/.*mp_sys_version_obj, "\([0-9.]*\); ".*/\1/p' "$src/py/modsys.c")
echo "$board;${pyver:-3.4.0}; MicroPython $tag on $date" > "$here/version.txt"
echo "built $board: $(cat "$here/version.txt")"
