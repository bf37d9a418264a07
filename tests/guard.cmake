# The guard_oob fixture plugin (tests/fixtures/guard_oob.c), built as a
# NORM, a SCORE_MAP and an AUX_LOSS into the fixture directory, for the
# guard-zone test that makes it write past each kind of buffer
# (tests/e2e/test_guard_zones.sh).
set(GUARD_FIXTURE_DIR ${CMAKE_BINARY_DIR}/fixture_plugins)
foreach(kind norm map aux)
  set(name guard_oob_${kind})
  add_library(lms_${name} MODULE fixtures/guard_oob.c)
  if(kind STREQUAL "norm")
    set(k LMS_KIND_NORM)
  elseif(kind STREQUAL "map")
    set(k LMS_KIND_SCORE_MAP)
  else()
    set(k LMS_KIND_AUX_LOSS)
  endif()
  target_compile_definitions(lms_${name} PRIVATE KIND=${k} NAME="${name}")
  target_include_directories(lms_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  set_target_properties(lms_${name} PROPERTIES PREFIX "" OUTPUT_NAME lms_${name}
    C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${GUARD_FIXTURE_DIR})
endforeach()
# check_bugs (tests/fixtures/check_bugs.c): a plugin with a chosen bug, and
# check_lax, whose key accepts any value, for `lmstab check`'s named
# failures (tests/e2e/test_check.sh).
foreach(name check_bugs check_lax)
  add_library(lms_${name} MODULE fixtures/check_bugs.c)
  target_compile_definitions(lms_${name} PRIVATE NAME="${name}")
  if(name STREQUAL "check_lax")
    target_compile_definitions(lms_${name} PRIVATE LAX)
  endif()
  target_include_directories(lms_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  set_target_properties(lms_${name} PROPERTIES PREFIX "" OUTPUT_NAME lms_${name}
    C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${GUARD_FIXTURE_DIR})
endforeach()
foreach(t e2e_guard_zones e2e_check)
  if(TEST ${t})
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT
      "LMS_FIXTURE_PLUGIN_DIR=${GUARD_FIXTURE_DIR}")
  endif()
endforeach()
