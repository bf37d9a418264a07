#!/bin/sh
# Memory-safety checks for CI (docs/reliability.md):
#  1. the whole test suite built with gcc, AddressSanitizer and
#     UndefinedBehaviorSanitizer (-DLMS_SANITIZE=ON, Debug) must pass clean;
#  2. valgrind memcheck on a short training run with checkpoints, a resume
#     and a sample (a plain Debug build: valgrind and ASan do not mix) must
#     report no error and no definite/indirect leak.
#
#   scripts/ci_sanitize.sh [-o DIR] [--no-valgrind] [--no-asan]
#
# DIR (default build-san) holds DIR/asan and DIR/valgrind. Needs gcc and
# valgrind (apt-get install -y valgrind); exits non-zero on any finding.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/build-san"
ASAN=1
VG=1
while [ $# -gt 0 ]; do
    case "$1" in
    -o) OUT="$2"; shift 2 ;;
    --no-valgrind) VG=0; shift ;;
    --no-asan) ASAN=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "ci_sanitize.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
JOBS=${JOBS:-2}

if [ $ASAN = 1 ]; then
    echo "== ASan + UBSan: configure, build, ctest ($OUT/asan)"
    # MPI off: Open MPI's own allocations would drown LeakSanitizer
    # -O1, ASan's recommended level: the same reports, with the e2e tests'
    # training runs 2.5-3.4x faster than at -O0 (measured on e2e_sweep,
    # e2e_checkpoint_resume and core_gemm_bf16); asserts stay on (Debug)
    cmake -S "$ROOT" -B "$OUT/asan" -DCMAKE_C_COMPILER=gcc -DLMS_SANITIZE=ON -DLMS_MPI=OFF \
        -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" >/dev/null
    cmake --build "$OUT/asan" -j"$JOBS" >/dev/null
    # halt on the first report; leaks are errors too; guard zones around
    # every buffer handed to a plugin (a write past one is an ASan report)
    LMSTAB_GUARD=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$OUT/asan" --output-on-failure -j"$JOBS"
fi

if [ $VG = 1 ]; then
    command -v valgrind >/dev/null || { echo "ci_sanitize.sh: valgrind not found (apt-get install -y valgrind)" >&2; exit 1; }
    echo "== valgrind memcheck: short training run ($OUT/valgrind)"
    cmake -S "$ROOT" -B "$OUT/valgrind" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug >/dev/null
    # the command and its plugins only: the tests ran above
    cmake --build "$OUT/valgrind" -j"$JOBS" --target lmstab lms_plugins_all >/dev/null
    W="$OUT/valgrind/memcheck"
    rm -rf "$W"
    mkdir -p "$W"
    CORPUS="$ROOT/data/tinyshakespeare.txt"
    [ -r "$CORPUS" ] || CORPUS="$ROOT/../shared/data/tinyshakespeare.txt"
    head -c 100000 "$CORPUS" > "$W/corpus.txt"
    VGRUN="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
        --track-origins=yes --quiet"
    L="$OUT/valgrind/lmstab"
    TINY="--set model.d_model=32 --set model.n_layer=2 --set model.n_head=2 \
        --set model.context=16 --set training.batch_size=2 --set training.eval_every=5 \
        --set training.eval_batches=1 --set training.log_every=2 --set training.warmup_steps=2 \
        --set training.max_steps=8"
    export OPENBLAS_NUM_THREADS=1
    # shellcheck disable=SC2086
    $VGRUN "$L" train "$ROOT/configs/baseline.ini" $TINY --data "$W/corpus.txt" \
        --out "$W/run" --checkpoint-every 4 --stop-after 4 --quiet || [ $? -eq 130 ] ||
        { echo "valgrind: train reported errors" >&2; exit 1; }
    # shellcheck disable=SC2086
    $VGRUN "$L" train "$ROOT/configs/baseline.ini" $TINY --data "$W/corpus.txt" \
        --resume "$W/run" --checkpoint-every 4 --quiet ||
        { echo "valgrind: resume reported errors" >&2; exit 1; }
    $VGRUN "$L" sample "$W/run/checkpoint.safetensors" --prompt "A" --tokens 20 >/dev/null ||
        { echo "valgrind: sample reported errors" >&2; exit 1; }
    echo "valgrind: clean (train, resume, sample)"
fi
echo "ci_sanitize.sh: all clean"
