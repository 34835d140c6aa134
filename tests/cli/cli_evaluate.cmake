# `phasewise-cli evaluate` against the Al-Li-Fe truth, for a project file, an instance
# solution and a project whose name does not say what it is (decided by content), and a clear
# error for a file that holds no decomposition. A few iterations only: the figures are the
# decomposition tests' business; here the same result must read back the same from each file.
# Skipped (ctest's SKIP_REGULAR_EXPRESSION) when the shared data is absent.
set(TRUTH "${DATA}/drnets/Al-Li-Fe")
include("${CMAKE_CURRENT_LIST_DIR}/run_command.cmake")
require_data("${TRUTH}/decomposition_sol.npy")
run(0 "${CLI}" decompose "${TRUTH}" --phases 6 --iterations 3 -o "${WORK}/r.h5" --quiet)
run(0 "${CLI}" decompose "${TRUTH}" --phases 6 --iterations 3 -o "${WORK}/r.txt" --quiet)
file(COPY_FILE "${WORK}/r.h5" "${WORK}/r.dat")
set(first "")
foreach(result r.h5 r.txt r.dat)
  run(0 "${CLI}" evaluate "${WORK}/${result}" --truth "${TRUTH}")
  string(REGEX MATCH "matched_cos=[0-9.]+ fracL1=[0-9.]+" scores "${last_out}")
  if(scores STREQUAL "")
    message(FATAL_ERROR "evaluate ${result} printed no scores: '${last_out}'")
  endif()
  if(first STREQUAL "")
    set(first "${scores}")
  elseif(NOT scores STREQUAL first)
    message(FATAL_ERROR "evaluate ${result}: '${scores}', but '${first}' for r.h5")
  endif()
endforeach()
run(1 "${CLI}" evaluate "${TRUTH}" --truth "${TRUTH}")
if(NOT last_err MATCHES "holds no decomposition")
  message(FATAL_ERROR "evaluate on a library: '${last_err}'")
endif()
