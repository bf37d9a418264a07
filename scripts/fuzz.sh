#!/bin/sh
# Build and run the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   scripts/fuzz.sh [TARGET...] [-t SECONDS] [-o DIR] [--coverage]
#
# TARGET: one of the tests/fuzz/fuzz_<target>.c (ini, safetensors, sweep,
# summary, manifest, checkpoint, data, golden, metrics, cli; default: all,
# one after the other). Each is built, then runs SECONDS (default 60)
# starting from tests/fuzz/corpus/<target>/ (read only; new inputs go to
# DIR/corpus/<target>). DIR defaults to build-fuzz. A crash is saved as
# DIR/crashes/<target>/crash-*; copy it to tests/fuzz/regressions/<target>/
# so that ctest (fuzz_replay_<target>) replays it for ever.
# Needs clang and libclang-rt-14-dev (Debian): apt-get install -y clang
# libclang-rt-14-dev. The targets that build a model (ini, checkpoint,
# golden) use the plugins of a plain build in DIR/plain.
# --coverage: no fuzzing; replay DIR/corpus/<target> and the seed corpus
# through a source-coverage build and print llvm-cov's line/region report
# for the core files the target reaches.
# Both modes link the targets against the core and command libraries built
# by CMake with clang in DIR/core-fuzz or DIR/core-cov (never a list of
# core files); tests/fuzz/lib/*.c are the targets' shared helpers.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=60
OUT="$ROOT/build-fuzz"
TARGETS=""
COVERAGE=0
while [ $# -gt 0 ]; do
    case "$1" in
    -t) SECS="$2"; shift 2 ;;
    -o) OUT="$2"; shift 2 ;;
    --coverage) COVERAGE=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown argument '$1'" >&2; exit 2 ;;
    *) [ -f "$ROOT/tests/fuzz/fuzz_$1.c" ] ||
           { echo "fuzz.sh: no target '$1' (tests/fuzz/fuzz_$1.c)" >&2; exit 2; }
       TARGETS="$TARGETS $1"; shift ;;
    esac
done
ALL=$(cd "$ROOT/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//' | tr '\n' ' ')
[ -n "$TARGETS" ] || TARGETS="$ALL"
TARGETS=$(for t in $TARGETS; do echo "$t"; done | awk '!seen[$0]++' | tr '\n' ' ') # once each
HELPERS=$(ls "$ROOT"/tests/fuzz/lib/*.c)
# largest input per target: files with tensors need more room
max_len() { case "$1" in checkpoint|golden|data) echo 32768 ;; *) echo 8192 ;; esac; }
CC=${CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz.sh: $CC not found (apt-get install -y clang libclang-rt-14-dev)" >&2; exit 1; }
mkdir -p "$OUT"

# Plugins for the INI target: a plain (gcc or cc) build of the project, or
# those of an existing build when LMS_FUZZ_PLUGIN_DIR names them.
PLUGIN_DIR="${LMS_FUZZ_PLUGIN_DIR:-$OUT/plain/plugins}"
if [ ! -d "$PLUGIN_DIR" ]; then
    cmake -S "$ROOT" -B "$OUT/plain" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$OUT/plain" -j2 >/dev/null
fi

# The targets link against the whole core library (lmstab_core, built here
# by CMake with clang and the instrumentation flags), never a hand-kept list
# of core files: a new core file cannot break the fuzz build. The linker
# takes only what a target reaches. No OpenMP or MPI: one process, serial.
# core_lib MODE FLAGS: build lmstab_cli, lmstab_core and what they link (the
# test kit for `lmstab check`, the engine) into $OUT/core-MODE, print the .a
# files, each before those it uses
core_lib() {
    dir="$OUT/core-$1"
    mkdir -p "$dir"
    { cmake -S "$ROOT" -B "$dir" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=None \
          -DCMAKE_C_FLAGS="$2" -DLMS_OPENMP=OFF -DLMS_MPI=OFF -DLMS_ONEDNN=OFF -DLMS_SENTENCEPIECE=OFF &&
      cmake --build "$dir" --target lmstab_cli lmstab_core lms_testkit lmstab_engine -j2; } >"$dir/build.log" 2>&1 ||
        { tail -20 "$dir/build.log" >&2; echo "fuzz.sh: building the core failed (see $dir/build.log)" >&2; exit 1; }
    echo "$dir/core/liblmstab_cli.a $dir/tests/testkit/liblms_testkit.a $dir/core/liblmstab_core.a $dir/core/liblmstab_engine.a"
}
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=gnu11 -I$ROOT/include -I$ROOT/core -I$ROOT/tests/fuzz/lib"
LIBS="$(pkg-config --libs openblas inih libcjson) -ldl -lm"
if [ $COVERAGE = 1 ]; then
    lib=$(core_lib cov "-g -O0 -fprofile-instr-generate -fcoverage-mapping")
    for t in $TARGETS; do
        exe="$OUT/cov_$t"
        # shellcheck disable=SC2086
        $CC -g -O0 -fprofile-instr-generate -fcoverage-mapping -std=gnu11 -I"$ROOT/include" -I"$ROOT/core" \
            -I"$ROOT/tests/fuzz/lib" "$ROOT/tests/fuzz/fuzz_$t.c" "$ROOT/tests/fuzz/replay_main.c" $HELPERS \
            $lib $LIBS -o "$exe"
        mkdir -p "$OUT/corpus/$t"
        LLVM_PROFILE_FILE="$OUT/cov_$t.profraw" LMS_FUZZ_PLUGIN_DIR="$PLUGIN_DIR" OPENBLAS_NUM_THREADS=1 \
            "$exe" "$OUT/corpus/$t" "$ROOT/tests/fuzz/corpus/$t" "$ROOT/tests/fuzz/regressions/$t" >/dev/null 2>&1
        llvm-profdata merge -o "$OUT/cov_$t.profdata" "$OUT/cov_$t.profraw"
        # the core files the target reached (a line covered at all)
        echo "== coverage of $t (corpus: $(ls "$OUT/corpus/$t" | wc -l) inputs)"
        llvm-cov report "$exe" -instr-profile="$OUT/cov_$t.profdata" "$ROOT/core" |
            awk 'NR <= 2 || (NF > 3 && $4 != "0.00%")'
    done
    exit 0
fi
lib=$(core_lib fuzz "-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined")
# the targets that are out of date, built two at a time (each is one
# compiler call; a failed one leaves its log and no executable)
stale() { # exe: missing, or older than a library or a source it is built of
    [ -x "$1" ] || return 0
    for a in $lib; do [ "$a" -nt "$1" ] && return 0; done
    [ -n "$(find "$ROOT/include" "$ROOT/tests/fuzz" -newer "$1" -name '*.[ch]' | head -1)" ]
}
build_target() {
    exe="$OUT/fuzz_$1"
    if stale "$exe"; then
        echo "building $exe"
        rm -f "$exe"
        # shellcheck disable=SC2086
        $CC $FLAGS "$ROOT/tests/fuzz/fuzz_$1.c" $HELPERS $lib $LIBS -o "$exe.part" > "$OUT/build_$1.log" 2>&1 &&
            mv "$exe.part" "$exe"
    fi
}
n=0
for t in $TARGETS; do
    build_target "$t" &
    n=$((n + 1))
    [ $((n % 2)) -ne 0 ] || wait
done
wait
for t in $TARGETS; do
    [ -x "$OUT/fuzz_$t" ] || { cat "$OUT/build_$t.log" >&2; echo "fuzz.sh: building fuzz_$t failed" >&2; exit 1; }
done
for t in $TARGETS; do
    exe="$OUT/fuzz_$t"
    mkdir -p "$OUT/corpus/$t" "$OUT/crashes/$t"
    dict=""
    [ -f "$ROOT/tests/fuzz/$t.dict" ] && dict="-dict=$ROOT/tests/fuzz/$t.dict"
    echo "fuzzing $t for ${SECS}s (log: $OUT/fuzz_$t.log)"
    # Leak detection stays on: a leak on an error path is a bug too. The
    # targets' own output (usage texts, error messages) is closed
    # (-close_fd_mask=3); libFuzzer's and the sanitizers' reports are kept.
    LMS_FUZZ_PLUGIN_DIR="$PLUGIN_DIR" OPENBLAS_NUM_THREADS=1 \
    "$exe" "$OUT/corpus/$t" "$ROOT/tests/fuzz/corpus/$t" $dict \
        -max_total_time="$SECS" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 \
        -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t/" \
        >"$OUT/fuzz_$t.log" 2>&1 || { echo "fuzz.sh: $t found a crash:"; ls "$OUT/crashes/$t"; tail -40 "$OUT/fuzz_$t.log"; exit 1; }
    grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|cov:' "$OUT/fuzz_$t.log" | tail -3
done
