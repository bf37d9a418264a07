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
plot 'data/curve_strict_baseline.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'baseline', 'data/curve_strict_baseline.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_strict_baseline_z.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'baseline_z', 'data/curve_strict_baseline_z.pts' using 1:2 with points pt 7 lc 2 notitle, 'data/curve_strict_qk_norm.fit' using 1:3:4 with filledcurves lc 3 notitle, '' using 1:2 with lines lw 2 lc 3 title 'qk_norm', 'data/curve_strict_qk_norm.pts' using 1:2 with points pt 7 lc 3 notitle, 'data/curve_strict_qk_norm_z.fit' using 1:3:4 with filledcurves lc 4 notitle, '' using 1:2 with lines lw 2 lc 4 title 'qk_norm_z', 'data/curve_strict_qk_norm_z.pts' using 1:2 with points pt 7 lc 4 notitle
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
plot 'data/curve_default_baseline.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'baseline', 'data/curve_default_baseline.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_default_baseline_z.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'baseline_z', 'data/curve_default_baseline_z.pts' using 1:2 with points pt 7 lc 2 notitle, 'data/curve_default_qk_norm.fit' using 1:3:4 with filledcurves lc 3 notitle, '' using 1:2 with lines lw 2 lc 3 title 'qk_norm', 'data/curve_default_qk_norm.pts' using 1:2 with points pt 7 lc 3 notitle, 'data/curve_default_qk_norm_z.fit' using 1:3:4 with filledcurves lc 4 notitle, '' using 1:2 with lines lw 2 lc 4 title 'qk_norm_z', 'data/curve_default_qk_norm_z.pts' using 1:2 with points pt 7 lc 4 notitle
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
plot 'data/curve_lenient_baseline.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'baseline', 'data/curve_lenient_baseline.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_lenient_baseline_z.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'baseline_z', 'data/curve_lenient_baseline_z.pts' using 1:2 with points pt 7 lc 2 notitle, 'data/curve_lenient_qk_norm.fit' using 1:3:4 with filledcurves lc 3 notitle, '' using 1:2 with lines lw 2 lc 3 title 'qk_norm', 'data/curve_lenient_qk_norm.pts' using 1:2 with points pt 7 lc 3 notitle, 'data/curve_lenient_qk_norm_z.fit' using 1:3:4 with filledcurves lc 4 notitle, '' using 1:2 with lines lw 2 lc 4 title 'qk_norm_z', 'data/curve_lenient_qk_norm_z.pts' using 1:2 with points pt 7 lc 4 notitle
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
plot 'data/val_baseline.dat' using 1:2:3 with yerrorlines lw 2 title 'baseline', 'data/val_baseline_z.dat' using 1:2:3 with yerrorlines lw 2 title 'baseline_z', 'data/val_qk_norm.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_norm', 'data/val_qk_norm_z.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_norm_z', 6.140090 with lines dt 2 lc 'black' title 'unigram entropy'
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
plot 'data/run_baseline_2.dat' using 1:2 with lines title 'lr 0.01', 'data/run_baseline_5.dat' using 1:2 with lines title 'lr 0.015', 'data/run_baseline_8.dat' using 1:2 with lines title 'lr 0.0225', 'data/run_baseline_11.dat' using 1:2 with lines title 'lr 0.0338', 'data/run_baseline_15.dat' using 1:2 with lines title 'lr 0.0506', 'data/run_baseline_20.dat' using 1:2 with lines title 'lr 0.0737', 'data/run_baseline_21.dat' using 1:2 with lines title 'lr 0.0759', 'data/run_baseline_24.dat' using 1:2 with lines title 'lr 0.0884', 'data/run_baseline_27.dat' using 1:2 with lines title 'lr 0.106', 'data/run_baseline_28.dat' using 1:2 with lines title 'lr 0.114', 'data/run_baseline_30.dat' using 1:2 with lines title 'lr 0.127', 'data/run_baseline_33.dat' using 1:2 with lines title 'lr 0.153', 'data/run_baseline_36.dat' using 1:2 with lines title 'lr 0.171', 'data/run_baseline_37.dat' using 1:2 with lines title 'lr 0.183', 'data/run_baseline_40.dat' using 1:2 with lines title 'lr 0.22', 'data/run_baseline_43.dat' using 1:2 with lines title 'lr 0.256', 'data/run_baseline_44.dat' using 1:2 with lines title 'lr 0.264', 'data/run_baseline_49.dat' using 1:2 with lines title 'lr 0.384', 'data/run_baseline_53.dat' using 1:2 with lines title 'lr 0.577', 'data/run_baseline_55.dat' using 1:2 with lines title 'lr 0.865', 6.140090 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_baseline.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'baseline: converging (lr 0.171, solid) vs unstable (lr 0.256, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_baseline_36.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_baseline_43.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_baseline_36.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_baseline_43.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_baseline_36.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_baseline_43.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_baseline_36.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_baseline_43.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_baseline_36.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_43.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_baseline_36.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_43.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
set terminal pngcairo size 900,450 font ',10'
set output 'loss_baseline_z.png'
set grid
set key outside right
set termoption noenhanced
set title 'baseline_z: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_baseline_z_2.dat' using 1:2 with lines title 'lr 0.01', 'data/run_baseline_z_5.dat' using 1:2 with lines title 'lr 0.015', 'data/run_baseline_z_8.dat' using 1:2 with lines title 'lr 0.0225', 'data/run_baseline_z_11.dat' using 1:2 with lines title 'lr 0.0338', 'data/run_baseline_z_14.dat' using 1:2 with lines title 'lr 0.0467', 'data/run_baseline_z_15.dat' using 1:2 with lines title 'lr 0.0506', 'data/run_baseline_z_17.dat' using 1:2 with lines title 'lr 0.0561', 'data/run_baseline_z_18.dat' using 1:2 with lines title 'lr 0.0673', 'data/run_baseline_z_21.dat' using 1:2 with lines title 'lr 0.0759', 'data/run_baseline_z_22.dat' using 1:2 with lines title 'lr 0.0807', 'data/run_baseline_z_25.dat' using 1:2 with lines title 'lr 0.0969', 'data/run_baseline_z_28.dat' using 1:2 with lines title 'lr 0.114', 'data/run_baseline_z_29.dat' using 1:2 with lines title 'lr 0.116', 'data/run_baseline_z_32.dat' using 1:2 with lines title 'lr 0.14', 'data/run_baseline_z_35.dat' using 1:2 with lines title 'lr 0.167', 'data/run_baseline_z_36.dat' using 1:2 with lines title 'lr 0.171', 'data/run_baseline_z_39.dat' using 1:2 with lines title 'lr 0.201', 'data/run_baseline_z_41.dat' using 1:2 with lines title 'lr 0.241', 'data/run_baseline_z_43.dat' using 1:2 with lines title 'lr 0.256', 'data/run_baseline_z_45.dat' using 1:2 with lines title 'lr 0.289', 'data/run_baseline_z_47.dat' using 1:2 with lines title 'lr 0.347', 'data/run_baseline_z_49.dat' using 1:2 with lines title 'lr 0.384', 'data/run_baseline_z_50.dat' using 1:2 with lines title 'lr 0.417', 'data/run_baseline_z_53.dat' using 1:2 with lines title 'lr 0.577', 'data/run_baseline_z_55.dat' using 1:2 with lines title 'lr 0.865', 6.140090 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_baseline_z.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'baseline_z: converging (lr 0.0759, solid) vs unstable (lr 0.114, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_baseline_z_21.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_baseline_z_28.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_baseline_z_21.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_baseline_z_28.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_baseline_z_21.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_baseline_z_28.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_baseline_z_21.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_baseline_z_28.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_baseline_z_21.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_z_28.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_baseline_z_21.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_z_28.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_0.dat' using 1:2 with lines title 'lr 0.00667', 'data/run_qk_norm_1.dat' using 1:2 with lines title 'lr 0.00824', 'data/run_qk_norm_2.dat' using 1:2 with lines title 'lr 0.01', 'data/run_qk_norm_3.dat' using 1:2 with lines title 'lr 0.0102', 'data/run_qk_norm_4.dat' using 1:2 with lines title 'lr 0.0126', 'data/run_qk_norm_5.dat' using 1:2 with lines title 'lr 0.015', 'data/run_qk_norm_6.dat' using 1:2 with lines title 'lr 0.0155', 'data/run_qk_norm_7.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qk_norm_8.dat' using 1:2 with lines title 'lr 0.0225', 'data/run_qk_norm_9.dat' using 1:2 with lines title 'lr 0.0237', 'data/run_qk_norm_10.dat' using 1:2 with lines title 'lr 0.0293', 'data/run_qk_norm_11.dat' using 1:2 with lines title 'lr 0.0338', 'data/run_qk_norm_12.dat' using 1:2 with lines title 'lr 0.0362', 'data/run_qk_norm_13.dat' using 1:2 with lines title 'lr 0.0447', 'data/run_qk_norm_15.dat' using 1:2 with lines title 'lr 0.0506', 'data/run_qk_norm_16.dat' using 1:2 with lines title 'lr 0.0553', 'data/run_qk_norm_19.dat' using 1:2 with lines title 'lr 0.0683', 'data/run_qk_norm_21.dat' using 1:2 with lines title 'lr 0.0759', 'data/run_qk_norm_23.dat' using 1:2 with lines title 'lr 0.0844', 'data/run_qk_norm_26.dat' using 1:2 with lines title 'lr 0.104', 'data/run_qk_norm_28.dat' using 1:2 with lines title 'lr 0.114', 'data/run_qk_norm_31.dat' using 1:2 with lines title 'lr 0.129', 'data/run_qk_norm_34.dat' using 1:2 with lines title 'lr 0.159', 'data/run_qk_norm_36.dat' using 1:2 with lines title 'lr 0.171', 'data/run_qk_norm_38.dat' using 1:2 with lines title 'lr 0.197', 'data/run_qk_norm_42.dat' using 1:2 with lines title 'lr 0.243', 'data/run_qk_norm_43.dat' using 1:2 with lines title 'lr 0.256', 'data/run_qk_norm_46.dat' using 1:2 with lines title 'lr 0.3', 'data/run_qk_norm_48.dat' using 1:2 with lines title 'lr 0.371', 'data/run_qk_norm_49.dat' using 1:2 with lines title 'lr 0.384', 'data/run_qk_norm_53.dat' using 1:2 with lines title 'lr 0.577', 'data/run_qk_norm_55.dat' using 1:2 with lines title 'lr 0.865', 6.140090 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm: converging (lr 0.015, solid) vs unstable (lr 0.0225, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_5.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_8.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_5.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_8.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_5.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_8.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_5.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_8.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_5.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_8.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_5.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_8.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
set terminal pngcairo size 900,450 font ',10'
set output 'loss_qk_norm_z.png'
set grid
set key outside right
set termoption noenhanced
set title 'qk_norm_z: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_qk_norm_z_2.dat' using 1:2 with lines title 'lr 0.01', 'data/run_qk_norm_z_5.dat' using 1:2 with lines title 'lr 0.015', 'data/run_qk_norm_z_8.dat' using 1:2 with lines title 'lr 0.0225', 'data/run_qk_norm_z_11.dat' using 1:2 with lines title 'lr 0.0338', 'data/run_qk_norm_z_15.dat' using 1:2 with lines title 'lr 0.0506', 'data/run_qk_norm_z_21.dat' using 1:2 with lines title 'lr 0.0759', 'data/run_qk_norm_z_28.dat' using 1:2 with lines title 'lr 0.114', 'data/run_qk_norm_z_36.dat' using 1:2 with lines title 'lr 0.171', 'data/run_qk_norm_z_43.dat' using 1:2 with lines title 'lr 0.256', 'data/run_qk_norm_z_49.dat' using 1:2 with lines title 'lr 0.384', 'data/run_qk_norm_z_53.dat' using 1:2 with lines title 'lr 0.577', 'data/run_qk_norm_z_55.dat' using 1:2 with lines title 'lr 0.865', 6.140090 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm_z.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm_z: converging (lr 0.015, solid) vs unstable (lr 0.0225, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_z_5.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_z_8.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_z_5.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_z_8.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_z_5.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_z_8.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_z_5.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_z_8.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_z_5.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_z_8.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_z_5.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_z_8.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
