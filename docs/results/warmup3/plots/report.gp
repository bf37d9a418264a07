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
plot 'data/curve_strict_qk_norm.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'qk_norm', 'data/curve_strict_qk_norm.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_strict_qk_norm_cap.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'qk_norm_cap', 'data/curve_strict_qk_norm_cap.pts' using 1:2 with points pt 7 lc 2 notitle
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
plot 'data/curve_default_qk_norm.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'qk_norm', 'data/curve_default_qk_norm.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_default_qk_norm_cap.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'qk_norm_cap', 'data/curve_default_qk_norm_cap.pts' using 1:2 with points pt 7 lc 2 notitle
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
plot 'data/curve_lenient_qk_norm.fit' using 1:3:4 with filledcurves lc 1 notitle, '' using 1:2 with lines lw 2 lc 1 title 'qk_norm', 'data/curve_lenient_qk_norm.pts' using 1:2 with points pt 7 lc 1 notitle, 'data/curve_lenient_qk_norm_cap.fit' using 1:3:4 with filledcurves lc 2 notitle, '' using 1:2 with lines lw 2 lc 2 title 'qk_norm_cap', 'data/curve_lenient_qk_norm_cap.pts' using 1:2 with points pt 7 lc 2 notitle
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
plot 'data/val_qk_norm.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_norm', 'data/val_qk_norm_cap.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_norm_cap', 3.309084 with lines dt 2 lc 'black' title 'unigram entropy'
unset logscale x
set terminal pngcairo size 900,450 font ',10'
set output 'loss_qk_norm.png'
set grid
set key outside right
set termoption noenhanced
set title 'qk_norm: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_qk_norm_0.dat' using 1:2 with lines title 'lr 0.03', 'data/run_qk_norm_1.dat' using 1:2 with lines title 'lr 0.045', 'data/run_qk_norm_3.dat' using 1:2 with lines title 'lr 0.0675', 'data/run_qk_norm_6.dat' using 1:2 with lines title 'lr 0.1', 'data/run_qk_norm_7.dat' using 1:2 with lines title 'lr 0.101', 'data/run_qk_norm_9.dat' using 1:2 with lines title 'lr 0.12', 'data/run_qk_norm_11.dat' using 1:2 with lines title 'lr 0.144', 'data/run_qk_norm_12.dat' using 1:2 with lines title 'lr 0.152', 'data/run_qk_norm_14.dat' using 1:2 with lines title 'lr 0.173', 'data/run_qk_norm_16.dat' using 1:2 with lines title 'lr 0.208', 'data/run_qk_norm_17.dat' using 1:2 with lines title 'lr 0.228', 'data/run_qk_norm_19.dat' using 1:2 with lines title 'lr 0.25', 'data/run_qk_norm_21.dat' using 1:2 with lines title 'lr 0.299', 'data/run_qk_norm_23.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qk_norm_24.dat' using 1:2 with lines title 'lr 0.359', 'data/run_qk_norm_26.dat' using 1:2 with lines title 'lr 0.431', 'data/run_qk_norm_28.dat' using 1:2 with lines title 'lr 0.513', 'data/run_qk_norm_29.dat' using 1:2 with lines title 'lr 0.517', 'data/run_qk_norm_32.dat' using 1:2 with lines title 'lr 0.769', 'data/run_qk_norm_35.dat' using 1:2 with lines title 'lr 1.15', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm: converging (lr 0.101, solid) vs unstable (lr 0.152, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_7.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_12.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_7.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_12.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_7.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_12.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_7.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_12.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_7.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_12.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_7.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_12.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_cap_0.dat' using 1:2 with lines title 'lr 0.03', 'data/run_qk_norm_cap_1.dat' using 1:2 with lines title 'lr 0.045', 'data/run_qk_norm_cap_2.dat' using 1:2 with lines title 'lr 0.0649', 'data/run_qk_norm_cap_3.dat' using 1:2 with lines title 'lr 0.0675', 'data/run_qk_norm_cap_4.dat' using 1:2 with lines title 'lr 0.0779', 'data/run_qk_norm_cap_5.dat' using 1:2 with lines title 'lr 0.0934', 'data/run_qk_norm_cap_7.dat' using 1:2 with lines title 'lr 0.101', 'data/run_qk_norm_cap_8.dat' using 1:2 with lines title 'lr 0.112', 'data/run_qk_norm_cap_10.dat' using 1:2 with lines title 'lr 0.135', 'data/run_qk_norm_cap_12.dat' using 1:2 with lines title 'lr 0.152', 'data/run_qk_norm_cap_13.dat' using 1:2 with lines title 'lr 0.162', 'data/run_qk_norm_cap_15.dat' using 1:2 with lines title 'lr 0.194', 'data/run_qk_norm_cap_17.dat' using 1:2 with lines title 'lr 0.228', 'data/run_qk_norm_cap_18.dat' using 1:2 with lines title 'lr 0.233', 'data/run_qk_norm_cap_20.dat' using 1:2 with lines title 'lr 0.279', 'data/run_qk_norm_cap_22.dat' using 1:2 with lines title 'lr 0.335', 'data/run_qk_norm_cap_23.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qk_norm_cap_25.dat' using 1:2 with lines title 'lr 0.402', 'data/run_qk_norm_cap_27.dat' using 1:2 with lines title 'lr 0.482', 'data/run_qk_norm_cap_28.dat' using 1:2 with lines title 'lr 0.513', 'data/run_qk_norm_cap_30.dat' using 1:2 with lines title 'lr 0.579', 'data/run_qk_norm_cap_31.dat' using 1:2 with lines title 'lr 0.694', 'data/run_qk_norm_cap_32.dat' using 1:2 with lines title 'lr 0.769', 'data/run_qk_norm_cap_33.dat' using 1:2 with lines title 'lr 0.833', 'data/run_qk_norm_cap_34.dat' using 1:2 with lines title 'lr 1', 'data/run_qk_norm_cap_35.dat' using 1:2 with lines title 'lr 1.15', 'data/run_qk_norm_cap_36.dat' using 1:2 with lines title 'lr 1.2', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm_cap.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm_cap: converging (lr 0.101, solid) vs unstable (lr 0.152, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_cap_7.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_cap_12.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_cap_7.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_cap_12.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_cap_7.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_cap_12.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_cap_7.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_cap_12.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_cap_7.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_12.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_cap_7.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_12.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
