# Whole-model golden checks against ../shared/golden (PyTorch reference).
set(LMS_GOLDEN_DIR "${PROJECT_SOURCE_DIR}/../shared/golden" CACHE PATH
    "Directory with the PyTorch golden .safetensors files")
# variant -> extra arguments (the cap value the file was made with)
set(golden_variants baseline)
foreach(v qk_norm qk_fc_norm qkv_norm qk_norm_cap soft_cap)
  if(EXISTS ${PROJECT_SOURCE_DIR}/configs/${v}.ini)
    list(APPEND golden_variants ${v})
  endif()
endforeach()
foreach(v ${golden_variants})
  set(args)
  if(v MATCHES "cap$")
    set(args --set block.attn.score_cap.cap=1.0)
  endif()
  add_test(NAME golden_${v}
    COMMAND lmstab golden ${PROJECT_SOURCE_DIR}/configs/${v}.ini
            ${LMS_GOLDEN_DIR}/${v}.safetensors ${args}
            --plugin-dir ${LMS_PLUGIN_OUTPUT_DIR})
  set_tests_properties(golden_${v} PROPERTIES ENVIRONMENT "OPENBLAS_NUM_THREADS=1"
    PASS_REGULAR_EXPRESSION "^.*MATCH: " FAIL_REGULAR_EXPRESSION "MISMATCH|error")
endforeach()
# The same checks on lmstab's own sgemm (core/kernels/gemm.c) at 2 threads.
foreach(v ${golden_variants})
  set(args)
  if(v MATCHES "cap$")
    set(args --set block.attn.score_cap.cap=1.0)
  endif()
  add_test(NAME golden_${v}_gemm_lmstab
    COMMAND lmstab golden ${PROJECT_SOURCE_DIR}/configs/${v}.ini
            ${LMS_GOLDEN_DIR}/${v}.safetensors ${args} --set training.gemm=lmstab
            --plugin-dir ${LMS_PLUGIN_OUTPUT_DIR})
  set_tests_properties(golden_${v}_gemm_lmstab PROPERTIES
    ENVIRONMENT "OPENBLAS_NUM_THREADS=1;LMSTAB_THREADS=2"
    PASS_REGULAR_EXPRESSION "^.*MATCH: " FAIL_REGULAR_EXPRESSION "MISMATCH|error")
endforeach()
# The bf16 files (../shared/golden/bf16): the same six variants with every
# product on bf16 operands, under the bf16 rules of the golden README, on
# the emulated path, on the native AVX512_BF16 kernel and on the AMX kernel
# (each skipped where the CPU has none), at 2 threads.
foreach(v ${golden_variants})
  set(args)
  if(v MATCHES "cap$")
    set(args --set block.attn.score_cap.cap=1.0)
  endif()
  foreach(kernel emulated native amx)
    add_test(NAME golden_bf16_${v}_${kernel}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/golden_bf16.sh
              $<TARGET_FILE:lmstab> ${kernel} match
              ${PROJECT_SOURCE_DIR}/configs/${v}.ini
              ${LMS_GOLDEN_DIR}/bf16/${v}.safetensors ${args}
              --plugin-dir ${LMS_PLUGIN_OUTPUT_DIR})
    set_tests_properties(golden_bf16_${v}_${kernel} PROPERTIES
      ENVIRONMENT "OPENBLAS_NUM_THREADS=1;LMSTAB_THREADS=2" SKIP_RETURN_CODE 77)
  endforeach()
endforeach()
# ... and they catch the wrong variant: every linear layer replaced by
# tests/fixtures/unrounded_grad_linear.c (dy left unrounded in backward)
# must fail on g0.
set(UNROUNDED_DIR ${CMAKE_BINARY_DIR}/fixture_unrounded)
add_library(lms_unrounded_grad_linear MODULE fixtures/unrounded_grad_linear.c)
target_include_directories(lms_unrounded_grad_linear PRIVATE ${PROJECT_SOURCE_DIR}/include)
set_target_properties(lms_unrounded_grad_linear PROPERTIES PREFIX ""
  C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${UNROUNDED_DIR})
target_link_libraries(lms_unrounded_grad_linear PRIVATE m)
foreach(v ${golden_variants})
  set(args)
  if(v MATCHES "cap$")
    set(args --set block.attn.score_cap.cap=1.0)
  endif()
  foreach(op qkv proj fc1 fc2)
    list(APPEND args --set block.${op}.plugin=unrounded_grad_linear)
  endforeach()
  add_test(NAME golden_bf16_${v}_unrounded_grad_fails
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/golden_bf16.sh
            $<TARGET_FILE:lmstab> emulated mismatch
            ${PROJECT_SOURCE_DIR}/configs/${v}.ini
            ${LMS_GOLDEN_DIR}/bf16/${v}.safetensors ${args}
            --plugin-dir ${LMS_PLUGIN_OUTPUT_DIR})
  set_tests_properties(golden_bf16_${v}_unrounded_grad_fails PROPERTIES
    ENVIRONMENT "OPENBLAS_NUM_THREADS=1;LMSTAB_PLUGIN_PATH=${UNROUNDED_DIR}")
endforeach()
# The output: one line per group of checks without -v (failures would add
# theirs), every tensor with -v.
add_test(NAME golden_output
  COMMAND sh -c "n=$($0 golden $1 $2 --plugin-dir $3 | wc -l) && [ $n -le 6 ] || { echo \"$n lines without -v\"; exit 1; }; v=$($0 golden $1 $2 --plugin-dir $3 -v | grep -c '^  ok ') && [ $v -gt 100 ] || { echo \"-v: $v tensor lines\"; exit 1; }"
          $<TARGET_FILE:lmstab> ${PROJECT_SOURCE_DIR}/configs/qk_norm.ini
          ${LMS_GOLDEN_DIR}/qk_norm.safetensors ${LMS_PLUGIN_OUTPUT_DIR})
set_tests_properties(golden_output PROPERTIES ENVIRONMENT "OPENBLAS_NUM_THREADS=1")
