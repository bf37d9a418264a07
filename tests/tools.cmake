# Small programs used by the test scripts.
add_executable(st_diff tools/st_diff.c)
target_link_libraries(st_diff PRIVATE lmstab_core)
add_executable(json_lines tools/json_lines.c)
target_link_libraries(json_lines PRIVATE PkgConfig::CJSON)
# The sgemm's thread independence under every OpenBLAS kernel set the CPU
# can run (OPENBLAS_CORETYPE): a split that is safe with one library's
# kernels can change sums with another's.
if(NOT LMS_SANITIZE) # a numeric check, not a memory one: core_host runs once there
add_test(NAME core_host_coretypes
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/each_coretype.sh $<TARGET_FILE:test_core_host>)
set_tests_properties(core_host_coretypes PROPERTIES ENVIRONMENT "${LMS_TEST_ENV}"
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endif()
# lms_gemm once per narrower kernel (core_gemm runs the widest the CPU has).
foreach(kernel avx2 generic)
  add_test(NAME core_gemm_${kernel} COMMAND test_core_gemm)
  set_tests_properties(core_gemm_${kernel} PROPERTIES
    ENVIRONMENT "${LMS_TEST_ENV};LMSTAB_GEMM_KERNEL=${kernel}"
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endforeach()
# lms_expf_rows on AVX2 too (core_expf_rows runs the widest the CPU has;
# "generic" is libm against itself). Not under sanitizers: a numeric check
# over 300 million floats, and core_expf_rows already runs there.
if(NOT LMS_SANITIZE)
  add_test(NAME core_expf_rows_avx2 COMMAND test_core_expf_rows)
  set_tests_properties(core_expf_rows_avx2 PROPERTIES
    ENVIRONMENT "${LMS_TEST_ENV};LMSTAB_EXPF_KERNEL=avx2"
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endif()
# LD_PRELOAD shim: a stop between a sweep's fork and its run's exec
# (tests/e2e/test_sweep.sh)
add_library(stop_before_exec MODULE tools/stop_before_exec.c)
target_link_libraries(stop_before_exec PRIVATE ${CMAKE_DL_LIBS})
set_target_properties(stop_before_exec PROPERTIES PREFIX "" OUTPUT_NAME stop_before_exec
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
# LD_PRELOAD shim: a signal after the Nth rename(2) (tests/e2e/test_sweep_reuse.sh)
add_library(signal_on_rename MODULE tools/signal_on_rename.c)
target_link_libraries(signal_on_rename PRIVATE ${CMAKE_DL_LIBS})
set_target_properties(signal_on_rename PROPERTIES PREFIX "" OUTPUT_NAME signal_on_rename
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
