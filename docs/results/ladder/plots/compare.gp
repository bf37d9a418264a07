set terminal pngcairo size 900,500 font ',10'
set output 'compare_lr50.png'
set grid
set key outside right
set termoption noenhanced
set logscale y
set ylabel 'LR50 (default rule)'
set title 'LR50 (default rule) per sweep, default rule (bars: 95% bootstrap interval)'
set logscale x
set xlabel 'parameters (qk_norm)'
set xrange [*:*]
set xtics auto
plot 'data/compare_baseline.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 lc 1 title 'baseline', 'data/compare_qk_norm.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 lc 2 title 'qk_norm', 'data/compare_qkv_norm.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 lc 3 title 'qkv_norm', 'data/compare_qk_norm_cap.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 lc 4 title 'qk_norm_cap'
set terminal pngcairo size 900,500 font ',10'
set output 'compare_ratio.png'
set grid
set key outside right
set termoption noenhanced
set logscale y
set ylabel 'LR50 / LR50 of the reference'
set title 'LR50 / LR50 of the reference per sweep, default rule (bars: 95% bootstrap interval)'
set logscale x
set xlabel 'parameters (qk_norm)'
set xrange [*:*]
set xtics auto
plot 'data/compare_baseline.dat' using 1:5:6:7 with yerrorlines lw 2 pt 7 lc 1 title 'baseline', 'data/compare_qkv_norm.dat' using 1:5:6:7 with yerrorlines lw 2 pt 7 lc 3 title 'qkv_norm', 'data/compare_qk_norm_cap.dat' using 1:5:6:7 with yerrorlines lw 2 pt 7 lc 4 title 'qk_norm_cap'
