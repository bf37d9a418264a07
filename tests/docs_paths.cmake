# (These run no compiled code: not in the memory-safety build.)
if(LMS_SANITIZE)
  return()
endif()
# Nothing published holds a machine's absolute path: the result pages, CSVs
# and manifests under docs/results, and the configs (data are named relative
# to the repository, with size and SHA-256).
add_test(NAME docs_no_absolute_paths
  COMMAND sh -c "! grep -rnIE '(/work/|/home/|/root/|/tmp/tmp[.])' \"$0/docs/results\" \"$0/configs\""
          ${PROJECT_SOURCE_DIR})
# The README's figures from published reports (quoted readings, runs and
# core-hours) agree with those reports; and the check fails on a drifted copy.
add_test(NAME docs_readme_figures
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/tools/readme_figures.sh ${PROJECT_SOURCE_DIR})
add_test(NAME docs_readme_figures_mutated
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/tools/readme_figures_mutated.sh ${PROJECT_SOURCE_DIR})
