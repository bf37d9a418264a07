# Fuzz targets (tests/fuzz/fuzz_*.c) built with the normal compiler and a
# replay driver: ctest runs each over its seed corpus and over every crash
# input ever found (tests/fuzz/regressions/<target>/). Fuzzing itself needs
# clang + libFuzzer: scripts/fuzz.sh.
# Every tests/fuzz/fuzz_<target>.c is a target; tests/fuzz/lib/ holds their
# shared helpers (scratch files, plugins and a model-size check).
file(GLOB fuzz_targets ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_*.c)
file(GLOB fuzz_lib ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/lib/*.c)
list(SORT fuzz_targets)
foreach(src ${fuzz_targets})
  get_filename_component(t ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" t ${t})
  add_executable(fuzz_replay_${t} ${src} fuzz/replay_main.c ${fuzz_lib})
  target_include_directories(fuzz_replay_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/lib)
  target_link_libraries(fuzz_replay_${t} PRIVATE lmstab_cli lmstab_core)
  add_test(NAME fuzz_replay_${t} COMMAND fuzz_replay_${t}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${t}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${t})
  set_tests_properties(fuzz_replay_${t} PROPERTIES
    ENVIRONMENT "OPENBLAS_NUM_THREADS=1;LMS_FUZZ_PLUGIN_DIR=${LMS_PLUGIN_OUTPUT_DIR}")
endforeach()
# scripts/fuzz.sh itself: builds every target against the clang-built core
# library and fuzzes each for a second (its hand-kept list of core files
# once fell behind the core and the fuzz build stopped linking). Only where
# clang and libFuzzer are installed.
find_program(LMS_CLANG clang)
if(LMS_CLANG)
  execute_process(COMMAND ${LMS_CLANG} -print-file-name=libclang_rt.fuzzer-x86_64.a
    OUTPUT_VARIABLE LMS_FUZZER_LIB OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
# (not in a sanitizer build: its gcc-ASan plugins cannot be loaded into a
# clang-ASan fuzzer)
if(LMS_CLANG AND EXISTS "${LMS_FUZZER_LIB}" AND NOT LMS_SANITIZE)
  add_test(NAME fuzz_build COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh -t 1
    -o ${CMAKE_BINARY_DIR}/fuzz-smoke)
  # serial: it compiles the core with clang on every core change, and the
  # load made timing-sensitive tests (Check's 4 s default) fail meanwhile
  set_tests_properties(fuzz_build PROPERTIES TIMEOUT 600 LABELS fuzz RUN_SERIAL TRUE
    ENVIRONMENT "LMS_FUZZ_PLUGIN_DIR=${LMS_PLUGIN_OUTPUT_DIR}")
endif()
