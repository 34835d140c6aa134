# run(EXPECTED_EXIT_CODE COMMAND ARGS...): runs a command, fails the test with its output when
# it exits otherwise, and leaves its output in last_out / last_err. Shared by the CLI scripts.
function(run expect_code)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL expect_code)
    message(FATAL_ERROR "'${ARGN}' exited ${code}, expected ${expect_code}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(last_out "${out}" PARENT_SCOPE)
  set(last_err "${err}" PARENT_SCOPE)
endfunction()

# require_data(FILE): skips the test (ctest's SKIP_REGULAR_EXPRESSION) when the shared data
# file is absent, else starts from an empty ${WORK}. A macro, so that return() leaves the script.
macro(require_data file)
  if(NOT EXISTS "${file}")
    message("PHASEWISE-SKIP: ${file} absent")
    return()
  endif()
  file(REMOVE_RECURSE "${WORK}")
  file(MAKE_DIRECTORY "${WORK}")
endmacro()
