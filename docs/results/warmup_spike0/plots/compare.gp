set terminal pngcairo size 900,500 font ',10'
set output 'compare_lr50.png'
set grid
set key outside right
set termoption noenhanced
set logscale y
set ylabel 'LR50'
set title "LR50 per sweep, default rule\n(bars: 95% bootstrap interval, cut at the plot; open circle: poor fit, no bar)"
set yrange [0.00375748:1.1026]
unset logscale x
set xlabel 'sweep'
set xrange [0.5:2.5]
set xtics ('curves_spike0' 1, 'warmup3_spike0' 2)
plot 'data/compare_baseline.dat' using 1:2 with lines lw 1 lc 1 notitle, '' using 1:($8 > 0 ? 1/0 : $2):3:4 with yerrorbars lw 2 pt 7 lc 1 title 'baseline', '' using 1:($8 > 0 ? $2 : 1/0) with points pt 6 ps 1.5 lc 1 notitle, 'data/compare_qk_norm.dat' using 1:2 with lines lw 1 lc 2 notitle, '' using 1:($8 > 0 ? 1/0 : $2):3:4 with yerrorbars lw 2 pt 7 lc 2 title 'qk_norm', '' using 1:($8 > 0 ? $2 : 1/0) with points pt 6 ps 1.5 lc 2 notitle, 'data/compare_qk_fc_norm.dat' using 1:2 with lines lw 1 lc 3 notitle, '' using 1:($8 > 0 ? 1/0 : $2):3:4 with yerrorbars lw 2 pt 7 lc 3 title 'qk_fc_norm', '' using 1:($8 > 0 ? $2 : 1/0) with points pt 6 ps 1.5 lc 3 notitle, 'data/compare_qkv_norm.dat' using 1:2 with lines lw 1 lc 4 notitle, '' using 1:($8 > 0 ? 1/0 : $2):3:4 with yerrorbars lw 2 pt 7 lc 4 title 'qkv_norm', '' using 1:($8 > 0 ? $2 : 1/0) with points pt 6 ps 1.5 lc 4 notitle, 'data/compare_qk_norm_cap.dat' using 1:2 with lines lw 1 lc 5 notitle, '' using 1:($8 > 0 ? 1/0 : $2):3:4 with yerrorbars lw 2 pt 7 lc 5 title 'qk_norm_cap', '' using 1:($8 > 0 ? $2 : 1/0) with points pt 6 ps 1.5 lc 5 notitle, 'data/compare_soft_cap.dat' using 1:2 with lines lw 1 lc 6 notitle, '' using 1:($8 > 0 ? 1/0 : $2):3:4 with yerrorbars lw 2 pt 7 lc 6 title 'soft_cap', '' using 1:($8 > 0 ? $2 : 1/0) with points pt 6 ps 1.5 lc 6 notitle
set terminal pngcairo size 900,500 font ',10'
set output 'compare_ratio.png'
set grid
set key outside right
set termoption noenhanced
set logscale y
set ylabel 'LR50 / LR50 of the reference'
set title "LR50 / LR50 of the reference per sweep, default rule\n(bars: 95% bootstrap interval, cut at the plot; open circle: poor fit, no bar)"
set yrange [0.0174569:5.12256]
unset logscale x
set xlabel 'sweep'
set xrange [0.5:2.5]
set xtics ('curves_spike0' 1, 'warmup3_spike0' 2)
plot 'data/compare_baseline.dat' using 1:5 with lines lw 1 lc 1 notitle, '' using 1:($9 > 0 ? 1/0 : $5):6:7 with yerrorbars lw 2 pt 7 lc 1 title 'baseline', '' using 1:($9 > 0 ? $5 : 1/0) with points pt 6 ps 1.5 lc 1 notitle, 'data/compare_qk_fc_norm.dat' using 1:5 with lines lw 1 lc 3 notitle, '' using 1:($9 > 0 ? 1/0 : $5):6:7 with yerrorbars lw 2 pt 7 lc 3 title 'qk_fc_norm', '' using 1:($9 > 0 ? $5 : 1/0) with points pt 6 ps 1.5 lc 3 notitle, 'data/compare_qkv_norm.dat' using 1:5 with lines lw 1 lc 4 notitle, '' using 1:($9 > 0 ? 1/0 : $5):6:7 with yerrorbars lw 2 pt 7 lc 4 title 'qkv_norm', '' using 1:($9 > 0 ? $5 : 1/0) with points pt 6 ps 1.5 lc 4 notitle, 'data/compare_qk_norm_cap.dat' using 1:5 with lines lw 1 lc 5 notitle, '' using 1:($9 > 0 ? 1/0 : $5):6:7 with yerrorbars lw 2 pt 7 lc 5 title 'qk_norm_cap', '' using 1:($9 > 0 ? $5 : 1/0) with points pt 6 ps 1.5 lc 5 notitle, 'data/compare_soft_cap.dat' using 1:5 with lines lw 1 lc 6 notitle, '' using 1:($9 > 0 ? 1/0 : $5):6:7 with yerrorbars lw 2 pt 7 lc 6 title 'soft_cap', '' using 1:($9 > 0 ? $5 : 1/0) with points pt 6 ps 1.5 lc 6 notitle
