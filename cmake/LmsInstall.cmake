# Install rules: `cmake --install build [--prefix DIR]` puts in the prefix
#
#   bin/lmstab                          the command
#   <libdir>/lmstab/lms_*.so            the plugins (cmake/LmsPlugin.cmake)
#   include/lmstab/*.h                  the public headers; plugin.h is all a
#                                       plugin needs (plugin_util.h: optional
#                                       key parsing), testkit.h and tk_suite.h
#                                       are the test kit
#   <libdir>/liblmstab_core.a           the core, for tests of out-of-tree
#   <libdir>/liblms_testkit.a           plugins (lms_tk_gradcheck & co.)
#   <libdir>/pkgconfig/lmstab.pc        pkg-config: the plugin SDK
#   <libdir>/pkgconfig/lmstab-testkit.pc  pkg-config: core + test kit
#   <libdir>/cmake/lmstab/              find_package(lmstab): targets
#                                       lmstab::plugin, lmstab::core,
#                                       lmstab::testkit, lmstab::lmstab and
#                                       the function lmstab_add_plugin()
#
# Everything is relocatable: the .pc files use ${pcfiledir}, the CMake
# package computes its prefix from its own location, and the loader searches
# <dir of lmstab>/${LMS_PLUGIN_REL_DIR}.
include(CMakePackageConfigHelpers)

set(LMS_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/lmstab)
set(LMS_PKGCONFIG_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Headers: the plugin SDK (include/lmstab/plugin*.h), and the test kit's.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/lmstab
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

# Header-only target for plugins: include dirs, nothing to link.
add_library(lmstab_plugin_sdk INTERFACE)
target_include_directories(lmstab_plugin_sdk INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(lmstab_plugin_sdk PROPERTIES EXPORT_NAME plugin)
set_target_properties(lmstab_core PROPERTIES EXPORT_NAME core)
install(TARGETS lmstab_plugin_sdk lmstab_core EXPORT lmstabTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET lms_testkit)
  # Out of tree: #include <lmstab/testkit.h> (include dir from lmstab::core).
  set_target_properties(lms_testkit PROPERTIES EXPORT_NAME testkit)
  install(TARGETS lms_testkit EXPORT lmstabTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(FILES ${PROJECT_SOURCE_DIR}/tests/testkit/testkit.h
                ${PROJECT_SOURCE_DIR}/tests/testkit/tk_suite.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lmstab)
  # The engine headers testkit.h exposes (lms_layer, lms_loader, lms_rng),
  # under lmstab/kit/ with their core/ paths.
  install(FILES ${PROJECT_SOURCE_DIR}/core/engine/layer.h ${PROJECT_SOURCE_DIR}/core/engine/loader.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lmstab/kit/engine)
  install(FILES ${PROJECT_SOURCE_DIR}/core/util/rng.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lmstab/kit/util)
  target_include_directories(lms_testkit PUBLIC
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/lmstab/kit>)
endif()

install(EXPORT lmstabTargets NAMESPACE lmstab::
        DESTINATION ${LMS_CMAKE_INSTALL_DIR})
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/lmstabConfig.cmake.in
  ${CMAKE_BINARY_DIR}/lmstabConfig.cmake
  INSTALL_DESTINATION ${LMS_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR CMAKE_INSTALL_LIBDIR)
# Same major version = same plugin ABI major (checked again at load time).
write_basic_package_version_file(${CMAKE_BINARY_DIR}/lmstabConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/lmstabConfig.cmake
              ${CMAKE_BINARY_DIR}/lmstabConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/lmstabPlugin.cmake
        DESTINATION ${LMS_CMAKE_INSTALL_DIR})

# pkg-config files, relocatable: prefix is found from the .pc file's own dir.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(LMS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(LMS_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH lms_pc_up "/x/${LMS_PKGCONFIG_INSTALL_DIR}" "/x")
  string(REGEX REPLACE "/$" "" lms_pc_up "${lms_pc_up}")
  set(LMS_PC_PREFIX "\${pcfiledir}/${lms_pc_up}")
  set(LMS_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(LMS_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(LMS_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
file(STRINGS ${PROJECT_SOURCE_DIR}/include/lmstab/plugin.h lms_abi_lines
     REGEX "^#define LMS_ABI_(MAJOR|MINOR) [0-9]+")
foreach(line ${lms_abi_lines})
  string(REGEX REPLACE "^#define (LMS_ABI_[A-Z]+) ([0-9]+).*" "\\1;\\2" kv "${line}")
  list(GET kv 0 k)
  list(GET kv 1 v)
  set(${k} ${v})
endforeach()
# What the static core links besides the pkg-config modules of Requires.
set(LMS_PC_EXTRA_LIBS "")
if(LMS_OPENMP)
  string(APPEND LMS_PC_EXTRA_LIBS " ${OpenMP_C_FLAGS}")
endif()
if(LMS_HAVE_MPI)
  find_package(MPI QUIET COMPONENTS C) # cached by core/CMakeLists.txt
  foreach(lib ${MPI_C_LIBRARIES})
    string(APPEND LMS_PC_EXTRA_LIBS " ${lib}")
  endforeach()
endif()
if(LMS_HAVE_SPM)
  string(APPEND LMS_PC_EXTRA_LIBS " -lsentencepiece -lsentencepiece_train -lstdc++")
endif()
if(LMS_HAVE_ONEDNN) # found by core/CMakeLists.txt; as -L/-l: pkg_check_modules
  # puts a bare library path among the link options, before the objects
  get_filename_component(lms_dnnl_dir ${LMS_DNNL_LIB} DIRECTORY)
  string(APPEND LMS_PC_EXTRA_LIBS " -L${lms_dnnl_dir} -ldnnl")
endif()
foreach(lib ${CMAKE_DL_LIBS})
  string(APPEND LMS_PC_EXTRA_LIBS " -l${lib}")
endforeach()
foreach(pc lmstab lmstab-testkit)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${CMAKE_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/${pc}.pc DESTINATION ${LMS_PKGCONFIG_INSTALL_DIR})
endforeach()
