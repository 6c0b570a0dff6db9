# socklab_variant(SUFFIX OUTDIR FLAGS): the core library, the domain
# libraries, one library per tool, and the socklab binary in OUTDIR, all
# compiled with FLAGS.
#
# The layers (docs/ARCHITECTURE.md): main.c -> tools -> libraries -> core.
# A unit sees only the headers it may use: its include path is a folder of
# its own under build/inc/ holding links to core/, to itself and to the
# libraries it names below, so an include across a forbidden line does not
# compile. tests/lint/layers.py checks the same table on the sources (ctest
# lint/layers), and says which line broke.
file(GLOB SOCKLAB_CORE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/core/*.c)
set(SOCKLAB_LIBS pkt chatwire echolib guard)
set(SOCKLAB_TOOLS serve nc echo_server echo_client chat sockets chat_client chat_server decode scan trace tcplab)

# What each library and tool may include besides core/ and itself.
set(SOCKLAB_USES_pkt "")
set(SOCKLAB_USES_chatwire "")
set(SOCKLAB_USES_echolib guard)
set(SOCKLAB_USES_guard "")
set(SOCKLAB_USES_serve echolib guard)
set(SOCKLAB_USES_nc "")
set(SOCKLAB_USES_echo_server echolib guard)
set(SOCKLAB_USES_echo_client echolib)
set(SOCKLAB_USES_chat chatwire)
set(SOCKLAB_USES_sockets "")
set(SOCKLAB_USES_chat_client chatwire)
set(SOCKLAB_USES_chat_server chatwire guard)
set(SOCKLAB_USES_decode pkt)
set(SOCKLAB_USES_scan "")
set(SOCKLAB_USES_trace pkt)
set(SOCKLAB_USES_tcplab pkt)

# The table for tests/lint/layers.py: one line per unit, "unit: uses...".
set(layers_text "core:\n")
foreach(unit ${SOCKLAB_LIBS} ${SOCKLAB_TOOLS})
  string(REPLACE ";" " " uses "${SOCKLAB_USES_${unit}}")
  string(APPEND layers_text "${unit}: ${uses}\n")
endforeach()
file(WRITE ${CMAKE_BINARY_DIR}/layers.txt "${layers_text}")

# build/inc/UNIT/{core,UNIT,uses...} -> src/...
function(socklab_include_dir unit out)
  set(dir ${CMAKE_BINARY_DIR}/inc/${unit})
  file(MAKE_DIRECTORY ${dir})
  set(seen core ${unit} ${SOCKLAB_USES_${unit}})
  list(REMOVE_DUPLICATES seen)
  foreach(name ${seen})
    if(NOT EXISTS ${dir}/${name})
      file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${name} ${dir}/${name} SYMBOLIC)
    endif()
  endforeach()
  set(${out} ${dir} PARENT_SCOPE)
endfunction()

function(socklab_variant suffix outdir flags)
  socklab_include_dir(core core_inc)
  add_library(socklab_core${suffix} STATIC ${SOCKLAB_CORE_SOURCES})
  target_include_directories(socklab_core${suffix} PRIVATE ${core_inc})
  target_compile_definitions(socklab_core${suffix} PUBLIC _GNU_SOURCE
    SOCKLAB_VERSION="${PROJECT_VERSION}")
  target_compile_options(socklab_core${suffix} PUBLIC ${SOCKLAB_WARNINGS} ${flags})
  target_link_options(socklab_core${suffix} PUBLIC ${flags})
  target_link_libraries(socklab_core${suffix} PUBLIC PkgConfig::LIBEVENT PkgConfig::JANSSON m)

  foreach(lib ${SOCKLAB_LIBS})
    file(GLOB lib_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${lib}/*.c)
    socklab_include_dir(${lib} lib_inc)
    add_library(socklab_${lib}${suffix} STATIC ${lib_sources})
    target_include_directories(socklab_${lib}${suffix} PRIVATE ${lib_inc})
    target_link_libraries(socklab_${lib}${suffix} PUBLIC socklab_core${suffix})
  endforeach()
  foreach(lib ${SOCKLAB_LIBS})
    foreach(used ${SOCKLAB_USES_${lib}})
      target_link_libraries(socklab_${lib}${suffix} PUBLIC socklab_${used}${suffix})
    endforeach()
  endforeach()
  target_link_libraries(socklab_pkt${suffix} PUBLIC PkgConfig::PCAP)

  set(tool_libs)
  foreach(tool ${SOCKLAB_TOOLS})
    file(GLOB tool_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${tool}/*.c)
    socklab_include_dir(${tool} tool_inc)
    add_library(socklab_${tool}${suffix} STATIC ${tool_sources})
    target_include_directories(socklab_${tool}${suffix} PRIVATE ${tool_inc})
    target_link_libraries(socklab_${tool}${suffix} PUBLIC socklab_core${suffix})
    foreach(lib ${SOCKLAB_USES_${tool}})
      target_link_libraries(socklab_${tool}${suffix} PUBLIC socklab_${lib}${suffix})
    endforeach()
    list(APPEND tool_libs socklab_${tool}${suffix})
  endforeach()
  target_link_libraries(socklab_chat${suffix} PUBLIC PkgConfig::READLINE)
  target_link_libraries(socklab_chat_client${suffix} PUBLIC PkgConfig::READLINE)
  target_link_libraries(socklab_decode${suffix} PUBLIC PkgConfig::PCAP)
  target_link_libraries(socklab_tcplab${suffix} PUBLIC PkgConfig::PCAP PkgConfig::LIBBPF)
  target_link_libraries(socklab_trace${suffix} PUBLIC PkgConfig::PCAP PkgConfig::LIBBPF
    PkgConfig::LIBDW)
  # The eBPF backend writes the preload's record lines with the preload's
  # own bounded writer and name tables.
  target_sources(socklab_trace${suffix} PRIVATE
    ${CMAKE_SOURCE_DIR}/src/trace/preload/emit.c ${CMAKE_SOURCE_DIR}/src/trace/preload/names.c)
  # build/bpf/NAME.skel.h (cmake/bpf.cmake); "-isystem": generated code.
  target_include_directories(socklab_trace${suffix} SYSTEM PRIVATE ${SOCKLAB_BPF_DIR})
  add_dependencies(socklab_trace${suffix} socklab_bpf_skeletons)
  target_include_directories(socklab_tcplab${suffix} SYSTEM PRIVATE ${SOCKLAB_BPF_DIR})
  add_dependencies(socklab_tcplab${suffix} socklab_bpf_skeletons)

  # main.c dispatches to every tool: it alone sees them all.
  add_executable(socklab${suffix} ${CMAKE_SOURCE_DIR}/src/main.c)
  target_include_directories(socklab${suffix} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(socklab${suffix} PRIVATE ${tool_libs})
  set_target_properties(socklab${suffix} PROPERTIES
    OUTPUT_NAME socklab RUNTIME_OUTPUT_DIRECTORY ${outdir})
endfunction()
