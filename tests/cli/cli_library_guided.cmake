# The library-guided decomposition from the command line on Al-Li-Fe with its 159 candidate
# stick cards: the spinel solid solution, which the fit draws with several spinel cards, is
# reported as one phase (the merge says so), six phases in all, and the fractions follow the
# truth (fraction L1 <= 0.05; 0.83 before the merge). Skipped when the shared data is absent.
set(TRUTH "${DATA}/drnets/Al-Li-Fe")
include("${CMAKE_CURRENT_LIST_DIR}/run_command.cmake")
require_data("${TRUTH}/sticks_lib.tsv")
run(0 "${CLI}" decompose "${TRUTH}" --phases-from "${TRUTH}/sticks_lib.tsv" --threads 2 --quiet -o "${WORK}/lib.txt")
if(NOT last_out MATCHES "159 candidate phases, 6 found")
  message(FATAL_ERROR "expected six phases from the 159 cards: '${last_out}'")
endif()
if(NOT last_out MATCHES "one phase drawn by several cards[^\n]*Li0.5Fe1.5AlO4[^\n]*also as")
  message(FATAL_ERROR "the spinel cards were not reported as one phase: '${last_out}'")
endif()
run(0 "${CLI}" evaluate "${WORK}/lib.txt" --truth "${TRUTH}")
string(REGEX MATCH "fracL1=([0-9.]+) gibbs_violations=([0-9]+)" scores "${last_out}")
if(scores STREQUAL "" OR CMAKE_MATCH_1 GREATER 0.05 OR NOT CMAKE_MATCH_2 EQUAL 0)
  message(FATAL_ERROR "Al-Li-Fe library-guided: '${last_out}'")
endif()
message("Al-Li-Fe library-guided: ${scores}")
