# socklab_variant(SUFFIX OUTDIR FLAGS): the core library, one library per
# tool, and the socklab binary in OUTDIR, all compiled with FLAGS.
file(GLOB SOCKLAB_CORE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/core/*.c)
set(SOCKLAB_TOOLS serve nc echo_server echo_client chat sockets chat_client chat_server decode scan trace)

function(socklab_variant suffix outdir flags)
  add_library(socklab_core${suffix} STATIC ${SOCKLAB_CORE_SOURCES})
  target_include_directories(socklab_core${suffix} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_compile_definitions(socklab_core${suffix} PUBLIC _GNU_SOURCE
    SOCKLAB_VERSION="${PROJECT_VERSION}")
  target_compile_options(socklab_core${suffix} PUBLIC ${SOCKLAB_WARNINGS} ${flags})
  target_link_options(socklab_core${suffix} PUBLIC ${flags})
  target_link_libraries(socklab_core${suffix} PUBLIC PkgConfig::LIBEVENT PkgConfig::JANSSON m)

  set(tool_libs)
  foreach(tool ${SOCKLAB_TOOLS})
    file(GLOB tool_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${tool}/*.c)
    add_library(socklab_${tool}${suffix} STATIC ${tool_sources})
    target_link_libraries(socklab_${tool}${suffix} PUBLIC socklab_core${suffix})
    list(APPEND tool_libs socklab_${tool}${suffix})
  endforeach()
  target_link_libraries(socklab_chat${suffix} PUBLIC PkgConfig::READLINE)
  target_link_libraries(socklab_chat_client${suffix} PUBLIC PkgConfig::READLINE)
  target_link_libraries(socklab_decode${suffix} PUBLIC PkgConfig::PCAP)
  # trace reads packets with decode's parsers (DESIGN.md's one exception).
  target_link_libraries(socklab_trace${suffix} PUBLIC socklab_decode${suffix} PkgConfig::PCAP)

  add_executable(socklab${suffix} ${CMAKE_SOURCE_DIR}/src/main.c)
  target_link_libraries(socklab${suffix} PRIVATE ${tool_libs})
  set_target_properties(socklab${suffix} PROPERTIES
    OUTPUT_NAME socklab RUNTIME_OUTPUT_DIRECTORY ${outdir})
endfunction()
