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
plot 'data/run_baseline_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_baseline_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_baseline_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_baseline_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_baseline_4.dat' using 1:2 with lines title 'lr 0.0048', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
