set terminal pngcairo size 900,500 font ',10'
set output 'curves_strict.png'
set grid
set key outside right
set termoption noenhanced
set logscale x
set xlabel 'peak learning rate'
set ylabel 'P(fail)'
set yrange [-0.05:1.05]
set style fill transparent solid 0.15 noborder
set title 'Failure probability vs learning rate, rule strict (points: share of seeds that failed; line, band: fit, 95% bootstrap)'
plot 'data/curve_strict_baseline.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'baseline', 'data/curve_strict_baseline.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_strict_qk_norm.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'qk_norm', 'data/curve_strict_qk_norm.pts' using 1:2 with points pt 7 lc 2 notitle, 'data/curve_strict_qkv_norm.fit' using 1:3:4 with filledcurves lc 3 notitle, '' using 1:2 with lines lw 2 lc 3 title 'qkv_norm', 'data/curve_strict_qkv_norm.pts' using 1:2 with points pt 7 lc 3 notitle, 'data/curve_strict_qk_norm_cap.fit' using 1:3:4 with filledcurves lc 4 notitle, '' using 1:2 with lines lw 2 lc 4 title 'qk_norm_cap', 'data/curve_strict_qk_norm_cap.pts' using 1:2 with points pt 7 lc 4 notitle
set yrange [*:*]
unset logscale x
unset title
set terminal pngcairo size 900,500 font ',10'
set output 'curves_default.png'
set grid
set key outside right
set termoption noenhanced
set logscale x
set xlabel 'peak learning rate'
set ylabel 'P(fail)'
set yrange [-0.05:1.05]
set style fill transparent solid 0.15 noborder
set title 'Failure probability vs learning rate, rule default (points: share of seeds that failed; line, band: fit, 95% bootstrap)'
plot 'data/curve_default_baseline.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'baseline', 'data/curve_default_baseline.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_default_qk_norm.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'qk_norm', 'data/curve_default_qk_norm.pts' using 1:2 with points pt 7 lc 2 notitle, 'data/curve_default_qkv_norm.fit' using 1:3:4 with filledcurves lc 3 notitle, '' using 1:2 with lines lw 2 lc 3 title 'qkv_norm', 'data/curve_default_qkv_norm.pts' using 1:2 with points pt 7 lc 3 notitle, 'data/curve_default_qk_norm_cap.fit' using 1:3:4 with filledcurves lc 4 notitle, '' using 1:2 with lines lw 2 lc 4 title 'qk_norm_cap', 'data/curve_default_qk_norm_cap.pts' using 1:2 with points pt 7 lc 4 notitle
set yrange [*:*]
unset logscale x
unset title
set terminal pngcairo size 900,500 font ',10'
set output 'curves_lenient.png'
set grid
set key outside right
set termoption noenhanced
set logscale x
set xlabel 'peak learning rate'
set ylabel 'P(fail)'
set yrange [-0.05:1.05]
set style fill transparent solid 0.15 noborder
set title 'Failure probability vs learning rate, rule lenient (points: share of seeds that failed; line, band: fit, 95% bootstrap)'
plot 'data/curve_lenient_baseline.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'baseline', 'data/curve_lenient_baseline.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_lenient_qk_norm.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'qk_norm', 'data/curve_lenient_qk_norm.pts' using 1:2 with points pt 7 lc 2 notitle, 'data/curve_lenient_qkv_norm.fit' using 1:3:4 with filledcurves lc 3 notitle, '' using 1:2 with lines lw 2 lc 3 title 'qkv_norm', 'data/curve_lenient_qkv_norm.pts' using 1:2 with points pt 7 lc 3 notitle, 'data/curve_lenient_qk_norm_cap.fit' using 1:3:4 with filledcurves lc 4 notitle, '' using 1:2 with lines lw 2 lc 4 title 'qk_norm_cap', 'data/curve_lenient_qk_norm_cap.pts' using 1:2 with points pt 7 lc 4 notitle
set yrange [*:*]
unset logscale x
unset title
set terminal pngcairo size 900,500 font ',10'
set output 'val_vs_lr.png'
set grid
set key outside right
set termoption noenhanced
set logscale x
set xlabel 'peak learning rate'
set ylabel 'final validation loss (nats/byte)'
set title 'Final validation loss vs learning rate (mean +- std over the seeds run)'
plot 'data/val_baseline.dat' using 1:2:3 with yerrorlines lw 2 title 'baseline', 'data/val_qk_norm.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_norm', 'data/val_qkv_norm.dat' using 1:2:3 with yerrorlines lw 2 title 'qkv_norm', 'data/val_qk_norm_cap.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_norm_cap', 3.309084 with lines dt 2 lc 'black' title 'unigram entropy'
unset logscale x
set terminal pngcairo size 900,450 font ',10'
set output 'loss_baseline.png'
set grid
set key outside right
set termoption noenhanced
set title 'baseline: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_baseline_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_baseline_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_baseline_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_baseline_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_baseline_6.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_baseline_10.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_baseline_14.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_baseline_22.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_baseline_29.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_baseline_41.dat' using 1:2 with lines title 'lr 0.154', 'data/run_baseline_48.dat' using 1:2 with lines title 'lr 0.307', 'data/run_baseline_55.dat' using 1:2 with lines title 'lr 0.614', 'data/run_baseline_62.dat' using 1:2 with lines title 'lr 1.23', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_baseline.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'baseline: converging (lr 0.0768, solid) vs unstable (lr 0.154, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_baseline_29.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_baseline_41.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_baseline_29.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_baseline_41.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_baseline_29.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_baseline_41.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_baseline_29.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_baseline_41.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_baseline_29.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_41.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_baseline_29.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_41.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
set terminal pngcairo size 900,450 font ',10'
set output 'loss_qk_norm.png'
set grid
set key outside right
set termoption noenhanced
set title 'qk_norm: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_qk_norm_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qk_norm_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qk_norm_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qk_norm_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qk_norm_6.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qk_norm_10.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qk_norm_14.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qk_norm_22.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qk_norm_29.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_qk_norm_41.dat' using 1:2 with lines title 'lr 0.154', 'data/run_qk_norm_48.dat' using 1:2 with lines title 'lr 0.307', 'data/run_qk_norm_55.dat' using 1:2 with lines title 'lr 0.614', 'data/run_qk_norm_62.dat' using 1:2 with lines title 'lr 1.23', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm: converging (lr 0.0768, solid) vs unstable (lr 0.154, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_29.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_41.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_29.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_41.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_29.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_41.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_29.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_41.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_29.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_41.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_29.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_41.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
set terminal pngcairo size 900,450 font ',10'
set output 'loss_qkv_norm.png'
set grid
set key outside right
set termoption noenhanced
set title 'qkv_norm: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_qkv_norm_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qkv_norm_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qkv_norm_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qkv_norm_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qkv_norm_6.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qkv_norm_10.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qkv_norm_14.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qkv_norm_22.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qkv_norm_29.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_qkv_norm_41.dat' using 1:2 with lines title 'lr 0.154', 'data/run_qkv_norm_48.dat' using 1:2 with lines title 'lr 0.307', 'data/run_qkv_norm_55.dat' using 1:2 with lines title 'lr 0.614', 'data/run_qkv_norm_62.dat' using 1:2 with lines title 'lr 1.23', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qkv_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qkv_norm: converging (lr 0.0024, solid) vs unstable (lr 0.0048, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qkv_norm_3.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qkv_norm_6.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qkv_norm_3.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qkv_norm_6.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qkv_norm_3.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qkv_norm_6.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qkv_norm_3.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qkv_norm_6.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qkv_norm_3.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_6.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qkv_norm_3.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_6.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
set terminal pngcairo size 900,450 font ',10'
set output 'loss_qk_norm_cap.png'
set grid
set key outside right
set termoption noenhanced
set title 'qk_norm_cap: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_qk_norm_cap_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qk_norm_cap_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qk_norm_cap_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qk_norm_cap_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qk_norm_cap_6.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qk_norm_cap_10.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qk_norm_cap_14.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qk_norm_cap_22.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qk_norm_cap_29.dat' using 1:2 with lines title 'lr 0.0768', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm_cap.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm_cap: converging (lr 0.0192, solid) vs unstable (lr 0.0384, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_cap_14.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_cap_22.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_cap_14.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_cap_22.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_cap_14.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_cap_22.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_cap_14.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_cap_22.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_cap_14.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_22.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_cap_14.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_22.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
