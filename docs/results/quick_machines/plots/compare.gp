set terminal pngcairo size 900,500 font ',10'
set output 'compare_lr50.png'
set grid
set key outside right
set termoption noenhanced
set logscale y
set ylabel 'LR50 (default rule)'
set title 'LR50 (default rule) per sweep, default rule (bars: 95% bootstrap interval)'
unset logscale x
set xlabel 'sweep'
set xrange [0.5:2.5]
set xtics ('quick' 1, 'quick_zen4' 2)
plot 'data/compare_baseline.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 lc 1 title 'baseline'
