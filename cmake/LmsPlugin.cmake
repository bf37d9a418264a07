# lms_add_plugin(NAME [SOURCES ...])
# Builds plugins/<name>/<name>.c into lms_<name>.so (only the entry exported,
# no undefined symbols, links libc/libm only) and, if plugins/<name>/test_<name>.c
# exists, a Check test `plugin_<name>` run by ctest.
function(lms_add_plugin name)
  set(srcs ${ARGN})
  if(NOT srcs)
    set(srcs ${name}.c)
  endif()
  add_library(lms_${name} MODULE ${srcs})
  set_target_properties(lms_${name} PROPERTIES
    PREFIX "" OUTPUT_NAME lms_${name}
    C_VISIBILITY_PRESET hidden
    LIBRARY_OUTPUT_DIRECTORY ${LMS_PLUGIN_OUTPUT_DIR})
  target_include_directories(lms_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  if(NOT LMS_SANITIZE)
    target_link_options(lms_${name} PRIVATE -Wl,--no-undefined)
  endif()
  target_link_libraries(lms_${name} PRIVATE m)
  install(TARGETS lms_${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/lmstab)
  set_property(GLOBAL APPEND PROPERTY LMS_PLUGINS lms_${name})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_${name}.c AND CHECK_FOUND)
    add_executable(test_plugin_${name} test_${name}.c)
    target_link_libraries(test_plugin_${name} PRIVATE lms_tk_suite)
    add_dependencies(test_plugin_${name} lms_${name})
    add_test(NAME plugin_${name} COMMAND test_plugin_${name})
    set_tests_properties(plugin_${name} PROPERTIES
      ENVIRONMENT "OPENBLAS_NUM_THREADS=1;CK_DEFAULT_TIMEOUT=120;LMS_TEST_PLUGIN_DIR=${LMS_PLUGIN_OUTPUT_DIR}")
  endif()
endfunction()
