# docs/keys.md is `lmstab plugins --markdown` over the built plugins: fail
# when it is stale (regenerate: cmake --build build --target docs-keys).
add_test(NAME docs_keys
  COMMAND ${CMAKE_COMMAND} -DLMSTAB=$<TARGET_FILE:lmstab>
          -DPLUGIN_DIR=${LMS_PLUGIN_OUTPUT_DIR}
          -DDOC=${PROJECT_SOURCE_DIR}/docs/keys.md -DMODE=check
          -P ${PROJECT_SOURCE_DIR}/cmake/LmsKeysDoc.cmake)
