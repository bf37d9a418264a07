# The command-line test calls the commands themselves (lmstab_cli), not
# only the core library.
if(TARGET test_core_cli)
  target_link_libraries(test_core_cli PRIVATE lmstab_cli)
endif()
