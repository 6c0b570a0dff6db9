# The eBPF programs (trace's, tcplab's): src/UNIT/bpf/NAME.bpf.c is compiled
# with clang's BPF target against vmlinux.h (CO-RE: bpftool dumps the build
# machine's kernel BTF; libbpf relocates field offsets to the running
# kernel's at load time) and turned into build/bpf/NAME.skel.h by `bpftool
# gen skeleton`, which the unit's user-space side includes (the object is
# embedded in the binary, so nothing is installed beside it).
#
# Debian 12: clang, libbpf-dev, bpftool (scripts/deps.sh build).
find_program(SOCKLAB_CLANG clang)
find_program(SOCKLAB_BPFTOOL bpftool PATHS /usr/sbin /sbin)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf>=1.0)
pkg_check_modules(LIBDW REQUIRED IMPORTED_TARGET libdw)
if(NOT SOCKLAB_CLANG OR NOT SOCKLAB_BPFTOOL)
  message(FATAL_ERROR "the eBPF programs (trace, tcplab) need clang and bpftool: "
    "apt-get install -y clang bpftool libbpf-dev (or run scripts/deps.sh build)")
endif()

set(SOCKLAB_BPF_DIR ${CMAKE_BINARY_DIR}/bpf)
file(MAKE_DIRECTORY ${SOCKLAB_BPF_DIR})

# The kernel's types: CO-RE needs a BTF to compile against; the running
# kernel's is taken, and configure stops with a clear line when it has none.
set(SOCKLAB_VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH
  "kernel BTF that vmlinux.h is generated from")
if(NOT EXISTS ${SOCKLAB_VMLINUX_BTF})
  message(FATAL_ERROR "${SOCKLAB_VMLINUX_BTF} is missing: the kernel has no BTF "
    "(CONFIG_DEBUG_INFO_BTF); pass -DSOCKLAB_VMLINUX_BTF=FILE")
endif()
add_custom_command(OUTPUT ${SOCKLAB_BPF_DIR}/vmlinux.h
  COMMAND ${SOCKLAB_BPFTOOL} btf dump file ${SOCKLAB_VMLINUX_BTF} format c
    > ${SOCKLAB_BPF_DIR}/vmlinux.h.tmp
  COMMAND ${CMAKE_COMMAND} -E rename ${SOCKLAB_BPF_DIR}/vmlinux.h.tmp
    ${SOCKLAB_BPF_DIR}/vmlinux.h
  COMMENT "vmlinux.h from ${SOCKLAB_VMLINUX_BTF}"
  VERBATIM)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(SOCKLAB_BPF_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(SOCKLAB_BPF_ARCH arm64)
else()
  set(SOCKLAB_BPF_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()

# socklab_bpf_programs(DIR): every DIR/NAME.bpf.c becomes
# build/bpf/NAME.bpf.o and build/bpf/NAME.skel.h (skeleton NAME, so NAME is
# unique across the directories); DIR's headers are on the program's include
# path and rebuild it when they change.
set(SOCKLAB_BPF_SKELETONS)
function(socklab_bpf_programs dir)
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.bpf.c)
  file(GLOB headers CONFIGURE_DEPENDS ${dir}/*.h)
  set(skels ${SOCKLAB_BPF_SKELETONS})
  foreach(src ${sources})
    get_filename_component(name ${src} NAME_WE)
    set(obj ${SOCKLAB_BPF_DIR}/${name}.bpf.o)
    set(skel ${SOCKLAB_BPF_DIR}/${name}.skel.h)
    add_custom_command(OUTPUT ${obj}
      COMMAND ${SOCKLAB_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${SOCKLAB_BPF_ARCH}
        -Wall -Werror -I${SOCKLAB_BPF_DIR} -I${dir}
        -c ${src} -o ${obj}
      DEPENDS ${src} ${headers} ${SOCKLAB_BPF_DIR}/vmlinux.h
      COMMENT "BPF object ${name}.bpf.o"
      VERBATIM)
    add_custom_command(OUTPUT ${skel}
      COMMAND ${SOCKLAB_BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}.tmp
      COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
      DEPENDS ${obj}
      COMMENT "BPF skeleton ${name}.skel.h"
      VERBATIM)
    list(APPEND skels ${skel})
  endforeach()
  set(SOCKLAB_BPF_SKELETONS ${skels} PARENT_SCOPE)
endfunction()

# trace's kernel observer; tcplab's recorder of tcp:tcp_probe.
socklab_bpf_programs(${CMAKE_SOURCE_DIR}/src/trace/bpf)
socklab_bpf_programs(${CMAKE_SOURCE_DIR}/src/tcplab/bpf)
add_custom_target(socklab_bpf_skeletons DEPENDS ${SOCKLAB_BPF_SKELETONS})
