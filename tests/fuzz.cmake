# Fuzz targets (tests/fuzz/fuzz_*.c) built with the normal compiler and a
# replay driver: ctest runs each over its seed corpus and over every crash
# input ever found (tests/fuzz/regressions/<target>/). Fuzzing itself needs
# clang + libFuzzer: scripts/fuzz.sh.
foreach(t ini safetensors)
  add_executable(fuzz_replay_${t} fuzz/fuzz_${t}.c fuzz/replay_main.c)
  target_link_libraries(fuzz_replay_${t} PRIVATE lmstab_core)
  add_test(NAME fuzz_replay_${t} COMMAND fuzz_replay_${t}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${t}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${t})
  set_tests_properties(fuzz_replay_${t} PROPERTIES
    ENVIRONMENT "OPENBLAS_NUM_THREADS=1;LMS_FUZZ_PLUGIN_DIR=${LMS_PLUGIN_OUTPUT_DIR}")
endforeach()
