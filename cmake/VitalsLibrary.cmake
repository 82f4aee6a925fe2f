# SPDX-License-Identifier: MIT
# vitals_library(): one library of the project (libvitals, libvbench) in its two kinds, built
# from one compilation of its sources:
#   <name>         the static archive lib<name>.a. Every program and test of this tree links
#                  it: the vitals command is one self-contained binary, and the performance
#                  suites need libvbench inside the executable for its malloc interposition.
#   <name>_shared  lib<name>.so.<major> (BUILD_SHARED_LIBS, the default): what `make install`
#                  installs for other programs, exporting only the public API (the linker
#                  version script cmake/<name>.map; the <prefix>__ functions stay inside).
# With BUILD_SHARED_LIBS=OFF the archive is installed instead. Either way the installed one is
# vitals::<name> for find_package(vitals) and <name>.pc for pkg-config.
#
#   vitals_library(NAME SOURCES file... DEPS target...
#                  [ARCHIVE_DEPS target... SHARED_DEPS target...]
#                  [PER_KIND file... SHARED_DEFINITIONS def...])
# DEPS are linked PUBLIC by the archive (its users need them) and PRIVATE by the shared
# library; ARCHIVE_DEPS only by the archive, SHARED_DEPS only by the shared library (which also
# give the objects their include directories): one dependency in two builds, such as SQLite's
# archive and its shared library (CMakeLists.txt, VITALS_STATIC_SQLITE). PER_KIND sources are
# compiled once per kind, the shared one with SHARED_DEFINITIONS (libvbench's heap counting:
# see src/vbench/CMakeLists.txt).

include(CheckCCompilerFlag)
# A shared library compiled -fPIC may have each of its global functions replaced at run time
# (semantic interposition), so by default gcc neither inlines them nor calls them directly
# inside the library. Nothing replaces ours: tell gcc so, and bind the library's calls to its
# own public functions at link time (-Bsymbolic-functions), so the .so runs the code the
# archive runs. The same objects go into the archive, where the flag changes nothing.
check_c_compiler_flag(-fno-semantic-interposition VITALS_HAVE_NO_SEMANTIC_INTERPOSITION)

function(vitals_library name)
  cmake_parse_arguments(PARSE_ARGV 1 lib "" ""
                        "SOURCES;DEPS;ARCHIVE_DEPS;SHARED_DEPS;PER_KIND;SHARED_DEFINITIONS")
  set(common ${lib_SOURCES})
  if(lib_PER_KIND)
    list(REMOVE_ITEM common ${lib_PER_KIND})
  endif()
  set(map ${PROJECT_SOURCE_DIR}/cmake/${name}.map)

  add_library(${name}_objects OBJECT ${common})
  add_library(${name} STATIC $<TARGET_OBJECTS:${name}_objects> ${lib_PER_KIND})
  set(kinds ${name}_objects ${name})
  if(BUILD_SHARED_LIBS)
    add_library(${name}_shared SHARED $<TARGET_OBJECTS:${name}_objects> ${lib_PER_KIND})
    list(APPEND kinds ${name}_shared)
  endif()

  foreach(t ${kinds})
    target_include_directories(${t}
      PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
             $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
      PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    set_target_properties(${t} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    if(VITALS_HAVE_NO_SEMANTIC_INTERPOSITION)
      target_compile_options(${t} PRIVATE -fno-semantic-interposition)
    endif()
  endforeach()
  target_link_libraries(${name}_objects PRIVATE ${lib_DEPS} ${lib_SHARED_DEPS}
                        $<BUILD_INTERFACE:vitals_warnings>)
  target_link_libraries(${name} PUBLIC ${lib_DEPS} ${lib_ARCHIVE_DEPS}
                        PRIVATE $<BUILD_INTERFACE:vitals_warnings>)

  if(BUILD_SHARED_LIBS)
    target_link_libraries(${name}_shared PRIVATE ${lib_DEPS} ${lib_SHARED_DEPS}
                          $<BUILD_INTERFACE:vitals_warnings>)
    target_compile_definitions(${name}_shared PRIVATE ${lib_SHARED_DEFINITIONS})
    target_link_options(${name}_shared PRIVATE -Wl,--version-script=${map}
                        -Wl,-Bsymbolic-functions)
    # Every symbol the library needs is resolved when it is linked, except in sanitizer and
    # fuzzing builds, whose runtime lives in the executable.
    if(NOT VITALS_SANITIZE AND NOT VITALS_FUZZ)
      target_link_options(${name}_shared PRIVATE -Wl,--no-undefined)
    endif()
    set_target_properties(${name}_shared PROPERTIES
      OUTPUT_NAME ${name} EXPORT_NAME ${name} LINK_DEPENDS ${map}
      VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
    install(TARGETS ${name}_shared EXPORT vitalsTargets
            LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  else()
    install(TARGETS ${name} EXPORT vitalsTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  endif()
endfunction()
