# The nan_inject fixture plugin (tests/fixtures/nan_inject.c), built into its
# own directory so that it is never found by default, and handed to the
# end-to-end test that injects a NaN mid-run (tests/e2e/test_nan_inject.sh).
set(FIXTURE_DIR ${CMAKE_BINARY_DIR}/fixture_plugins)
add_library(lms_nan_inject MODULE fixtures/nan_inject.c)
target_include_directories(lms_nan_inject PRIVATE ${PROJECT_SOURCE_DIR}/include)
set_target_properties(lms_nan_inject PROPERTIES PREFIX "" OUTPUT_NAME lms_nan_inject
  C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${FIXTURE_DIR})
target_link_libraries(lms_nan_inject PRIVATE m)
if(TEST e2e_nan_inject)
  set_property(TEST e2e_nan_inject APPEND PROPERTY ENVIRONMENT
    "LMS_FIXTURE_PLUGIN_DIR=${FIXTURE_DIR}")
endif()
# The broken plugins of loader.cmake, reached through a config file.
if(TEST e2e_hostile_inputs)
  set_property(TEST e2e_hostile_inputs APPEND PROPERTY ENVIRONMENT
    "LMS_BAD_PLUGIN_DIR=${CMAKE_BINARY_DIR}/bad_plugins")
endif()
