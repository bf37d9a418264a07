# cmake -DLMSTAB=<lmstab> -DPLUGIN_DIR=<dir> -DDOC=docs/keys.md -DMODE=check|update
#   -P cmake/LmsKeysDoc.cmake
# Generates the key reference with `lmstab plugins --markdown` (the core
# sections and every plugin's descriptor). MODE=update writes DOC; MODE=check
# fails with a diff when DOC differs (the docs_keys test).
foreach(v LMSTAB PLUGIN_DIR DOC MODE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "LmsKeysDoc.cmake: -D${v}=... is required")
  endif()
endforeach()
get_filename_component(out_dir "${DOC}" DIRECTORY)
set(generated "${CMAKE_CURRENT_BINARY_DIR}/keys.md.generated")
# Only the built plugins: no $LMSTAB_PLUGIN_PATH entries.
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env --unset=LMSTAB_PLUGIN_PATH
          ${LMSTAB} plugins --markdown --plugin-dir ${PLUGIN_DIR}
  OUTPUT_FILE "${generated}" ERROR_VARIABLE errors RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lmstab plugins --markdown failed (${rc}):\n${errors}")
endif()
if(MODE STREQUAL "update")
  file(MAKE_DIRECTORY "${out_dir}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${generated}" "${DOC}")
  file(REMOVE "${generated}")
  message(STATUS "wrote ${DOC}")
  return()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${generated}" "${DOC}"
                RESULT_VARIABLE differ)
if(differ)
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u "${DOC}" "${generated}")
  endif()
  file(REMOVE "${generated}")
  message(FATAL_ERROR "${DOC} is stale: a plugin's or the core's keys changed. "
          "Regenerate it with: cmake --build <build dir> --target docs-keys")
endif()
file(REMOVE "${generated}")
message(STATUS "${DOC} is up to date")
