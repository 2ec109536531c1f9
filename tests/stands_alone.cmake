# The repository stands alone: no tracked file may point at a path outside
# it (the shared folder beside the checkout, the machine it was written on)
# or cite notes that are not part of it. A user who clones the project has
# none of those; the facts live in docs/ (see docs/testing.md §1).
#
#   cmake -DSRC=<source dir> -P tests/stands_alone.cmake
#
# Files: `git ls-files` when SRC is a git checkout; otherwise every file
# under SRC except .git and build trees (folders with a CMakeCache.txt).
#
# The patterns are put together from pieces so that this file does not
# match them itself; before scanning, they are tried on examples that must
# and must not match, so a broken pattern fails the test instead of
# passing everything.
#
# SPDX-License-Identifier: GPL-2.0-or-later
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED SRC OR NOT IS_DIRECTORY "${SRC}")
  message(FATAL_ERROR "stands_alone.cmake: -DSRC=<source directory> is required")
endif()

set(_dot ".")
set(_sh "shared")
set(_wk "work")
set(_rt "root")
set(_nt "notes")
# A path component that starts an absolute path: the slash must not follow
# a name, a dot, a closing brace or another slash ("build/tests/fuzz/work/"
# and "${CMAKE_CURRENT_BINARY_DIR}/work/" are build paths, not this machine's).
set(_start "(^|[^A-Za-z0-9_.}/-])")

set(patterns
  "\\${_dot}\\${_dot}/${_sh}"                 # the shared folder beside the checkout
  "${_sh}/${_nt}/"                              # its notes, however reached
  "${_start}/${_wk}/"                           # absolute paths of the build machine
  "${_start}/${_rt}/"
  "[Pp]rotocol [Nn]otes"                        # citations of those notes
  "${_nt} §")
set(reasons
  "refers to the shared folder outside the repository"
  "refers to notes outside the repository"
  "contains an absolute path of the machine it was written on"
  "contains an absolute path of the machine it was written on"
  "cites notes that are not in the repository: point at docs/protocol.md"
  "cites a section of notes that are not in the repository: point at docs/")

# The patterns themselves, on lines that must match and lines that must not.
set(must_match
  "See [arch](${_dot}${_dot}/${_sh}/ARCHITECTURE.md)"
  "# from the vectors of ${_sh}/${_nt}/protocol.md"
  " * Vectors from /${_wk}/${_sh}/x.md."
  "daemon: /${_wk}/main/build/tetra-bridged"
  "`/${_rt}/x`"
  "(protocol ${_nt} §8)"
  "the Protocol ${_nt}"
  "(${_nt} §4)")
set(must_not_match
  "New inputs collect in `build/tests/fuzz/${_wk}/<target>/corpus/`"
  "            \${CMAKE_CURRENT_BINARY_DIR}/${_wk}/\${name} corpus"
  "docs/protocol.md §4"
  "see lip.c for the per-field ${_nt}"
  "### Notes"
  "shared by the layers"
  "/tmp/tbtest.XXXXXX")
foreach(line IN LISTS must_match)
  set(hit FALSE)
  foreach(re IN LISTS patterns)
    if(line MATCHES "${re}")
      set(hit TRUE)
    endif()
  endforeach()
  if(NOT hit)
    message(FATAL_ERROR "stands_alone.cmake: no pattern catches \"${line}\": the patterns are broken")
  endif()
endforeach()
foreach(line IN LISTS must_not_match)
  foreach(re IN LISTS patterns)
    if(line MATCHES "${re}")
      message(FATAL_ERROR "stands_alone.cmake: \"${re}\" wrongly catches \"${line}\": the patterns are broken")
    endif()
  endforeach()
endforeach()

# The files to check.
set(files "")
find_program(GIT git)
if(GIT)
  execute_process(COMMAND ${GIT} -C ${SRC} ls-files
    OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_QUIET)
endif()
if(GIT AND rc EQUAL 0)
  string(STRIP "${out}" out)
  string(REPLACE "\n" ";" files "${out}")
else()
  file(GLOB_RECURSE all RELATIVE ${SRC} LIST_DIRECTORIES false ${SRC}/*)
  file(GLOB_RECURSE caches RELATIVE ${SRC} ${SRC}/*/CMakeCache.txt)
  set(build_dirs "")
  foreach(c IN LISTS caches)
    get_filename_component(d ${c} DIRECTORY)
    list(APPEND build_dirs ${d})
  endforeach()
  foreach(f IN LISTS all)
    if(f MATCHES "^\\.git/")
      continue()
    endif()
    set(in_build FALSE)
    foreach(d IN LISTS build_dirs)
      string(FIND "${f}" "${d}/" pos)
      if(pos EQUAL 0)
        set(in_build TRUE)
      endif()
    endforeach()
    if(NOT in_build)
      list(APPEND files ${f})
    endif()
  endforeach()
endif()
list(LENGTH files n_files)
if(n_files EQUAL 0)
  message(FATAL_ERROR "stands_alone.cmake: no files found under ${SRC}")
endif()

# Scan. file(STRINGS) reads text line by line and copes with binary files
# (the fuzz corpus); ENCODING UTF-8 keeps lines with § or ø whole.
set(bad 0)
foreach(f IN LISTS files)
  if(f STREQUAL "" OR NOT EXISTS "${SRC}/${f}" OR IS_DIRECTORY "${SRC}/${f}")
    continue()
  endif()
  set(i 0)
  foreach(re IN LISTS patterns)
    list(GET reasons ${i} why)
    math(EXPR i "${i} + 1")
    file(STRINGS "${SRC}/${f}" hits REGEX "${re}" ENCODING UTF-8)
    foreach(h IN LISTS hits)
      string(STRIP "${h}" h)
      message(SEND_ERROR "${f}: ${why}:\n    ${h}")
      math(EXPR bad "${bad} + 1")
    endforeach()
  endforeach()
endforeach()

if(bad GREATER 0)
  message(FATAL_ERROR "${bad} line(s) point outside the repository (${n_files} files checked)")
endif()
message(STATUS "${n_files} files checked: nothing points outside the repository")
