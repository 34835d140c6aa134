# `phasewise-cli digits` end to end on a slice of the handwritten digits: figures, summary and
# the printed table. Skipped (ctest's SKIP_REGULAR_EXPRESSION) when the shared data or the
# fonts are absent.
if(NOT EXISTS "${DATA}/digits/digits.csv.gz" OR NOT EXISTS "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
  message("PHASEWISE-SKIP: shared digits data or DejaVu fonts absent")
  return()
endif()
file(REMOVE_RECURSE "${WORK}")
execute_process(COMMAND "${CLI}" digits --out "${WORK}" --data "${DATA}/digits/digits.csv.gz" --limit 150
                        --per-face 20 --epochs 4 --lambdas 30 --steps 40 --columns 4 --threads 2 --quiet
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "digits exited ${code}\nstdout: ${out}\nstderr: ${err}")
endif()
foreach(expected "accuracy before refinement: top-1" "to-label" "2-to-7" "mean change")
  string(FIND "${out}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "digits output lacks '${expected}':\n${out}")
  endif()
endforeach()
foreach(file digits-summary.tsv typeset-samples.png handwritten-samples.png entropy-lambda-30.png
             to-label-lambda-30.png to-next-digit-lambda-30.png 2-to-7-lambda-30.png)
  if(NOT EXISTS "${WORK}/${file}")
    message(FATAL_ERROR "digits did not write ${file}")
  endif()
endforeach()
# A missing data file is a one-line usage error, not a crash.
execute_process(COMMAND "${CLI}" digits --out "${WORK}/x" --data "${WORK}/none.csv.gz"
                RESULT_VARIABLE code ERROR_VARIABLE err)
if(NOT code EQUAL 1 OR NOT err MATCHES "none.csv.gz: does not exist")
  message(FATAL_ERROR "missing data: exit ${code}, '${err}'")
endif()
