# lmstab_add_plugin(NAME SOURCES...)
#
# Builds the lmstab plugin lms_NAME.so from SOURCES (installed with the lmstab
# CMake package; the in-tree equivalent is cmake/LmsPlugin.cmake). It applies
# what the loader and the ABI expect:
#   - a MODULE library named exactly lms_NAME.so (no "lib" prefix): the
#     loader maps the INI name NAME to that file;
#   - hidden visibility, so only LMS_PLUGIN_ENTRY's lms_plugin_entry is
#     exported;
#   - -Wl,--no-undefined: a plugin links libc/libm only and reaches the core
#     through the host table, so an unresolved symbol is a build error here
#     instead of a dlopen error later;
#   - the lmstab headers (lmstab::plugin) and libm.
# NAME must match [a-z][a-z0-9_]{0,31} and equal the descriptor's .name.
function(lmstab_add_plugin name)
  if(NOT name MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "lmstab_add_plugin: '${name}' is not a valid plugin "
                        "name ([a-z][a-z0-9_]{0,31})")
  endif()
  string(LENGTH "${name}" len)
  if(len GREATER 31)
    message(FATAL_ERROR "lmstab_add_plugin: '${name}' is longer than 31 characters")
  endif()
  set(srcs ${ARGN})
  if(NOT srcs)
    set(srcs ${name}.c)
  endif()
  add_library(lms_${name} MODULE ${srcs})
  set_target_properties(lms_${name} PROPERTIES
    PREFIX "" OUTPUT_NAME lms_${name} SUFFIX ".so"
    C_VISIBILITY_PRESET hidden)
  target_link_libraries(lms_${name} PRIVATE lmstab::plugin m)
  target_link_options(lms_${name} PRIVATE -Wl,--no-undefined)
endfunction()
