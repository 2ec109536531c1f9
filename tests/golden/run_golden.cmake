# Run `tetractl decode` on one golden trace and compare with its expected
# output, or (UPDATE=ON) write the expected output from what it prints now.
#
#   cmake -DTETRACTL=<tetractl> -DTRACE=<x.pei> -DMODE=readable|json
#         [-DUPDATE=ON] [-DWORK_DIR=<dir for the actual output>] -P run_golden.cmake
#
# Expected files beside the trace:
#   x.expected          stdout of `tetractl decode x.pei`
#   x.expected.json     stdout of `tetractl decode --json x.pei`
#   x.expected.stderr   stderr of the readable run, only when there is any:
#                       the lines that did not decode. Its presence also says
#                       the exit status: 3 with it, 0 without.
#
# SPDX-License-Identifier: GPL-2.0-or-later
cmake_minimum_required(VERSION 3.25)

foreach(var TETRACTL TRACE MODE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_golden.cmake: -D${var}=... is required")
  endif()
endforeach()

get_filename_component(dir ${TRACE} DIRECTORY)
get_filename_component(name ${TRACE} NAME_WE)
set(stderr_file ${dir}/${name}.expected.stderr)
if(MODE STREQUAL "json")
  set(args decode --json ${TRACE})
  set(expected_file ${dir}/${name}.expected.json)
elseif(MODE STREQUAL "readable")
  set(args decode ${TRACE})
  set(expected_file ${dir}/${name}.expected)
else()
  message(FATAL_ERROR "run_golden.cmake: MODE is readable or json, not '${MODE}'")
endif()

execute_process(COMMAND ${TETRACTL} ${args}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
string(JOIN " " cmdline tetractl ${args})

if(UPDATE)
  if(NOT rc EQUAL 0 AND NOT rc EQUAL 3)
    message(FATAL_ERROR "${cmdline} failed (exit ${rc}): ${err}")
  endif()
  file(WRITE ${expected_file} "${out}")
  if(MODE STREQUAL "readable")
    if(err STREQUAL "")
      file(REMOVE ${stderr_file})
    else()
      file(WRITE ${stderr_file} "${err}")
    endif()
  endif()
  message(STATUS "updated ${expected_file}")
  return()
endif()

if(NOT DEFINED WORK_DIR)
  set(WORK_DIR ${CMAKE_CURRENT_BINARY_DIR})
endif()

# Compare one stream; on a difference show it as a unified diff.
function(check what expected_path actual)
  if(EXISTS ${expected_path})
    file(READ ${expected_path} expected)
  else()
    set(expected "")
  endif()
  if(NOT expected STREQUAL actual)
    get_filename_component(base ${expected_path} NAME)
    set(actual_path ${WORK_DIR}/${base}.actual)
    file(WRITE ${actual_path} "${actual}")
    message("${what} of ${cmdline} differs from ${expected_path}:")
    execute_process(COMMAND diff -u ${expected_path} ${actual_path})
    message(FATAL_ERROR "${what} differs (above). If the change is intended, review it and "
      "run the build target golden-update.")
  endif()
endfunction()

check("stdout" ${expected_file} "${out}")
if(EXISTS ${stderr_file})
  set(want_rc 3)
else()
  set(want_rc 0)
endif()
if(MODE STREQUAL "readable")
  check("stderr" ${stderr_file} "${err}")
endif()
if(NOT rc EQUAL want_rc)
  message(FATAL_ERROR "${cmdline}: exit status ${rc}, expected ${want_rc}\n${err}")
endif()
