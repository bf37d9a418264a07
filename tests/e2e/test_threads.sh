# Thread count changes no number: the same run with LMSTAB_THREADS=1, 2 and 3
# logs identical losses, gradient norms and per-layer instrumentation, and
# ends with the same parameters and AdamW moments, bit for bit. Repeated
# with ragged shapes (rows and features not multiples of 16, 8 or 4), with
# every attention kernel (LMSTAB_ATT_KERNEL) and under every OpenBLAS kernel
# set the CPU runs (OPENBLAS_CORETYPE): on AVX2 kernels, a product split at
# thread-dependent bounds used to change the sums. baseline runs attention's
# fused per-head path, qk_norm_cap its staged path with children. The same
# at [training] precision = bf16 on each of its paths (at the end).
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
MID="--set model.d_model=128 --set model.n_layer=2 --set model.n_head=4 --set model.context=64 --set training.batch_size=8"
# 7 x 45 = 315 rows, d 96 (qkv 288, fc 384), head dim 32
RAGGED="--set model.d_model=96 --set model.n_layer=2 --set model.n_head=3 --set model.context=45 --set training.batch_size=7"
STEPS="--set training.max_steps=12 --set training.log_every=5 --set training.eval_every=6 --set training.eval_batches=2 --set training.warmup_steps=3 --set training.lr=0.01"

# run TAG CONFIG THREADS DIMS: one run; its metrics (but for speed columns)
# and checkpoint data kept as $TMP/TAG.THREADS.{csv,bin}
run() {
    tag=$1; cfg=$2; t=$3; shift 3
    # shellcheck disable=SC2086
    LMSTAB_THREADS=$t "$LMSTAB" train "$SRC/configs/$cfg.ini" "$@" $STEPS \
        --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/$tag.$t" --quiet \
        --checkpoint-every 100 \
        || fail "$tag with $t threads failed (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} LMSTAB_ATT_KERNEL=${LMSTAB_ATT_KERNEL:-unset})"
    # every column but tokens_per_sec and elapsed_s
    cut -d, -f1-5,8- "$TMP/$tag.$t/metrics.csv" > "$TMP/$tag.$t.csv"
    data_of "$TMP/$tag.$t/checkpoint.safetensors" > "$TMP/$tag.$t.bin"
    rm -rf "$TMP/$tag.$t"
}

# same TAG THREADS...: the runs with those thread counts equal the 1-thread run
same() {
    tag=$1; shift
    [ -s "$TMP/$tag.1.bin" ] || fail "$tag: empty checkpoint data"
    [ "$(wc -l < "$TMP/$tag.1.csv")" -ge 4 ] || fail "$tag: too few logged rows"
    for t in "$@"; do
        what="$tag (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} LMSTAB_ATT_KERNEL=${LMSTAB_ATT_KERNEL:-unset})"
        cmp -s "$TMP/$tag.1.bin" "$TMP/$tag.$t.bin" || fail "$what: 1 and $t threads end with different parameters"
        cmp -s "$TMP/$tag.1.csv" "$TMP/$tag.$t.csv" || {
            diff "$TMP/$tag.1.csv" "$TMP/$tag.$t.csv" | head -5 >&2
            fail "$what: 1 and $t threads logged different numbers"
        }
    done
}

# Under the sanitizers (Debug + ASan) the memory checks need the paths run,
# not every combination: 1 and 3 threads, ragged, the default kernels.
if [ "${LMS_TEST_SANITIZED:-0}" = 1 ]; then
    for cfg in baseline qk_norm_cap; do
        for t in 1 3; do
            # shellcheck disable=SC2086
            run "$cfg.ragged" "$cfg" $t $RAGGED
        done
        same "$cfg.ragged" 3
    done
    for t in 1 3; do
        # shellcheck disable=SC2086
        run bf16.ragged qk_norm_cap $t $RAGGED --set training.precision=bf16
    done
    same bf16.ragged 3
    echo "ok (sanitized subset)"
    exit 0
fi

# the three block types, mid-size and ragged, 1/2/3 threads
for cfg in baseline qk_norm_cap qkv_norm; do
    for t in 1 2 3; do
        # shellcheck disable=SC2086
        run "$cfg" "$cfg" $t $MID
        # shellcheck disable=SC2086
        run "$cfg.ragged" "$cfg" $t $RAGGED
    done
    same "$cfg" 2 3
    same "$cfg.ragged" 2 3
done

# every attention kernel the CPU runs (the fused and the staged path)
for k in generic avx2 avx512; do
    export LMSTAB_ATT_KERNEL=$k
    for cfg in baseline qk_norm_cap; do
        for t in 1 3; do
            # shellcheck disable=SC2086
            run "$cfg.$k" "$cfg" $t $RAGGED
        done
        same "$cfg.$k" 3
    done
done
unset LMSTAB_ATT_KERNEL

# every OpenBLAS kernel set the CPU runs
for ct in $(sh "$SRC/tests/tools/coretypes.sh"); do
    export OPENBLAS_CORETYPE=$ct
    for t in 1 2 3; do
        # shellcheck disable=SC2086
        run "baseline.$ct" baseline $t $MID
        # shellcheck disable=SC2086
        run "ragged.$ct" qkv_norm $t $RAGGED
    done
    same "baseline.$ct" 2 3
    same "ragged.$ct" 2 3
done
unset OPENBLAS_CORETYPE

# lmstab's own sgemm (training.gemm = lmstab), which splits every product
# over all threads: its widest kernel at 1/2/3 threads, the portable one at
# 1/3 (test_gemm checks every kernel at the product level)
for k in avx512 generic; do
    export LMSTAB_GEMM_KERNEL=$k
    ts="2 3"; [ "$k" = generic ] && ts=3
    for t in 1 $ts; do
        # shellcheck disable=SC2086
        run "gemm.$k" qkv_norm $t $RAGGED --set training.gemm=lmstab
    done
    # shellcheck disable=SC2086
    same "gemm.$k" $ts
done
unset LMSTAB_GEMM_KERNEL
# ... and the run says which backend and kernel it trained with
"$LMSTAB" train "$SRC/configs/qkv_norm.ini" $RAGGED --set training.max_steps=2 \
    --set training.gemm=lmstab --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" \
    --out "$TMP/gemm.summary" --quiet || fail "training.gemm=lmstab run failed"
grep -q '"gemm":[[:space:]]*"lmstab"' "$TMP/gemm.summary/summary.json" \
    || fail "summary.json does not record training.gemm=lmstab"

# [training] precision = bf16 (every product on bf16 operands) on each of
# its paths: the native AVX512_BF16 kernel and the AMX kernel (the emulation
# where the CPU has none), the emulation on OpenBLAS's slabs and on lmstab's
# sgemm; the fused
# and the staged attention path; ragged shapes; 1/2/3 threads
for path in native amx emulated emulated.lmstab; do
    k=${path%%.*}; g=openblas; [ "$path" = emulated.lmstab ] && g=lmstab
    export LMSTAB_BF16_KERNEL=$k
    for cfg in baseline qk_norm_cap; do
        for t in 1 2 3; do
            # shellcheck disable=SC2086
            run "bf16.$path.$cfg" $cfg $t $RAGGED --set training.precision=bf16 \
                --set training.gemm=$g
        done
        same "bf16.$path.$cfg" 2 3
    done
done
unset LMSTAB_BF16_KERNEL
# (the precision is applied: bf16 ends elsewhere than fp32)
cmp -s "$TMP/bf16.emulated.baseline.1.bin" "$TMP/baseline.ragged.1.bin" \
    && fail "training.precision=bf16 trained to the fp32 parameters"
# ... and the run says which precision and bf16 kernel it trained with
LMSTAB_BF16_KERNEL=emulated "$LMSTAB" train "$SRC/configs/baseline.ini" $RAGGED \
    --set training.max_steps=2 --set training.precision=bf16 --plugin-dir "$PLUGINS" \
    --data "$TMP/corpus.txt" --out "$TMP/bf16.summary" --quiet || fail "bf16 run failed"
grep -q '"precision":[[:space:]]*"bf16"' "$TMP/bf16.summary/summary.json" &&
    grep -q '"bf16_kernel":[[:space:]]*"emulated"' "$TMP/bf16.summary/summary.json" &&
    grep -q '"bf16_kernel_rule":[[:space:]]*"amx_bf16 where' "$TMP/bf16.summary/summary.json" \
    || fail "summary.json does not record precision bf16 on the emulated kernel and the default's rule"

# oneDNN (training.gemm = onednn, where the build has it): dnnl_sgemm on
# the fixed slabs, each call held at one thread, at 1/2/3 threads. (Its
# parameters equal OpenBLAS's and lmstab's here: all three sum each element
# in k order with FMA.)
if "$LMSTAB" --version | grep -q "oneDNN: off"; then
    echo "no oneDNN in this build: training.gemm=onednn not tested"
else
    for t in 1 2 3; do
        # shellcheck disable=SC2086
        run "onednn" qkv_norm $t $RAGGED --set training.gemm=onednn
    done
    same "onednn" 2 3
    # its kernel set is oneDNN's instruction set, which ONEDNN_MAX_CPU_ISA
    # caps (not OpenBLAS's: a sweep compares it to say two runs are alike)
    # shellcheck disable=SC2086
    ONEDNN_MAX_CPU_ISA=SSE41 "$LMSTAB" train "$SRC/configs/baseline.ini" $TINY \
        --set training.max_steps=2 --set training.gemm=onednn --plugin-dir "$PLUGINS" \
        --data "$TMP/corpus.txt" --out "$TMP/odn" --quiet || fail "onednn at SSE41 failed"
    grep -q '"gemm_kernel":[[:space:]]*"sse41"' "$TMP/odn/summary.json" \
        || fail "summary.json's gemm_kernel is not oneDNN's capped ISA: $(grep gemm_kernel "$TMP/odn/summary.json")"
fi
echo "ok"
