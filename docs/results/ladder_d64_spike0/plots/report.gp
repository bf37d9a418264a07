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
plot 'data/run_baseline_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_baseline_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_baseline_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_baseline_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_baseline_4.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_baseline_8.dat' using 1:2 with lines title 'lr 0.00944', 'data/run_baseline_9.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_baseline_11.dat' using 1:2 with lines title 'lr 0.0113', 'data/run_baseline_12.dat' using 1:2 with lines title 'lr 0.0136', 'data/run_baseline_14.dat' using 1:2 with lines title 'lr 0.0163', 'data/run_baseline_16.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_baseline_17.dat' using 1:2 with lines title 'lr 0.0196', 'data/run_baseline_19.dat' using 1:2 with lines title 'lr 0.0235', 'data/run_baseline_21.dat' using 1:2 with lines title 'lr 0.0282', 'data/run_baseline_23.dat' using 1:2 with lines title 'lr 0.0338', 'data/run_baseline_24.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_baseline_26.dat' using 1:2 with lines title 'lr 0.0406', 'data/run_baseline_27.dat' using 1:2 with lines title 'lr 0.0487', 'data/run_baseline_29.dat' using 1:2 with lines title 'lr 0.0584', 'data/run_baseline_31.dat' using 1:2 with lines title 'lr 0.0701', 'data/run_baseline_33.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_baseline_34.dat' using 1:2 with lines title 'lr 0.0841', 'data/run_baseline_36.dat' using 1:2 with lines title 'lr 0.101', 'data/run_baseline_38.dat' using 1:2 with lines title 'lr 0.121', 'data/run_baseline_40.dat' using 1:2 with lines title 'lr 0.145', 'data/run_baseline_41.dat' using 1:2 with lines title 'lr 0.154', 'data/run_baseline_43.dat' using 1:2 with lines title 'lr 0.174', 'data/run_baseline_44.dat' using 1:2 with lines title 'lr 0.209', 'data/run_baseline_46.dat' using 1:2 with lines title 'lr 0.251', 'data/run_baseline_50.dat' using 1:2 with lines title 'lr 0.301', 'data/run_baseline_51.dat' using 1:2 with lines title 'lr 0.307', 'data/run_baseline_55.dat' using 1:2 with lines title 'lr 0.362', 'data/run_baseline_59.dat' using 1:2 with lines title 'lr 0.434', 'data/run_baseline_63.dat' using 1:2 with lines title 'lr 0.521', 'data/run_baseline_66.dat' using 1:2 with lines title 'lr 0.614', 'data/run_baseline_67.dat' using 1:2 with lines title 'lr 0.625', 'data/run_baseline_72.dat' using 1:2 with lines title 'lr 1.23', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_baseline.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'baseline: converging (lr 0.0096, solid) vs unstable (lr 0.0192, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_baseline_9.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_baseline_16.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_baseline_9.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_baseline_16.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_baseline_9.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_baseline_16.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_baseline_9.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_baseline_16.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_baseline_9.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_16.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_baseline_9.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_baseline_16.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qk_norm_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qk_norm_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qk_norm_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qk_norm_4.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qk_norm_9.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qk_norm_16.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qk_norm_24.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qk_norm_33.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_qk_norm_41.dat' using 1:2 with lines title 'lr 0.154', 'data/run_qk_norm_48.dat' using 1:2 with lines title 'lr 0.275', 'data/run_qk_norm_51.dat' using 1:2 with lines title 'lr 0.307', 'data/run_qk_norm_53.dat' using 1:2 with lines title 'lr 0.331', 'data/run_qk_norm_56.dat' using 1:2 with lines title 'lr 0.397', 'data/run_qk_norm_60.dat' using 1:2 with lines title 'lr 0.476', 'data/run_qk_norm_64.dat' using 1:2 with lines title 'lr 0.571', 'data/run_qk_norm_66.dat' using 1:2 with lines title 'lr 0.614', 'data/run_qk_norm_68.dat' using 1:2 with lines title 'lr 0.685', 'data/run_qk_norm_72.dat' using 1:2 with lines title 'lr 1.23', 3.309084 with lines dt 2 lc 'black' title 'unigram'
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
plot 'data/run_qk_norm_33.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_41.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_33.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_41.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_33.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_41.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_33.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_41.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_33.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_41.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_33.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_41.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qkv_norm_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qkv_norm_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qkv_norm_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qkv_norm_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qkv_norm_4.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qkv_norm_5.dat' using 1:2 with lines title 'lr 0.00593', 'data/run_qkv_norm_6.dat' using 1:2 with lines title 'lr 0.00732', 'data/run_qkv_norm_7.dat' using 1:2 with lines title 'lr 0.00904', 'data/run_qkv_norm_9.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qkv_norm_10.dat' using 1:2 with lines title 'lr 0.0112', 'data/run_qkv_norm_13.dat' using 1:2 with lines title 'lr 0.0138', 'data/run_qkv_norm_15.dat' using 1:2 with lines title 'lr 0.017', 'data/run_qkv_norm_16.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qkv_norm_18.dat' using 1:2 with lines title 'lr 0.021', 'data/run_qkv_norm_20.dat' using 1:2 with lines title 'lr 0.026', 'data/run_qkv_norm_22.dat' using 1:2 with lines title 'lr 0.0321', 'data/run_qkv_norm_24.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qkv_norm_25.dat' using 1:2 with lines title 'lr 0.0396', 'data/run_qkv_norm_28.dat' using 1:2 with lines title 'lr 0.0489', 'data/run_qkv_norm_30.dat' using 1:2 with lines title 'lr 0.0604', 'data/run_qkv_norm_32.dat' using 1:2 with lines title 'lr 0.0745', 'data/run_qkv_norm_33.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_qkv_norm_35.dat' using 1:2 with lines title 'lr 0.092', 'data/run_qkv_norm_37.dat' using 1:2 with lines title 'lr 0.114', 'data/run_qkv_norm_39.dat' using 1:2 with lines title 'lr 0.14', 'data/run_qkv_norm_41.dat' using 1:2 with lines title 'lr 0.154', 'data/run_qkv_norm_42.dat' using 1:2 with lines title 'lr 0.173', 'data/run_qkv_norm_45.dat' using 1:2 with lines title 'lr 0.214', 'data/run_qkv_norm_47.dat' using 1:2 with lines title 'lr 0.264', 'data/run_qkv_norm_51.dat' using 1:2 with lines title 'lr 0.307', 'data/run_qkv_norm_52.dat' using 1:2 with lines title 'lr 0.326', 'data/run_qkv_norm_57.dat' using 1:2 with lines title 'lr 0.403', 'data/run_qkv_norm_61.dat' using 1:2 with lines title 'lr 0.497', 'data/run_qkv_norm_66.dat' using 1:2 with lines title 'lr 0.614', 'data/run_qkv_norm_72.dat' using 1:2 with lines title 'lr 1.23', 3.309084 with lines dt 2 lc 'black' title 'unigram'
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
plot 'data/run_qkv_norm_3.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qkv_norm_4.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qkv_norm_3.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qkv_norm_4.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qkv_norm_3.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qkv_norm_4.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qkv_norm_3.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qkv_norm_4.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qkv_norm_3.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_4.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qkv_norm_3.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_4.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_cap_0.dat' using 1:2 with lines title 'lr 0.0003', 'data/run_qk_norm_cap_1.dat' using 1:2 with lines title 'lr 0.0006', 'data/run_qk_norm_cap_2.dat' using 1:2 with lines title 'lr 0.0012', 'data/run_qk_norm_cap_3.dat' using 1:2 with lines title 'lr 0.0024', 'data/run_qk_norm_cap_4.dat' using 1:2 with lines title 'lr 0.0048', 'data/run_qk_norm_cap_9.dat' using 1:2 with lines title 'lr 0.0096', 'data/run_qk_norm_cap_16.dat' using 1:2 with lines title 'lr 0.0192', 'data/run_qk_norm_cap_24.dat' using 1:2 with lines title 'lr 0.0384', 'data/run_qk_norm_cap_33.dat' using 1:2 with lines title 'lr 0.0768', 'data/run_qk_norm_cap_41.dat' using 1:2 with lines title 'lr 0.154', 'data/run_qk_norm_cap_49.dat' using 1:2 with lines title 'lr 0.291', 'data/run_qk_norm_cap_51.dat' using 1:2 with lines title 'lr 0.307', 'data/run_qk_norm_cap_54.dat' using 1:2 with lines title 'lr 0.349', 'data/run_qk_norm_cap_58.dat' using 1:2 with lines title 'lr 0.419', 'data/run_qk_norm_cap_62.dat' using 1:2 with lines title 'lr 0.503', 'data/run_qk_norm_cap_65.dat' using 1:2 with lines title 'lr 0.603', 'data/run_qk_norm_cap_66.dat' using 1:2 with lines title 'lr 0.614', 'data/run_qk_norm_cap_69.dat' using 1:2 with lines title 'lr 0.724', 'data/run_qk_norm_cap_70.dat' using 1:2 with lines title 'lr 0.869', 'data/run_qk_norm_cap_71.dat' using 1:2 with lines title 'lr 1.04', 'data/run_qk_norm_cap_72.dat' using 1:2 with lines title 'lr 1.23', 'data/run_qk_norm_cap_73.dat' using 1:2 with lines title 'lr 1.25', 'data/run_qk_norm_cap_74.dat' using 1:2 with lines title 'lr 1.5', 'data/run_qk_norm_cap_75.dat' using 1:2 with lines title 'lr 1.8', 'data/run_qk_norm_cap_76.dat' using 1:2 with lines title 'lr 2.16', 'data/run_qk_norm_cap_77.dat' using 1:2 with lines title 'lr 2.6', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm_cap.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm_cap: converging (lr 0.0768, solid) vs unstable (lr 0.154, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_cap_33.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_cap_41.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_cap_33.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_cap_41.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_cap_33.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_cap_41.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_cap_33.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_cap_41.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_cap_33.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_41.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_cap_33.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_41.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
