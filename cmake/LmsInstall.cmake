# Install rules: `cmake --install build [--prefix DIR]` puts in the prefix
# the command, its plugins and lmstab's three public surfaces, each usable
# on its own (and nothing of the core's internals: no core/ header):
#
#   bin/lmstab                          the command (lmstab check PLUGIN.so)
#   <libdir>/lmstab/lms_*.so            the plugins (cmake/LmsPlugin.cmake)
#
#   1. the plugin SDK, headers only:
#   include/lmstab/plugin.h             the layer ABI: all a plugin needs
#   include/lmstab/plugin_*.h           optional helpers (key parsing, math,
#                                       the linear layer's child calls)
#   <libdir>/pkgconfig/lmstab.pc        pkg-config; CMake: lmstab::plugin
#
#   2. the test kit, for Check tests of out-of-tree plugins:
#   include/lmstab/testkit.h            build, run and gradient-check a layer
#   include/lmstab/tk_check.h           the checks of `lmstab check`
#   include/lmstab/tk_suite.h           the Check scaffolding
#   <libdir>/liblms_testkit.a           the kit (testkit.h, tk_check.h)
#   <libdir>/liblms_tk_suite.a          tk_suite.h (needs Check)
#   <libdir>/liblmstab_engine.a         what the kit runs on: loader, layer,
#                                       host, kernels (OpenBLAS, libm, libdl,
#                                       OpenMP; no inih, cJSON, MPI)
#   <libdir>/pkgconfig/lmstab-testkit.pc  pkg-config; CMake: lmstab::testkit
#
#   3. the CMake package of both:
#   <libdir>/cmake/lmstab/              find_package(lmstab): targets
#                                       lmstab::plugin, lmstab::testkit,
#                                       lmstab::lmstab and the function
#                                       lmstab_add_plugin()
#
# Everything is relocatable: the .pc files use ${pcfiledir}, the CMake
# package computes its prefix from its own location, and the loader searches
# <dir of lmstab>/${LMS_PLUGIN_REL_DIR}.
include(CMakePackageConfigHelpers)

set(LMS_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/lmstab)
set(LMS_PKGCONFIG_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# 1. The plugin SDK: include/lmstab/plugin*.h, a header-only target.
file(GLOB LMS_SDK_HEADERS ${PROJECT_SOURCE_DIR}/include/lmstab/plugin*.h)
install(FILES ${LMS_SDK_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lmstab)
add_library(lmstab_plugin_sdk INTERFACE)
target_include_directories(lmstab_plugin_sdk INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(lmstab_plugin_sdk PROPERTIES EXPORT_NAME plugin)
install(TARGETS lmstab_plugin_sdk EXPORT lmstabTargets)

# 2. The test kit: its own headers, the kit and the engine it runs on. The
# engine is installed as a library only (the kit's headers declare what
# they use of it). lmstab::testkit is the kit plus its Check scaffolding.
install(FILES ${PROJECT_SOURCE_DIR}/tests/testkit/testkit.h
              ${PROJECT_SOURCE_DIR}/tests/testkit/tk_check.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lmstab)
set_target_properties(lmstab_engine PROPERTIES EXPORT_NAME engine)
set_target_properties(lms_testkit PROPERTIES EXPORT_NAME testkit_core)
set(lms_kit_targets lmstab_engine lms_testkit)
if(TARGET lms_tk_suite)
  install(FILES ${PROJECT_SOURCE_DIR}/tests/testkit/tk_suite.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lmstab)
  set_target_properties(lms_tk_suite PROPERTIES EXPORT_NAME testkit)
  list(APPEND lms_kit_targets lms_tk_suite)
endif()
install(TARGETS ${lms_kit_targets} EXPORT lmstabTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

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
# What the static engine links besides the pkg-config modules of Requires
# (openblas, check): OpenMP, oneDNN when it is a GEMM backend, libdl.
set(LMS_PC_EXTRA_LIBS "")
if(LMS_OPENMP)
  string(APPEND LMS_PC_EXTRA_LIBS " ${OpenMP_C_FLAGS}")
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
