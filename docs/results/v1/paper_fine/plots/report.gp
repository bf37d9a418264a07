set terminal pngcairo size 900,500 font ',10'
set output 'val_vs_lr.png'
set grid
set key outside right
set termoption noenhanced
set logscale x
set xlabel 'peak learning rate'
set ylabel 'final validation loss (nats/byte)'
set title 'Final validation loss vs learning rate (mean +- std over seeds)'
plot 'data/val_qk_norm.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_norm', 'data/val_qk_fc_norm.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_fc_norm', 'data/val_qkv_norm.dat' using 1:2:3 with yerrorlines lw 2 title 'qkv_norm', 'data/val_qk_norm_cap.dat' using 1:2:3 with yerrorlines lw 2 title 'qk_norm_cap', 'data/val_soft_cap.dat' using 1:2:3 with yerrorlines lw 2 title 'soft_cap', 3.309084 with lines dt 2 lc 'black' title 'unigram entropy'
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
plot 'data/run_qk_norm_0.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qk_norm_1.dat' using 1:2 with lines title 'lr 0.376', 'data/run_qk_norm_2.dat' using 1:2 with lines title 'lr 0.413', 'data/run_qk_norm_3.dat' using 1:2 with lines title 'lr 0.455', 'data/run_qk_norm_4.dat' using 1:2 with lines title 'lr 0.5', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm: converging (lr 0.376, solid) vs unstable (lr 0.413, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_1.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_2.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_1.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_2.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_1.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_2.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_1.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_2.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_1.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_2.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_1.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_2.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
set terminal pngcairo size 900,450 font ',10'
set output 'loss_qk_fc_norm.png'
set grid
set key outside right
set termoption noenhanced
set title 'qk_fc_norm: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_qk_fc_norm_0.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qk_fc_norm_1.dat' using 1:2 with lines title 'lr 0.376', 'data/run_qk_fc_norm_2.dat' using 1:2 with lines title 'lr 0.413', 'data/run_qk_fc_norm_3.dat' using 1:2 with lines title 'lr 0.455', 'data/run_qk_fc_norm_4.dat' using 1:2 with lines title 'lr 0.5', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_fc_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_fc_norm: converging (lr 0.376, solid) vs unstable (lr 0.413, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_fc_norm_1.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_fc_norm_2.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_fc_norm_1.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_fc_norm_2.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_fc_norm_1.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_fc_norm_2.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_fc_norm_1.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_fc_norm_2.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_fc_norm_1.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_fc_norm_2.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_fc_norm_1.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_fc_norm_2.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qkv_norm_0.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qkv_norm_1.dat' using 1:2 with lines title 'lr 0.376', 'data/run_qkv_norm_2.dat' using 1:2 with lines title 'lr 0.413', 'data/run_qkv_norm_3.dat' using 1:2 with lines title 'lr 0.455', 'data/run_qkv_norm_4.dat' using 1:2 with lines title 'lr 0.5', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qkv_norm.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qkv_norm: converging (lr 0.376, solid) vs unstable (lr 0.413, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qkv_norm_1.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qkv_norm_2.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qkv_norm_1.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qkv_norm_2.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qkv_norm_1.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qkv_norm_2.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qkv_norm_1.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qkv_norm_2.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qkv_norm_1.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_2.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qkv_norm_1.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qkv_norm_2.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
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
plot 'data/run_qk_norm_cap_0.dat' using 1:2 with lines title 'lr 0.342', 'data/run_qk_norm_cap_1.dat' using 1:2 with lines title 'lr 0.376', 'data/run_qk_norm_cap_2.dat' using 1:2 with lines title 'lr 0.413', 'data/run_qk_norm_cap_3.dat' using 1:2 with lines title 'lr 0.455', 'data/run_qk_norm_cap_4.dat' using 1:2 with lines title 'lr 0.5', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_qk_norm_cap.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'qk_norm_cap: converging (lr 0.413, solid) vs unstable (lr 0.455, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_qk_norm_cap_2.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_qk_norm_cap_3.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_qk_norm_cap_2.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_qk_norm_cap_3.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_qk_norm_cap_2.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_qk_norm_cap_3.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_qk_norm_cap_2.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_qk_norm_cap_3.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_qk_norm_cap_2.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_3.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_qk_norm_cap_2.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_qk_norm_cap_3.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
set terminal pngcairo size 900,450 font ',10'
set output 'loss_soft_cap.png'
set grid
set key outside right
set termoption noenhanced
set title 'soft_cap: training loss (seed 1)'
set xlabel 'step'
set ylabel 'train loss'
set yrange [*:6]
plot 'data/run_soft_cap_0.dat' using 1:2 with lines title 'lr 0.342', 'data/run_soft_cap_1.dat' using 1:2 with lines title 'lr 0.376', 'data/run_soft_cap_2.dat' using 1:2 with lines title 'lr 0.413', 'data/run_soft_cap_3.dat' using 1:2 with lines title 'lr 0.455', 'data/run_soft_cap_4.dat' using 1:2 with lines title 'lr 0.5', 3.309084 with lines dt 2 lc 'black' title 'unigram'
set yrange [*:*]
unset title
set terminal pngcairo size 900,800 font ',10'
set output 'norms_soft_cap.png'
set grid
set key outside right
set termoption noenhanced
set multiplot layout 3,1 title 'soft_cap: converging (lr 0.376, solid) vs unstable (lr 0.413, dashed)'
unset title
set logscale y
set ylabel 'mean L2 norm of output'
plot 'data/run_soft_cap_1.dat' using 1:5 with lines lw 2 lc 1 title 'qkv', 'data/run_soft_cap_2.dat' using 1:5 with lines lw 2 dt 2 lc 1 notitle, 'data/run_soft_cap_1.dat' using 1:6 with lines lw 2 lc 2 title 'proj', 'data/run_soft_cap_2.dat' using 1:6 with lines lw 2 dt 2 lc 2 notitle, 'data/run_soft_cap_1.dat' using 1:7 with lines lw 2 lc 3 title 'fc1', 'data/run_soft_cap_2.dat' using 1:7 with lines lw 2 dt 2 lc 3 notitle, 'data/run_soft_cap_1.dat' using 1:8 with lines lw 2 lc 4 title 'fc2', 'data/run_soft_cap_2.dat' using 1:8 with lines lw 2 dt 2 lc 4 notitle
set ylabel 'max attention score'
plot 'data/run_soft_cap_1.dat' using 1:9 with lines lw 2 lc 1 title 'converging', 'data/run_soft_cap_2.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'
unset logscale y
set xlabel 'step'
set ylabel 'train loss'
plot 'data/run_soft_cap_1.dat' using 1:2 with lines lw 2 lc 1 title 'converging', 'data/run_soft_cap_2.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'
unset multiplot
unset xlabel
