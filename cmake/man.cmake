# Man pages, made at build time from the Markdown in docs/: each
# docs/man/NAME.SECTION.md holds a page's NAME, SYNOPSIS and SEE ALSO around
# "@include ../TOOL.md@" lines, and cmake/manpage.sh expands those and
# converts the result with lowdown (Debian package lowdown). Output:
# build/man/NAME.SECTION, installed under share/man/manSECTION.
option(SOCKLAB_MAN "make and install the man pages (needs lowdown)" ON)
if(NOT SOCKLAB_MAN)
  message(STATUS "socklab: man pages off (SOCKLAB_MAN=OFF)")
  return()
endif()
find_program(SOCKLAB_LOWDOWN lowdown)
if(NOT SOCKLAB_LOWDOWN)
  message(FATAL_ERROR "socklab: the man pages are made with lowdown, which is "
    "missing: install the Debian package lowdown (scripts/deps.sh build), or "
    "configure with -DSOCKLAB_MAN=OFF to build without man pages.")
endif()

file(GLOB socklab_man_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/*.md)
set(socklab_man_pages)
foreach(src ${socklab_man_sources})
  get_filename_component(page ${src} NAME_WLE)        # socklab-scan.1
  string(REGEX REPLACE ".*\\.([1-9])$" "\\1" section ${page})
  # The docs a page includes: rebuild it when one of them changes.
  set(deps ${src})
  file(STRINGS ${src} includes REGEX "^@include [^@ ]+( skip=[^@]*)?@$")
  foreach(inc ${includes})
    string(REGEX REPLACE "^@include ([^@ ]+).*$" "\\1" doc "${inc}")
    list(APPEND deps ${PROJECT_SOURCE_DIR}/docs/man/${doc})
  endforeach()
  set(out ${CMAKE_BINARY_DIR}/man/${page})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/manpage.sh ${SOCKLAB_LOWDOWN} ${src} ${out}
            ${PROJECT_VERSION}
    DEPENDS ${deps} ${PROJECT_SOURCE_DIR}/cmake/manpage.sh ${PROJECT_SOURCE_DIR}/cmake/manroff.awk
    COMMENT "man page ${page}" VERBATIM)
  list(APPEND socklab_man_pages ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(man ALL DEPENDS ${socklab_man_pages})
