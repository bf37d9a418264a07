# ctest layout_arrows: core/'s parts include only themselves and the parts
# below them, so the layers of README's Layout hold:
#   util < kernels < io < engine < train < sweep < report < cli
# Run as cmake -DROOT=<source dir> -P LmsLayout.cmake; lists every include
# that points upward and fails if there is one.
set(parts util kernels io engine train sweep report cli)
set(bad "")
foreach(part ${parts})
  list(FIND parts ${part} rank)
  file(GLOB files ${ROOT}/core/${part}/*)
  foreach(f ${files})
    file(STRINGS ${f} lines REGEX "^#include \"[a-z_]+/")
    foreach(line ${lines})
      string(REGEX REPLACE "^#include \"([a-z_]+)/.*" "\\1" to "${line}")
      list(FIND parts ${to} to_rank)
      if(to_rank GREATER rank)
        file(RELATIVE_PATH rel ${ROOT} ${f})
        string(APPEND bad "  ${rel}: ${line} (${part} may include only parts below it)\n")
      endif()
    endforeach()
  endforeach()
  # a file outside every part would escape the check
endforeach()
file(GLOB loose ${ROOT}/core/*.c ${ROOT}/core/*.h)
foreach(f ${loose})
  file(RELATIVE_PATH rel ${ROOT} ${f})
  string(APPEND bad "  ${rel}: outside every part of core/\n")
endforeach()
if(bad)
  message(FATAL_ERROR "core/ layering broken:\n${bad}")
endif()
