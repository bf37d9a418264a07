# The hand-written kernels also compile under -march=native (LMS_NATIVE=ON).
# Their target attributes add features to the build's own target; one that
# replaced it ("arch=x86-64-v4") failed to inline intrinsics under
# -march=native on some CPUs. Each file that sets a target is compiled here
# with the native flags, whatever this build's own LMS_NATIVE is.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  file(GLOB_RECURSE lms_native_candidates
    ${PROJECT_SOURCE_DIR}/core/*.c ${PROJECT_SOURCE_DIR}/plugins/*.c)
  set(lms_native_files "")
  foreach(f ${lms_native_candidates})
    file(STRINGS ${f} hits REGEX "LMS_TARGET_|T512|T256|target\\(")
    if(hits)
      list(APPEND lms_native_files ${f})
    endif()
  endforeach()
  foreach(f ${lms_native_files})
    get_filename_component(dir ${f} DIRECTORY)
    file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${f})
    string(REPLACE "/" "_" tname ${rel})
    add_test(NAME native_compile_${tname}
      COMMAND ${CMAKE_C_COMPILER} -std=gnu11 -O3 -march=native -fopenmp -Wall
        -Werror -I${PROJECT_SOURCE_DIR}/include -I${PROJECT_SOURCE_DIR}/core
        -I${dir} -c ${f} -o ${CMAKE_CURRENT_BINARY_DIR}/native_${tname}.o)
  endforeach()
endif()
