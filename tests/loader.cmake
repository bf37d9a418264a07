# Broken plugins (tests/fixtures/bad_plugins.c) built into their own
# directory, and the loader rejection test that loads them.
set(BAD_DIR ${CMAKE_BINARY_DIR}/bad_plugins)
foreach(bad no_entry abi null_hook refuse wrong_name huge_cache dup_param stat_name size entry_var oob newer_minor old_major old_decl)
  add_library(lms_bad_${bad} MODULE fixtures/bad_plugins.c)
  string(TOUPPER ${bad} BAD)
  set(name "bad_${bad}")
  if(bad STREQUAL "wrong_name")
    set(name "someone_else")
  endif()
  target_compile_definitions(lms_bad_${bad} PRIVATE BAD_${BAD} BAD_NAME="${name}")
  target_include_directories(lms_bad_${bad} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  set_target_properties(lms_bad_${bad} PROPERTIES PREFIX "" OUTPUT_NAME lms_bad_${bad}
    C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${BAD_DIR})
  add_dependencies(test_core_loader lms_bad_${bad})
endforeach()
set_property(TEST core_loader APPEND PROPERTY ENVIRONMENT "LMS_BAD_PLUGIN_DIR=${BAD_DIR}")
