# mpirun -np 2 lmstab sweep: whole runs handed to ranks; the result directory
# has the same content as a single-process sweep (apart from timings); an
# interrupted sweep resumes.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
cat > "$TMP/s.ini" <<EOT
[sweep]
variants = baseline, qk_norm
configs_dir = $SRC/configs
lr_min = 0.01
lr_max = 0.09
lr_ratio = 3
seeds = 1, 2
boundary_seeds = 2
jobs = 2

[overrides]
model.d_model = 32
model.n_layer = 2
model.n_head = 2
model.context = 32
training.batch_size = 4
training.max_steps = 10
training.warmup_steps = 2
training.eval_every = 5
training.eval_batches = 2
EOT
run_sweep() { out="$1"; shift; "$@" sweep "${INI:-$TMP/s.ini}" --out "$out" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet; }
run_sweep "$TMP/single" "$LMSTAB" > "$TMP/t1" || fail "single sweep failed"
run_sweep "$TMP/mpi" $MPI "$LMSTAB" > "$TMP/t2" 2> "$TMP/mpi.log" || { cat "$TMP/mpi.log"; fail "mpi sweep failed"; }
cmp -s "$TMP/t1" "$TMP/t2" || { diff "$TMP/t1" "$TMP/t2"; fail "tables differ"; }
# same runs, same numbers (timing columns aside)
(cd "$TMP/single" && find . -name summary.json | sort) > "$TMP/l1"
(cd "$TMP/mpi" && find . -name summary.json | sort) > "$TMP/l2"
cmp -s "$TMP/l1" "$TMP/l2" || fail "different set of runs"
cut -d, -f1-9 "$TMP/single/results.csv" > "$TMP/r1"; cut -d, -f1-9 "$TMP/mpi/results.csv" > "$TMP/r2"
cmp -s "$TMP/r1" "$TMP/r2" || { diff "$TMP/r1" "$TMP/r2"; fail "results differ"; }
for f in $(cat "$TMP/l1"); do
    d=$(dirname "$f")
    cut -d, -f1-5 "$TMP/single/$d/metrics.csv" > "$TMP/m1"; cut -d, -f1-5 "$TMP/mpi/$d/metrics.csv" > "$TMP/m2"
    cmp -s "$TMP/m1" "$TMP/m2" || fail "metrics differ in $d"
done
# resume: drop two runs, rerun under MPI, only those are redone
rm "$TMP/mpi/baseline/lr_0.03/seed_1/summary.json" "$TMP/mpi/qk_norm/lr_0.01/seed_1/summary.json"
run_sweep "$TMP/mpi" $MPI "$LMSTAB" > "$TMP/t3" 2> /dev/null || fail "resumed mpi sweep failed"
cmp -s "$TMP/t1" "$TMP/t3" || fail "resumed table differs"
# a run that fails (its metrics.csv on a full device: /dev/full) stops
# the sweep with the run's own error, from whichever rank ran it
sed -e 's/^variants = .*/variants = baseline/' -e 's/^lr_max = .*/lr_max = 0.01/' \
    -e 's/^seeds = .*/seeds = 1/' -e 's/^boundary_seeds = .*/boundary_seeds = 1/' "$TMP/s.ini" > "$TMP/f.ini"
run="$TMP/full/baseline/lr_0.01/seed_1"
mkdir -p "$run" && ln -s /dev/full "$run/metrics.csv"
INI="$TMP/f.ini" run_sweep "$TMP/full" $MPI "$LMSTAB" > /dev/null 2> "$TMP/f.log" && fail "a sweep whose run cannot write exited 0"
grep -qF "lmstab: error: run $run failed (on rank " "$TMP/f.log" \
    && grep -qF ", status 1: $run/metrics.csv: cannot write: No space left on device" "$TMP/f.log" \
    || { cat "$TMP/f.log"; fail "the sweep does not quote its failed run's error"; }
echo ok
