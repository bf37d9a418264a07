#!/bin/sh
# Build and run the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   scripts/fuzz.sh [TARGET...] [-t SECONDS] [-o DIR] [--coverage]
#
# TARGET: ini, safetensors (default: both). Each runs SECONDS (default 60)
# starting from tests/fuzz/corpus/<target>/ (read only; new inputs go to
# DIR/corpus/<target>). DIR defaults to build-fuzz. A crash is saved as
# DIR/crashes/<target>/crash-*; copy it to tests/fuzz/regressions/<target>/
# so that ctest (fuzz_replay_<target>) replays it for ever.
# Needs clang and libclang-rt-14-dev (Debian): apt-get install -y clang
# libclang-rt-14-dev. The INI target also builds the model from the input
# when it is small, with the plugins of a plain build in DIR/plain.
# --coverage: no fuzzing; replay DIR/corpus/<target> and the seed corpus
# through a source-coverage build and print llvm-cov's line/region report
# for the core files the target reaches.
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
    ini|safetensors) TARGETS="$TARGETS $1"; shift ;;
    --coverage) COVERAGE=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ -n "$TARGETS" ] || TARGETS="ini safetensors"
CC=${CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz.sh: $CC not found (apt-get install -y clang libclang-rt-14-dev)" >&2; exit 1; }
mkdir -p "$OUT"

# Plugins for the INI target: a plain (gcc or cc) build of the project.
if [ ! -d "$OUT/plain/plugins" ]; then
    cmake -S "$ROOT" -B "$OUT/plain" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$OUT/plain" -j2 >/dev/null
fi

# Only the core files each target reaches (not every core/*.c: fewer
# files to instrument, and unrelated code cannot break the fuzz build).
SRC_ini="config.c config_get.c train_cfg.c model.c layer.c loader.c host.c rng.c"
SRC_safetensors="safetensors.c st_header.c"
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=gnu11 -I$ROOT/include -I$ROOT/core"
DEFS="-DLMS_PLUGIN_INSTALL_DIR=\"/nonexistent\" -DLMS_VERSION=\"fuzz\" -DLMS_SOURCE_DIR=\"$ROOT\""
LIBS="$(pkg-config --libs openblas inih libcjson) -ldl -lm"
if [ $COVERAGE = 1 ]; then
    for t in $TARGETS; do
        eval "srcs=\$SRC_$t"
        core=""
        for f in $srcs; do core="$core $ROOT/core/$f"; done
        exe="$OUT/cov_$t"
        # shellcheck disable=SC2086
        $CC -g -O0 -fprofile-instr-generate -fcoverage-mapping -std=gnu11 -I"$ROOT/include" -I"$ROOT/core" \
            $DEFS "$ROOT/tests/fuzz/fuzz_$t.c" "$ROOT/tests/fuzz/replay_main.c" $core $LIBS -o "$exe"
        mkdir -p "$OUT/corpus/$t"
        LLVM_PROFILE_FILE="$OUT/cov_$t.profraw" LMS_FUZZ_PLUGIN_DIR="$OUT/plain/plugins" OPENBLAS_NUM_THREADS=1 \
            "$exe" "$OUT/corpus/$t" "$ROOT/tests/fuzz/corpus/$t" "$ROOT/tests/fuzz/regressions/$t"
        llvm-profdata merge -o "$OUT/cov_$t.profdata" "$OUT/cov_$t.profraw"
        # shellcheck disable=SC2086
        llvm-cov report "$exe" -instr-profile="$OUT/cov_$t.profdata" $core
    done
    exit 0
fi
for t in $TARGETS; do
    exe="$OUT/fuzz_$t"
    if [ ! -x "$exe" ] || [ -n "$(find "$ROOT/core" "$ROOT/include" "$ROOT/tests/fuzz" -newer "$exe" -name '*.[ch]' | head -1)" ]; then
        echo "building $exe"
        eval "srcs=\$SRC_$t"
        core=""
        for f in $srcs; do core="$core $ROOT/core/$f"; done
        # shellcheck disable=SC2086
        $CC $FLAGS $DEFS "$ROOT/tests/fuzz/fuzz_$t.c" $core $LIBS -o "$exe"
    fi
    mkdir -p "$OUT/corpus/$t" "$OUT/crashes/$t"
    dict=""
    [ -f "$ROOT/tests/fuzz/$t.dict" ] && dict="-dict=$ROOT/tests/fuzz/$t.dict"
    echo "fuzzing $t for ${SECS}s (log: $OUT/fuzz_$t.log)"
    # Leak detection stays on: a leak on an error path is a bug too.
    LMS_FUZZ_PLUGIN_DIR="$OUT/plain/plugins" OPENBLAS_NUM_THREADS=1 \
    "$exe" "$OUT/corpus/$t" "$ROOT/tests/fuzz/corpus/$t" $dict \
        -max_total_time="$SECS" -max_len=8192 -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t/" \
        >"$OUT/fuzz_$t.log" 2>&1 || { echo "fuzz.sh: $t found a crash:"; ls "$OUT/crashes/$t"; tail -40 "$OUT/fuzz_$t.log"; exit 1; }
    grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|cov:' "$OUT/fuzz_$t.log" | tail -3
done
