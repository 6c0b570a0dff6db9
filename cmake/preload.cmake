# libsocklab-trace.so, the LD_PRELOAD library of `socklab trace`: built once,
# never with sanitizers (an ASan-instrumented preload breaks the program it
# is loaded into), and copied next to build/asan/socklab for the ASan runs.
# Paths are relative to this file, so any project can include it.
find_package(Threads REQUIRED)

file(GLOB SOCKLAB_PRELOAD_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_LIST_DIR}/../src/trace/preload/*.c)

add_library(socklab_trace_preload SHARED ${SOCKLAB_PRELOAD_SOURCES})
target_include_directories(socklab_trace_preload PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../src)
# _FORTIFY_SOURCE off: its inline read()/recv() wrappers would clash with the
# hooks' definitions of those very names.
target_compile_definitions(socklab_trace_preload PRIVATE _GNU_SOURCE)
target_compile_options(socklab_trace_preload PRIVATE ${SOCKLAB_WARNINGS}
  -U_FORTIFY_SOURCE -fno-sanitize=all)
target_link_options(socklab_trace_preload PRIVATE -fno-sanitize=all LINKER:-z,defs)
target_link_libraries(socklab_trace_preload PRIVATE ${CMAKE_DL_LIBS} Threads::Threads)
set_target_properties(socklab_trace_preload PROPERTIES
  OUTPUT_NAME socklab-trace
  PREFIX lib
  C_VISIBILITY_PRESET hidden
  POSITION_INDEPENDENT_CODE ON
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

# build/asan/socklab looks for the library next to itself, like build/socklab.
if(NOT DEFINED SOCKLAB_SANITIZERS OR SOCKLAB_SANITIZERS)
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/asan)
  add_custom_command(TARGET socklab_trace_preload POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E copy_if_different
      $<TARGET_FILE:socklab_trace_preload> ${CMAKE_BINARY_DIR}/asan/
    VERBATIM)
endif()
