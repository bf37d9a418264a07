# Conformance test: the shared ABI / keys / plan / gradient checks run over
# every lms_*.so in the plugin build dir, so a new plugin is covered with no
# new test code.
add_executable(test_conformance ${CMAKE_CURRENT_SOURCE_DIR}/conformance/test_conformance.c)
target_link_libraries(test_conformance PRIVATE lms_tk_suite)
get_property(lms_all_plugins GLOBAL PROPERTY LMS_PLUGINS)
if(lms_all_plugins)
  add_dependencies(test_conformance ${lms_all_plugins})
endif()
add_test(NAME conformance COMMAND test_conformance)
set_tests_properties(conformance PROPERTIES ENVIRONMENT "${LMS_TEST_ENV}")
