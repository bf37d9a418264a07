# Open MPI tests: data-parallel equivalence, distributed sweep, failed rank.
# Run only when lmstab was built with MPI and mpirun exists.
find_program(LMS_MPIRUN NAMES mpirun mpiexec)
if(LMS_HAVE_MPI AND LMS_MPIRUN)
  # lmstab's collectives driven directly, with ranks misbehaving on purpose
  add_executable(dist_probe mpi/dist_probe.c)
  target_link_libraries(dist_probe PRIVATE lmstab_core)
  file(GLOB mpi_scripts ${CMAKE_CURRENT_SOURCE_DIR}/mpi/test_*.sh)
  list(SORT mpi_scripts)
  foreach(script ${mpi_scripts})
    get_filename_component(name ${script} NAME_WE)
    string(REGEX REPLACE "^test_" "" name ${name})
    add_test(NAME mpi_${name} COMMAND sh ${script} $<TARGET_FILE:lmstab>
             ${PROJECT_SOURCE_DIR} ${LMS_PLUGIN_OUTPUT_DIR} ${LMS_MPIRUN}
             $<TARGET_FILE:st_diff> $<TARGET_FILE:dist_probe>)
    # two ranks on a 2-core machine: keep other tests off the cores meanwhile
    set_tests_properties(mpi_${name} PROPERTIES RUN_SERIAL TRUE TIMEOUT 300
      ENVIRONMENT "OPENBLAS_NUM_THREADS=1;OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")
  endforeach()
endif()
