# The main job (scripts/experiment.sh, the README's first command) on a
# tiny sweep: it runs the sweep, reports, and ends with the report's
# sentence and where the report is; run again, it redoes no run and says
# the same.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
cat > "$TMP/tiny.ini" <<EOT
[sweep]
variants = baseline, qk_norm
reference = qk_norm
configs_dir = $SRC/configs
lr_min = 0.05
lr_max = 0.2
lr_ratio = 4
seeds = 1-2
grid_seeds = 2
jobs = 2

[overrides]
$TINY_OVERRIDES
training.max_steps = 20
training.warmup_steps = 4
training.eval_every = 10
training.eval_batches = 2
EOT
LMSTAB="$LMSTAB" sh "$SRC/scripts/experiment.sh" "$TMP/tiny.ini" "$TMP/corpus.txt" "$TMP/out" > "$TMP/o1" 2> "$TMP/e1" \
    || { cat "$TMP/e1" "$TMP/o1"; fail "the main job failed"; }
[ "$(find "$TMP/out" -name summary.json | wc -l)" -eq 8 ] || fail "expected 8 runs"
[ "$(grep -c '^\[' "$TMP/e1")" -eq 8 ] || { cat "$TMP/e1"; fail "expected a [k/N] line per run"; }
for f in report.md report.html; do [ -s "$TMP/out/$f" ] || fail "no $f"; done
# the last lines: a blank, the report's first line (a sentence on the
# runs), and where the report is
tail -1 "$TMP/o1" | grep -qxF "report: $TMP/out/report.md (and report.html, plots in $TMP/out/plots/)" \
    || { cat "$TMP/o1"; fail "no line saying where the report is"; }
sentence=$(tail -2 "$TMP/o1" | head -1)
[ "$sentence" = "$("$LMSTAB" report "$TMP/out" | sed -n 1p)" ] && [ -n "$sentence" ] \
    || { cat "$TMP/o1"; fail "the line before it is not the report's sentence"; }
# resumed: no run redone, the same ending
LMSTAB="$LMSTAB" sh "$SRC/scripts/experiment.sh" "$TMP/tiny.ini" "$TMP/corpus.txt" "$TMP/out" > "$TMP/o2" 2> "$TMP/e2" \
    || { cat "$TMP/e2"; fail "the main job failed when run again"; }
grep -q '^\[' "$TMP/e2" && { cat "$TMP/e2"; fail "run again, the main job redid runs"; }
[ "$(tail -2 "$TMP/o1")" = "$(tail -2 "$TMP/o2")" ] || { diff "$TMP/o1" "$TMP/o2"; fail "run again, it says something else"; }
echo ok
