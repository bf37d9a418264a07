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
plot 'data/run_baseline_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_baseline_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_baseline_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_baseline_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_baseline_6.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_baseline_10.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_baseline_13.dat' using 1:2 with lines title 'lr 0.0182', 'data/run_baseline_15.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_baseline_17.dat' using 1:2 with lines title 'lr 0.0218', 'data/run_baseline_19.dat' using 1:2 with lines title 'lr 0.0262', 'data/run_baseline_22.dat' using 1:2 with lines title 'lr 0.0314', 'data/run_baseline_25.dat' using 1:2 with lines title 'lr 0.0377', 'data/run_baseline_26.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_baseline_28.dat' using 1:2 with lines title 'lr 0.0452', 'data/run_baseline_31.dat' using 1:2 with lines title 'lr 0.0543', 'data/run_baseline_34.dat' using 1:2 with lines title 'lr 0.0652', 'data/run_baseline_37.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_baseline_38.dat' using 1:2 with lines title 'lr 0.0782', 'data/run_baseline_42.dat' using 1:2 with lines title 'lr 0.0938', 'data/run_baseline_46.dat' using 1:2 with lines title 'lr 0.113', 'data/run_baseline_49.dat' using 1:2 with lines title 'lr 0.135', 'data/run_baseline_53.dat' using 1:2 with lines title 'lr 0.154', 'data/run_baseline_54.dat' using 1:2 with lines title 'lr 0.162', 'data/run_baseline_64.dat' using 1:2 with lines title 'lr 0.307', 'data/run_baseline_75.dat' using 1:2 with lines title 'lr 0.614', 'data/run_baseline_85.dat' using 1:2 with lines title 'lr 1.23', 3.309084 with lines dt 2 lc 'black' title 'unigram'
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
plot 'data/run_baseline_37.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_baseline_53.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_baseline_37.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_baseline_53.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_baseline_37.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_baseline_53.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_baseline_37.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_baseline_53.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_baseline_37.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_53.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_baseline_37.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_53.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qk_norm_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qk_norm_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qk_norm_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qk_norm_6.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qk_norm_10.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qk_norm_15.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qk_norm_26.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qk_norm_36.dat' using 1:2 with lines title 'lr 0.0714', 'data/run_qk_norm_37.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_qk_norm_41.dat' using 1:2 with lines title 'lr 0.0857', 'data/run_qk_norm_44.dat' using 1:2 with lines title 'lr 0.103', 'data/run_qk_norm_48.dat' using 1:2 with lines title 'lr 0.123', 'data/run_qk_norm_52.dat' using 1:2 with lines title 'lr 0.148', 'data/run_qk_norm_53.dat' using 1:2 with lines title 'lr 0.154', 'data/run_qk_norm_56.dat' using 1:2 with lines title 'lr 0.178', 'data/run_qk_norm_59.dat' using 1:2 with lines title 'lr 0.213', 'data/run_qk_norm_62.dat' using 1:2 with lines title 'lr 0.256', 'data/run_qk_norm_64.dat' using 1:2 with lines title 'lr 0.307', 'data/run_qk_norm_67.dat' using 1:2 with lines title 'lr 0.369', 'data/run_qk_norm_70.dat' using 1:2 with lines title 'lr 0.442', 'data/run_qk_norm_72.dat' using 1:2 with lines title 'lr 0.531', 'data/run_qk_norm_75.dat' using 1:2 with lines title 'lr 0.614', 'data/run_qk_norm_76.dat' using 1:2 with lines title 'lr 0.637', 'data/run_qk_norm_79.dat' using 1:2 with lines title 'lr 0.764', 'data/run_qk_norm_81.dat' using 1:2 with lines title 'lr 0.917', 'data/run_qk_norm_84.dat' using 1:2 with lines title 'lr 1.1', 'data/run_qk_norm_85.dat' using 1:2 with lines title 'lr 1.23', 'data/run_qk_norm_87.dat' using 1:2 with lines title 'lr 1.32', 3.309084 with lines dt 2 lc 'black' title 'unigram'
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
plot 'data/run_qk_norm_37.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_53.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_37.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_53.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_37.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_53.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_37.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_53.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_37.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_53.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_37.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_53.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qkv_norm_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qkv_norm_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qkv_norm_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qkv_norm_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qkv_norm_4.dat' using 1:2 with lines title 'lr 0.00315', 'data/run_qkv_norm_5.dat' using 1:2 with lines title 'lr 0.00413', 'data/run_qkv_norm_6.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qkv_norm_7.dat' using 1:2 with lines title 'lr 0.00541', 'data/run_qkv_norm_8.dat' using 1:2 with lines title 'lr 0.0071', 'data/run_qkv_norm_9.dat' using 1:2 with lines title 'lr 0.00932', 'data/run_qkv_norm_10.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qkv_norm_11.dat' using 1:2 with lines title 'lr 0.0122', 'data/run_qkv_norm_12.dat' using 1:2 with lines title 'lr 0.016', 'data/run_qkv_norm_15.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qkv_norm_16.dat' using 1:2 with lines title 'lr 0.021', 'data/run_qkv_norm_21.dat' using 1:2 with lines title 'lr 0.0276', 'data/run_qkv_norm_24.dat' using 1:2 with lines title 'lr 0.0362', 'data/run_qkv_norm_26.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qkv_norm_30.dat' using 1:2 with lines title 'lr 0.0474', 'data/run_qkv_norm_33.dat' using 1:2 with lines title 'lr 0.0622', 'data/run_qkv_norm_37.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_qkv_norm_40.dat' using 1:2 with lines title 'lr 0.0816', 'data/run_qkv_norm_45.dat' using 1:2 with lines title 'lr 0.107', 'data/run_qkv_norm_51.dat' using 1:2 with lines title 'lr 0.14', 'data/run_qkv_norm_53.dat' using 1:2 with lines title 'lr 0.154', 'data/run_qkv_norm_57.dat' using 1:2 with lines title 'lr 0.184', 'data/run_qkv_norm_60.dat' using 1:2 with lines title 'lr 0.241', 'data/run_qkv_norm_64.dat' using 1:2 with lines title 'lr 0.307', 'data/run_qkv_norm_65.dat' using 1:2 with lines title 'lr 0.317', 'data/run_qkv_norm_68.dat' using 1:2 with lines title 'lr 0.415', 'data/run_qkv_norm_73.dat' using 1:2 with lines title 'lr 0.545', 'data/run_qkv_norm_75.dat' using 1:2 with lines title 'lr 0.614', 'data/run_qkv_norm_77.dat' using 1:2 with lines title 'lr 0.714', 'data/run_qkv_norm_82.dat' using 1:2 with lines title 'lr 0.937', 'data/run_qkv_norm_85.dat' using 1:2 with lines title 'lr 1.23', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qkv_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qkv_norm: converging (lr 0.0012, solid) vs unstable (lr 0.0024, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qkv_norm_2.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qkv_norm_3.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qkv_norm_2.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qkv_norm_3.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qkv_norm_2.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qkv_norm_3.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qkv_norm_2.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qkv_norm_3.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qkv_norm_2.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_3.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qkv_norm_2.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_3.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_cap_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qk_norm_cap_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qk_norm_cap_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qk_norm_cap_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qk_norm_cap_6.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qk_norm_cap_10.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qk_norm_cap_14.dat' using 1:2 with lines title 'lr 0.0189', 'data/run_qk_norm_cap_15.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qk_norm_cap_18.dat' using 1:2 with lines title 'lr 0.0226', 'data/run_qk_norm_cap_20.dat' using 1:2 with lines title 'lr 0.0272', 'data/run_qk_norm_cap_23.dat' using 1:2 with lines title 'lr 0.0326', 'data/run_qk_norm_cap_26.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qk_norm_cap_27.dat' using 1:2 with lines title 'lr 0.0391', 'data/run_qk_norm_cap_29.dat' using 1:2 with lines title 'lr 0.047', 'data/run_qk_norm_cap_32.dat' using 1:2 with lines title 'lr 0.0563', 'data/run_qk_norm_cap_35.dat' using 1:2 with lines title 'lr 0.0676', 'data/run_qk_norm_cap_37.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_qk_norm_cap_39.dat' using 1:2 with lines title 'lr 0.0811', 'data/run_qk_norm_cap_43.dat' using 1:2 with lines title 'lr 0.0974', 'data/run_qk_norm_cap_47.dat' using 1:2 with lines title 'lr 0.117', 'data/run_qk_norm_cap_50.dat' using 1:2 with lines title 'lr 0.14', 'data/run_qk_norm_cap_53.dat' using 1:2 with lines title 'lr 0.154', 'data/run_qk_norm_cap_55.dat' using 1:2 with lines title 'lr 0.168', 'data/run_qk_norm_cap_58.dat' using 1:2 with lines title 'lr 0.202', 'data/run_qk_norm_cap_61.dat' using 1:2 with lines title 'lr 0.242', 'data/run_qk_norm_cap_63.dat' using 1:2 with lines title 'lr 0.291', 'data/run_qk_norm_cap_64.dat' using 1:2 with lines title 'lr 0.307', 'data/run_qk_norm_cap_66.dat' using 1:2 with lines title 'lr 0.349', 'data/run_qk_norm_cap_69.dat' using 1:2 with lines title 'lr 0.419', 'data/run_qk_norm_cap_71.dat' using 1:2 with lines title 'lr 0.502', 'data/run_qk_norm_cap_74.dat' using 1:2 with lines title 'lr 0.603', 'data/run_qk_norm_cap_75.dat' using 1:2 with lines title 'lr 0.614', 'data/run_qk_norm_cap_78.dat' using 1:2 with lines title 'lr 0.724', 'data/run_qk_norm_cap_80.dat' using 1:2 with lines title 'lr 0.868', 'data/run_qk_norm_cap_83.dat' using 1:2 with lines title 'lr 1.04', 'data/run_qk_norm_cap_85.dat' using 1:2 with lines title 'lr 1.23', 'data/run_qk_norm_cap_86.dat' using 1:2 with lines title 'lr 1.25', 3.309084 with lines dt 2 lc 'black' title 'unigram'
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
plot 'data/run_qk_norm_cap_15.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_cap_26.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_cap_15.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_cap_26.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_cap_15.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_cap_26.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_cap_15.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_cap_26.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_cap_15.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_26.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_cap_15.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_26.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
