# Shell completion for bash and zsh: completion/socklab.bash.in and
# completion/_socklab.in with completion/help.awk put in (the program that
# reads "socklab TOOL --help" when the shell completes; see help.awk). Output:
# build/completion/{socklab,_socklab}, installed where bash-completion and
# Debian's zsh look.
set(socklab_awk_src ${PROJECT_SOURCE_DIR}/completion/help.awk)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${socklab_awk_src})
file(READ ${socklab_awk_src} socklab_awk)
# Both scripts hold the program in single quotes: no comment lines, and no
# quote in what is left.
string(REGEX REPLACE "\n[ \t]*#[^\n]*" "" socklab_awk "\n${socklab_awk}")
string(REGEX REPLACE "\n\n+" "\n" SOCKLAB_HELP_AWK "${socklab_awk}")
if(SOCKLAB_HELP_AWK MATCHES "'")
  message(FATAL_ERROR "completion/help.awk: a single quote outside a comment line "
    "(the completion scripts quote the program with them)")
endif()
configure_file(completion/socklab.bash.in ${CMAKE_BINARY_DIR}/completion/socklab @ONLY)
configure_file(completion/_socklab.in ${CMAKE_BINARY_DIR}/completion/_socklab @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/completion/socklab
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions)
install(FILES ${CMAKE_BINARY_DIR}/completion/_socklab
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions)
