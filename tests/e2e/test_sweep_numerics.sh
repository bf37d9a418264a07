# A sweep carried to a machine whose matrix products use another kernel set
# (simulated by editing a finished run's record): before it continues, the
# sweep says which kernels the runs used and will use and how to keep the
# arithmetic; it changes nothing; the report counts the runs of each kernel.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
cat > "$TMP/s.ini" <<EOT
[sweep]
variants = qk_norm
configs_dir = $SRC/configs
lr_min = 0.01
lr_max = 0.01
seeds = 1, 2
grid_seeds = 2
jobs = 1
out = $TMP/out

[overrides]
$TINY_OVERRIDES
training.max_steps = 6
training.warmup_steps = 2
training.eval_every = 6
training.eval_batches = 2
EOT
sweep() { "$LMSTAB" sweep "$TMP/s.ini" --quiet --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" > /dev/null 2> "$TMP/log"; }
sweep || { cat "$TMP/log"; fail "sweep failed"; }
grep -q "note" "$TMP/log" && { cat "$TMP/log"; fail "a note on the kernels of a sweep that ran on one machine"; }
run="$TMP/out/qk_norm/lr_0.01"
gemm=$(sed -n 's/^\t"gemm":\t"\(.*\)",$/\1/p' "$run/seed_1/summary.json")
kern=$(sed -n 's/^\t"gemm_kernel":\t"\(.*\)",$/\1/p' "$run/seed_1/summary.json")
[ -n "$gemm" ] && [ -n "$kern" ] || fail "summary.json records no gemm/gemm_kernel"
"$LMSTAB" report "$TMP/out" > /dev/null 2>&1 || fail "report failed"
grep -qF -- "- **Matrix products:** $gemm on kernel set $kern (2 runs)." "$TMP/out/report.md" \
    || { grep -F "Matrix products" "$TMP/out/report.md"; fail "the report does not give the one kernel of both runs"; }
# seed 1 "ran elsewhere"; seed 2 is lost and runs again here
sed -i "s/^\t\"gemm_kernel\":\t\".*\",$/\t\"gemm_kernel\":\t\"Elsewhere\",/" "$run/seed_1/summary.json"
sed -i "s/^\t\"gemm\":\t\".*\",$/\t\"gemm\":\t\"openblas\",/" "$run/seed_1/summary.json"
rm "$run/seed_2/summary.json"
before=$(sha256sum "$run/seed_1/summary.json")
sweep || { cat "$TMP/log"; fail "the resumed sweep failed"; }
grep -q "^sweep: note: qk_norm's finished runs (1 of them) used openblas on kernel set Elsewhere; any run it starts or resumes here will use $gemm on kernel set $kern, which rounds differently" "$TMP/log" \
    || { cat "$TMP/log"; fail "no note naming both kernel sets"; }
if [ "$gemm" = openblas ]; then
    grep -q "OPENBLAS_CORETYPE=Elsewhere" "$TMP/log" || { cat "$TMP/log"; fail "the note does not say how to keep OpenBLAS's kernel set"; }
fi
[ "$before" = "$(sha256sum "$run/seed_1/summary.json")" ] || fail "the note changed a finished run"
[ -s "$run/seed_2/summary.json" ] || fail "the lost run was not redone"
"$LMSTAB" report "$TMP/out" > /dev/null 2>&1 || fail "report failed"
grep -qF -- "- **Matrix products:** openblas on kernel set Elsewhere (1 run); $gemm on kernel set $kern (1 run). Kernels round differently" "$TMP/out/report.md" \
    || { grep -F "Matrix products" "$TMP/out/report.md"; fail "the report does not count the runs of each kernel set"; }
# at bf16 the bf16 kernel counts too: a run "made" on another one is noted
# with the variable that keeps it
sed -i 's/^variants = qk_norm$/variants = qk_norm\nprecisions = bf16/' "$TMP/s.ini"
sed -i "s|^out = .*|out = $TMP/outb|" "$TMP/s.ini"
sweep || { cat "$TMP/log"; fail "bf16 sweep failed"; }
runb="$TMP/outb/qk_norm/lr_0.01"
bk=$(sed -n 's/^\t"bf16_kernel":\t"\(.*\)",$/\1/p' "$runb/seed_1/summary.json")
[ -n "$bk" ] || fail "a bf16 run records no bf16_kernel"
other=amx_bf16; [ "$bk" = amx_bf16 ] && other=emulated
sed -i "s/^\t\"bf16_kernel\":\t\".*\",$/\t\"bf16_kernel\":\t\"$other\",/" "$runb/seed_1/summary.json"
rm "$runb/seed_2/summary.json"
sweep || { cat "$TMP/log"; fail "the resumed bf16 sweep failed"; }
grep -q "used $gemm on kernel set $kern, bf16 kernel $other; any run it starts or resumes here will use $gemm on kernel set $kern, bf16 kernel $bk" "$TMP/log" \
    && grep -q "LMSTAB_BF16_KERNEL=$other" "$TMP/log" || { cat "$TMP/log"; fail "no note naming both bf16 kernels"; }
exit 0
