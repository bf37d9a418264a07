# The SDK end to end: `cmake --install` this build into a temporary prefix,
# build examples/my_norm against the installed copy (find_package and
# pkg-config), run its Check test, load it through --plugin-dir and train a
# few steps, and check that the installed (and then moved) lmstab finds its
# own plugins with no environment variable. See tests/install/test_install.sh.
if(LMS_SANITIZE)
  return() # the installed static libs would need the sanitizer runtime
endif()
add_test(NAME install_sdk
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/install/test_install.sh
          ${CMAKE_COMMAND} ${CMAKE_CTEST_COMMAND} ${CMAKE_BINARY_DIR}
          ${PROJECT_SOURCE_DIR} ${CMAKE_INSTALL_BINDIR} ${CMAKE_INSTALL_LIBDIR})
set_tests_properties(install_sdk PROPERTIES
  ENVIRONMENT "OPENBLAS_NUM_THREADS=1;CK_DEFAULT_TIMEOUT=120" TIMEOUT 600 LABELS "install")

