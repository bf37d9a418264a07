# core/'s parts include only the parts below them (cmake/LmsLayout.cmake).
add_test(NAME layout_arrows
  COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -P ${PROJECT_SOURCE_DIR}/cmake/LmsLayout.cmake)
