# Small programs used by the test scripts.
add_executable(st_diff tools/st_diff.c)
target_link_libraries(st_diff PRIVATE lmstab_core)
