# End-to-end tests of the lmstab command (shell scripts in tests/e2e/).
file(GLOB e2e_scripts ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_*.sh)
list(SORT e2e_scripts)
foreach(script ${e2e_scripts})
  get_filename_component(name ${script} NAME_WE)
  string(REGEX REPLACE "^test_" "" name ${name})
  add_test(NAME e2e_${name} COMMAND sh ${script} $<TARGET_FILE:lmstab>
           ${PROJECT_SOURCE_DIR} ${LMS_PLUGIN_OUTPUT_DIR} $<TARGET_FILE:json_lines>)
  # LMS_TEST_SANITIZED: the memory-safety build (Debug + ASan, ~20x slower)
  # runs the scripts' smaller variants where they have one
  set_tests_properties(e2e_${name} PROPERTIES
    ENVIRONMENT "OPENBLAS_NUM_THREADS=1;LMS_TEST_SANITIZED=$<BOOL:${LMS_SANITIZE}>"
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endforeach()
