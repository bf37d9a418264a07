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
plot 'data/run_baseline_0.dat' using 1:2 with lines title 'lr 0.000347', 'data/run_baseline_1.dat' using 1:2 with lines title 'lr 0.00052', 'data/run_baseline_2.dat' using 1:2 with lines title 'lr 0.00078', 'data/run_baseline_3.dat' using 1:2 with lines title 'lr 0.00117', 'data/run_baseline_4.dat' using 1:2 with lines title 'lr 0.00176', 'data/run_baseline_5.dat' using 1:2 with lines title 'lr 0.00263', 'data/run_baseline_6.dat' using 1:2 with lines title 'lr 0.00395', 'data/run_baseline_7.dat' using 1:2 with lines title 'lr 0.00593', 'data/run_baseline_8.dat' using 1:2 with lines title 'lr 0.00889', 'data/run_baseline_11.dat' using 1:2 with lines title 'lr 0.0133', 'data/run_baseline_13.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_baseline_15.dat' using 1:2 with lines title 'lr 0.02', 'data/run_baseline_16.dat' using 1:2 with lines title 'lr 0.0231', 'data/run_baseline_18.dat' using 1:2 with lines title 'lr 0.0277', 'data/run_baseline_20.dat' using 1:2 with lines title 'lr 0.03', 'data/run_baseline_21.dat' using 1:2 with lines title 'lr 0.0332', 'data/run_baseline_23.dat' using 1:2 with lines title 'lr 0.0399', 'data/run_baseline_25.dat' using 1:2 with lines title 'lr 0.045', 'data/run_baseline_26.dat' using 1:2 with lines title 'lr 0.0478', 'data/run_baseline_28.dat' using 1:2 with lines title 'lr 0.0574', 'data/run_baseline_30.dat' using 1:2 with lines title 'lr 0.0675', 'data/run_baseline_31.dat' using 1:2 with lines title 'lr 0.0689', 'data/run_baseline_33.dat' using 1:2 with lines title 'lr 0.0827', 'data/run_baseline_35.dat' using 1:2 with lines title 'lr 0.0992', 'data/run_baseline_36.dat' using 1:2 with lines title 'lr 0.101', 'data/run_baseline_38.dat' using 1:2 with lines title 'lr 0.119', 'data/run_baseline_40.dat' using 1:2 with lines title 'lr 0.143', 'data/run_baseline_41.dat' using 1:2 with lines title 'lr 0.152', 'data/run_baseline_43.dat' using 1:2 with lines title 'lr 0.171', 'data/run_baseline_45.dat' using 1:2 with lines title 'lr 0.206', 'data/run_baseline_48.dat' using 1:2 with lines title 'lr 0.228', 'data/run_baseline_50.dat' using 1:2 with lines title 'lr 0.247', 'data/run_baseline_54.dat' using 1:2 with lines title 'lr 0.296', 'data/run_baseline_57.dat' using 1:2 with lines title 'lr 0.342', 'data/run_baseline_59.dat' using 1:2 with lines title 'lr 0.355', 'data/run_baseline_65.dat' using 1:2 with lines title 'lr 0.513', 'data/run_baseline_73.dat' using 1:2 with lines title 'lr 0.769', 'data/run_baseline_78.dat' using 1:2 with lines title 'lr 1.15', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_baseline.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'baseline: converging (lr 0.02, solid) vs unstable (lr 0.03, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_baseline_15.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_baseline_20.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_baseline_15.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_baseline_20.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_baseline_15.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_baseline_20.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_baseline_15.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_baseline_20.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_baseline_15.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_20.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_baseline_15.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_20.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_0.dat' using 1:2 with lines title 'lr 0.000347', 'data/run_qk_norm_1.dat' using 1:2 with lines title 'lr 0.00052', 'data/run_qk_norm_2.dat' using 1:2 with lines title 'lr 0.00078', 'data/run_qk_norm_3.dat' using 1:2 with lines title 'lr 0.00117', 'data/run_qk_norm_4.dat' using 1:2 with lines title 'lr 0.00176', 'data/run_qk_norm_5.dat' using 1:2 with lines title 'lr 0.00263', 'data/run_qk_norm_6.dat' using 1:2 with lines title 'lr 0.00395', 'data/run_qk_norm_7.dat' using 1:2 with lines title 'lr 0.00593', 'data/run_qk_norm_8.dat' using 1:2 with lines title 'lr 0.00889', 'data/run_qk_norm_11.dat' using 1:2 with lines title 'lr 0.0133', 'data/run_qk_norm_15.dat' using 1:2 with lines title 'lr 0.02', 'data/run_qk_norm_20.dat' using 1:2 with lines title 'lr 0.03', 'data/run_qk_norm_25.dat' using 1:2 with lines title 'lr 0.045', 'data/run_qk_norm_30.dat' using 1:2 with lines title 'lr 0.0675', 'data/run_qk_norm_36.dat' using 1:2 with lines title 'lr 0.101', 'data/run_qk_norm_41.dat' using 1:2 with lines title 'lr 0.152', 'data/run_qk_norm_47.dat' using 1:2 with lines title 'lr 0.226', 'data/run_qk_norm_48.dat' using 1:2 with lines title 'lr 0.228', 'data/run_qk_norm_52.dat' using 1:2 with lines title 'lr 0.271', 'data/run_qk_norm_56.dat' using 1:2 with lines title 'lr 0.325', 'data/run_qk_norm_57.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qk_norm_61.dat' using 1:2 with lines title 'lr 0.39', 'data/run_qk_norm_64.dat' using 1:2 with lines title 'lr 0.468', 'data/run_qk_norm_65.dat' using 1:2 with lines title 'lr 0.513', 'data/run_qk_norm_68.dat' using 1:2 with lines title 'lr 0.561', 'data/run_qk_norm_71.dat' using 1:2 with lines title 'lr 0.674', 'data/run_qk_norm_73.dat' using 1:2 with lines title 'lr 0.769', 'data/run_qk_norm_74.dat' using 1:2 with lines title 'lr 0.809', 'data/run_qk_norm_76.dat' using 1:2 with lines title 'lr 0.97', 'data/run_qk_norm_78.dat' using 1:2 with lines title 'lr 1.15', 'data/run_qk_norm_79.dat' using 1:2 with lines title 'lr 1.16', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm: converging (lr 0.228, solid) vs unstable (lr 0.342, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_48.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_57.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_48.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_57.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_48.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_57.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_48.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_57.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_48.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_57.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_48.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_57.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qkv_norm_0.dat' using 1:2 with lines title 'lr 0.000347', 'data/run_qkv_norm_1.dat' using 1:2 with lines title 'lr 0.00052', 'data/run_qkv_norm_2.dat' using 1:2 with lines title 'lr 0.00078', 'data/run_qkv_norm_3.dat' using 1:2 with lines title 'lr 0.00117', 'data/run_qkv_norm_4.dat' using 1:2 with lines title 'lr 0.00176', 'data/run_qkv_norm_5.dat' using 1:2 with lines title 'lr 0.00263', 'data/run_qkv_norm_6.dat' using 1:2 with lines title 'lr 0.00395', 'data/run_qkv_norm_7.dat' using 1:2 with lines title 'lr 0.00593', 'data/run_qkv_norm_8.dat' using 1:2 with lines title 'lr 0.00889', 'data/run_qkv_norm_9.dat' using 1:2 with lines title 'lr 0.0108', 'data/run_qkv_norm_10.dat' using 1:2 with lines title 'lr 0.0131', 'data/run_qkv_norm_11.dat' using 1:2 with lines title 'lr 0.0133', 'data/run_qkv_norm_12.dat' using 1:2 with lines title 'lr 0.0159', 'data/run_qkv_norm_14.dat' using 1:2 with lines title 'lr 0.0193', 'data/run_qkv_norm_15.dat' using 1:2 with lines title 'lr 0.02', 'data/run_qkv_norm_17.dat' using 1:2 with lines title 'lr 0.0234', 'data/run_qkv_norm_19.dat' using 1:2 with lines title 'lr 0.0284', 'data/run_qkv_norm_20.dat' using 1:2 with lines title 'lr 0.03', 'data/run_qkv_norm_22.dat' using 1:2 with lines title 'lr 0.0345', 'data/run_qkv_norm_24.dat' using 1:2 with lines title 'lr 0.0419', 'data/run_qkv_norm_25.dat' using 1:2 with lines title 'lr 0.045', 'data/run_qkv_norm_27.dat' using 1:2 with lines title 'lr 0.0509', 'data/run_qkv_norm_29.dat' using 1:2 with lines title 'lr 0.0618', 'data/run_qkv_norm_30.dat' using 1:2 with lines title 'lr 0.0675', 'data/run_qkv_norm_32.dat' using 1:2 with lines title 'lr 0.075', 'data/run_qkv_norm_34.dat' using 1:2 with lines title 'lr 0.0911', 'data/run_qkv_norm_36.dat' using 1:2 with lines title 'lr 0.101', 'data/run_qkv_norm_37.dat' using 1:2 with lines title 'lr 0.111', 'data/run_qkv_norm_39.dat' using 1:2 with lines title 'lr 0.134', 'data/run_qkv_norm_41.dat' using 1:2 with lines title 'lr 0.152', 'data/run_qkv_norm_42.dat' using 1:2 with lines title 'lr 0.163', 'data/run_qkv_norm_44.dat' using 1:2 with lines title 'lr 0.198', 'data/run_qkv_norm_48.dat' using 1:2 with lines title 'lr 0.228', 'data/run_qkv_norm_49.dat' using 1:2 with lines title 'lr 0.24', 'data/run_qkv_norm_53.dat' using 1:2 with lines title 'lr 0.292', 'data/run_qkv_norm_57.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qkv_norm_58.dat' using 1:2 with lines title 'lr 0.354', 'data/run_qkv_norm_62.dat' using 1:2 with lines title 'lr 0.43', 'data/run_qkv_norm_65.dat' using 1:2 with lines title 'lr 0.513', 'data/run_qkv_norm_66.dat' using 1:2 with lines title 'lr 0.522', 'data/run_qkv_norm_70.dat' using 1:2 with lines title 'lr 0.633', 'data/run_qkv_norm_73.dat' using 1:2 with lines title 'lr 0.769', 'data/run_qkv_norm_78.dat' using 1:2 with lines title 'lr 1.15', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qkv_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qkv_norm: converging (lr 0.00593, solid) vs unstable (lr 0.00889, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qkv_norm_7.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qkv_norm_8.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qkv_norm_7.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qkv_norm_8.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qkv_norm_7.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qkv_norm_8.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qkv_norm_7.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qkv_norm_8.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qkv_norm_7.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_8.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qkv_norm_7.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_8.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_cap_0.dat' using 1:2 with lines title 'lr 0.000347', 'data/run_qk_norm_cap_1.dat' using 1:2 with lines title 'lr 0.00052', 'data/run_qk_norm_cap_2.dat' using 1:2 with lines title 'lr 0.00078', 'data/run_qk_norm_cap_3.dat' using 1:2 with lines title 'lr 0.00117', 'data/run_qk_norm_cap_4.dat' using 1:2 with lines title 'lr 0.00176', 'data/run_qk_norm_cap_5.dat' using 1:2 with lines title 'lr 0.00263', 'data/run_qk_norm_cap_6.dat' using 1:2 with lines title 'lr 0.00395', 'data/run_qk_norm_cap_7.dat' using 1:2 with lines title 'lr 0.00593', 'data/run_qk_norm_cap_8.dat' using 1:2 with lines title 'lr 0.00889', 'data/run_qk_norm_cap_11.dat' using 1:2 with lines title 'lr 0.0133', 'data/run_qk_norm_cap_15.dat' using 1:2 with lines title 'lr 0.02', 'data/run_qk_norm_cap_20.dat' using 1:2 with lines title 'lr 0.03', 'data/run_qk_norm_cap_25.dat' using 1:2 with lines title 'lr 0.045', 'data/run_qk_norm_cap_30.dat' using 1:2 with lines title 'lr 0.0675', 'data/run_qk_norm_cap_36.dat' using 1:2 with lines title 'lr 0.101', 'data/run_qk_norm_cap_41.dat' using 1:2 with lines title 'lr 0.152', 'data/run_qk_norm_cap_46.dat' using 1:2 with lines title 'lr 0.21', 'data/run_qk_norm_cap_48.dat' using 1:2 with lines title 'lr 0.228', 'data/run_qk_norm_cap_51.dat' using 1:2 with lines title 'lr 0.252', 'data/run_qk_norm_cap_55.dat' using 1:2 with lines title 'lr 0.303', 'data/run_qk_norm_cap_57.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qk_norm_cap_60.dat' using 1:2 with lines title 'lr 0.363', 'data/run_qk_norm_cap_63.dat' using 1:2 with lines title 'lr 0.436', 'data/run_qk_norm_cap_65.dat' using 1:2 with lines title 'lr 0.513', 'data/run_qk_norm_cap_67.dat' using 1:2 with lines title 'lr 0.523', 'data/run_qk_norm_cap_69.dat' using 1:2 with lines title 'lr 0.628', 'data/run_qk_norm_cap_72.dat' using 1:2 with lines title 'lr 0.753', 'data/run_qk_norm_cap_73.dat' using 1:2 with lines title 'lr 0.769', 'data/run_qk_norm_cap_75.dat' using 1:2 with lines title 'lr 0.904', 'data/run_qk_norm_cap_77.dat' using 1:2 with lines title 'lr 1.08', 'data/run_qk_norm_cap_78.dat' using 1:2 with lines title 'lr 1.15', 'data/run_qk_norm_cap_80.dat' using 1:2 with lines title 'lr 1.3', 'data/run_qk_norm_cap_81.dat' using 1:2 with lines title 'lr 1.56', 'data/run_qk_norm_cap_82.dat' using 1:2 with lines title 'lr 1.88', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm_cap.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm_cap: converging (lr 0.228, solid) vs unstable (lr 0.342, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_cap_48.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_cap_57.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_cap_48.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_cap_57.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_cap_48.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_cap_57.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_cap_48.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_cap_57.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_cap_48.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_57.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_cap_48.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_57.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
