set terminal pngcairo size 900,500 font ',10'
set output 'compare_lr50.png'
set grid
set key outside right
set termoption noenhanced
set logscale y
set ylabel 'LR50'
set title "LR50 per sweep, default rule\n(bars: 95% bootstrap interval, cut at the plot; open circle: poor fit, no bar)"
set yrange [0.00960798:0.2]
unset logscale x
set xlabel 'sweep'
set xrange [0.5:2.5]
set xtics ('quick' 1, 'quick_zen4' 2)
plot 'data/compare_baseline.dat' using 1:2 with lines lw 1 lc 1 notitle, '' using 1:($8 > 0 ? 1/0 : $2):3:4 with yerrorbars lw 2 pt 7 lc 1 title 'baseline', '' using 1:($8 > 0 ? $2 : 1/0) with points pt 6 ps 1.5 lc 1 notitle
