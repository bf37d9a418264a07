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
# The same checks on lmstab's own sgemm (core/gemm.c) at 2 threads.
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
# The output: one line per group of checks without -v (failures would add
# theirs), every tensor with -v.
add_test(NAME golden_output
  COMMAND sh -c "n=$($0 golden $1 $2 --plugin-dir $3 | wc -l) && [ $n -le 6 ] || { echo \"$n lines without -v\"; exit 1; }; v=$($0 golden $1 $2 --plugin-dir $3 -v | grep -c '^  ok ') && [ $v -gt 100 ] || { echo \"-v: $v tensor lines\"; exit 1; }"
          $<TARGET_FILE:lmstab> ${PROJECT_SOURCE_DIR}/configs/qk_norm.ini
          ${LMS_GOLDEN_DIR}/qk_norm.safetensors ${LMS_PLUGIN_OUTPUT_DIR})
set_tests_properties(golden_output PROPERTIES ENVIRONMENT "OPENBLAS_NUM_THREADS=1")
