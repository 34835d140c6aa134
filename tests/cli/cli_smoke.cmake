# End-to-end check of phasewise-cli: the example, info, convert, and error exit codes.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

include("${CMAKE_CURRENT_LIST_DIR}/run_command.cmake")

run(0 "${CLI}" example -o "${WORK}/example.h5")
run(0 "${CLI}" info "${WORK}/example.h5")
if(NOT last_out MATCHES "samples: +231" OR NOT last_out MATCHES "elements: +Fe, Co, Ni")
  message(FATAL_ERROR "info output lacks the example's summary:\n${last_out}")
endif()
run(0 "${CLI}" convert "${WORK}/example.h5" "${WORK}/example_inst.txt")
run(0 "${CLI}" info "${WORK}/example_inst.txt")
if(NOT last_out MATCHES "format: instance")
  message(FATAL_ERROR "converted file was not read as an instance file:\n${last_out}")
endif()
file(WRITE "${WORK}/bad.xy" "10 1\n11 oops\n")
run(1 "${CLI}" info "${WORK}/bad.xy")
if(NOT last_err MATCHES "bad.xy:2: column 2: 'oops' is not a number")
  message(FATAL_ERROR "error message is not the expected one-liner: ${last_err}")
endif()
string(REGEX MATCHALL "\n" lines "${last_err}")
list(LENGTH lines count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "expected a one-line error, got: ${last_err}")
endif()
run(2 "${CLI}" frobnicate)
run(2 "${CLI}" info --no-such-option x)

# Simulation and phase libraries, from a CIF written here.
file(WRITE "${WORK}/cu.cif" "data_copper\n_cell_length_a 3.61496\n_cell_length_b 3.61496\n_cell_length_c 3.61496\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCu Cu 0 0 0\n")
run(0 "${CLI}" simulate "${WORK}/cu.cif" --sticks -o "${WORK}/cu_sticks.txt")
file(STRINGS "${WORK}/cu_sticks.txt" first_peak REGEX "^43\\.3")
if(NOT first_peak MATCHES "^43\\.31[0-9]+ 2\\.087[0-9]+ [0-9.]+ 100\\.0000 1 1 1 8")
  message(FATAL_ERROR "Cu 111 is not the strongest peak at 43.316 deg: '${first_peak}'")
endif()
run(0 "${CLI}" simulate "${WORK}/cu.cif" --wavelength Mo --axis q_A --range 2:8 --points 3000 -o "${WORK}/cu_mo.xy")
run(0 "${CLI}" info "${WORK}/cu_mo.xy")
if(NOT last_out MATCHES "points: +3000" OR NOT last_out MATCHES "Q \\(A\\^-1\\), 2 \\.\\. 8")
  message(FATAL_ERROR "simulated profile has the wrong grid:\n${last_out}")
endif()
run(0 "${CLI}" library build "${WORK}/cu.cif" "${WORK}/cu_sticks.txt" -o "${WORK}/phases.h5")
run(0 "${CLI}" library info "${WORK}/phases.h5")
if(NOT last_out MATCHES "2 phases" OR NOT last_out MATCHES "structure F m -3 m \\(225\\)" OR NOT last_out MATCHES "sticks, 4 lines")
  message(FATAL_ERROR "library info does not list the two phases:\n${last_out}")
endif()
run(1 "${CLI}" info "${WORK}/phases.h5")
run(1 "${CLI}" simulate "${WORK}/bad.xy" -o "${WORK}/never.xy")

# Classifier and refinement, tiny: two phases, one short epoch.
run(0 "${CLI}" train "${WORK}/cu.cif" "${WORK}/phases.h5" --grid q_nm:20:80:256 --per-phase 20 --validation-per-phase 5
    --epochs 1 --channels 4 --quiet -o "${WORK}/c.pt")
if(NOT last_out MATCHES "stick-card texture scaling, lattice strain up to 3\\.0 %;")
  message(FATAL_ERROR "train does not say which stick-card texture and strain it trained on: ${last_out}")
endif()
run(0 "${CLI}" train "${WORK}/phases.h5" --grid q_nm:20:80:256 --per-phase 20 --validation-per-phase 5
    --epochs 1 --channels 4 --quiet --stick-texture march-dollase --strain 0.05 -o "${WORK}/c_md.pt")
if(NOT last_out MATCHES "stick-card texture march-dollase, lattice strain up to 5\\.0 %;")
  message(FATAL_ERROR "train --stick-texture march-dollase --strain 0.05 was not taken: ${last_out}")
endif()
run(2 "${CLI}" train "${WORK}/phases.h5" --grid q_nm:20:80:256 --strain 0.5 -o "${WORK}/never.pt")
if(NOT last_err MATCHES "strain")
  message(FATAL_ERROR "train --strain 0.5 was not refused by name: ${last_err}")
endif()
run(0 "${CLI}" identify "${WORK}/c.pt" "${WORK}/cu_mo.xy" --top 2)
if(NOT last_out MATCHES "^pattern\tverdict\ttypicality[^\n]*\n1\t[^\t]+\t[0-9.]+\t[^\t]+\t[0-9.]+\t[^\t]+\t[0-9.]+\n$")
  message(FATAL_ERROR "identify did not print its header and one tab-separated line: '${last_out}'")
endif()
# Chemistry: a sample said to hold only Mo and O cannot be copper. The copper phases are left
# out (stderr names them) and get no probability; --keep-foreign keeps them; a copper target
# is refused with the way out.
run(0 "${CLI}" identify "${WORK}/c.pt" "${WORK}/cu_mo.xy" --top 3 --elements Mo,O)
if(NOT last_err MATCHES "note: 2 of 3 phases left out, holding an element outside Mo, O[^\n]*: copper, copper \\(--keep-foreign"
   OR NOT last_out MATCHES "\n1\tcu_sticks\t[0-9.]+\tcu_sticks\t1\\.0000\tcopper\t0\\.0000\t")
  message(FATAL_ERROR "identify --elements Mo,O still named copper or did not say so:\n${last_out}\n${last_err}")
endif()
run(0 "${CLI}" identify "${WORK}/c.pt" "${WORK}/cu_mo.xy" --top 3 --elements Mo,O --keep-foreign)
if(last_err MATCHES "left out" OR NOT last_out MATCHES "\n1\tcopper\t")
  message(FATAL_ERROR "identify --keep-foreign left phases out:\n${last_out}\n${last_err}")
endif()
run(2 "${CLI}" refine "${WORK}/c.pt" "${WORK}/cu_mo.xy" --steps 5 --elements Mo,O --target copper -o "${WORK}/x.csv")
if(NOT last_err MATCHES "--target copper holds an element the candidates' library does not \\(--keep-foreign")
  message(FATAL_ERROR "refine aimed at a phase the chemistry rules out: ${last_err}")
endif()
run(0 "${CLI}" refine "${WORK}/c.pt" "${WORK}/cu_mo.xy" --steps 5 -o "${WORK}/refined.csv")
# Entropy refinement raises the probabilities it reports by design, and says so.
if(NOT last_out MATCHES "\n# the probabilities after are raised by the refinement itself")
  message(FATAL_ERROR "refine did not say its probabilities after are raised by the refinement: '${last_out}'")
endif()
file(STRINGS "${WORK}/refined.csv" provenance REGEX "^# (source|classifier|refinement: lambda|refined_1: candidate=)")
list(LENGTH provenance lines)
if(NOT lines EQUAL 4)
  message(FATAL_ERROR "refined.csv lacks its provenance header: ${provenance}")
endif()
# The projection keeps what the target explains and says that the probabilities after it are
# no independent evidence.
run(0 "${CLI}" refine "${WORK}/c.pt" "${WORK}/cu_mo.xy" --steps 5 --projection -o "${WORK}/projected.csv")
if(NOT last_out MATCHES "\n# projection: the probabilities after are the classifier's reading")
  message(FATAL_ERROR "refine --projection did not say what its probabilities mean: '${last_out}'")
endif()
file(STRINGS "${WORK}/projected.csv" projected REGEX "^# refinement: .*projection: only what the target explains")
if(NOT projected)
  message(FATAL_ERROR "projected.csv does not say it is a projection")
endif()
run(1 "${CLI}" identify "${WORK}/bad.xy" "${WORK}/cu_mo.xy")
# Every phase in a pattern, from the candidate phases themselves: one tab-separated line per
# phase (file, phase, intensity fraction, weight fraction, lattice scale, confidence, support, chance), an
# "unexplained" line and a summary; the same as JSON.
run(0 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/cu_mo.xy")
if(NOT last_out MATCHES "cu_mo.xy\tcopper\t1.0000\t1.0000\t[0-9.]+\t[0-9.]+\t[0-9.]+\t[0-9.]+\n[^\n]*cu_mo.xy\tunexplained\t[0-9.]+\t-\t-\t-\t-\t-\n# ")
  message(FATAL_ERROR "identify --phases-from did not print its table: '${last_out}'")
endif()
# A chemistry filter: copper is not tried in a sample said to hold only Mo (and light
# non-metals), so nothing is named and the summary says why; a bad symbol is a usage error.
run(0 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/cu_mo.xy" --elements Mo,O)
if(NOT last_out MATCHES "\tunexplained\t1.0000\t" OR NOT last_out MATCHES "0 phases, [^\n]*1 candidates left out by --elements")
  message(FATAL_ERROR "identify --elements Mo,O still tried copper: '${last_out}'")
endif()
run(0 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/cu_mo.xy" --elements "Cu, Mo")
if(NOT last_out MATCHES "cu_mo.xy\tcopper\t1.0000")
  message(FATAL_ERROR "identify --elements Cu,Mo lost copper: '${last_out}'")
endif()
run(2 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/cu_mo.xy" --elements Cu,Xx)
if(NOT last_err MATCHES "'Xx' is not an element symbol")
  message(FATAL_ERROR "a bad --elements symbol: '${last_err}'")
endif()
# Hostile input: absurd counts are usage errors (not wrapped round into an int), an empty
# pattern is a data error.
run(2 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/cu_mo.xy" --max-phases 1e12)
run(2 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/cu_mo.xy" --min-support 2)
if(NOT last_err MATCHES "--min-support expects a number from 0 to 1, got '2'")
  message(FATAL_ERROR "an out-of-range --min-support: '${last_err}'")
endif()
run(2 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/cu_mo.xy" --min-gain -1)
run(2 "${CLI}" decompose "${WORK}/cu_mo.xy" --phases-from "${WORK}/cu.cif" --free nan -o "${WORK}/never.h5")
file(WRITE "${WORK}/flat.xy" "# q_nm intensity\n20 0\n21 0\n22 0\n23 0\n24 0\n25 0\n26 0\n27 0\n28 0\n29 0\n30 0\n31 0\n32 0\n33 0\n34 0\n35 0\n36 0\n")
run(1 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/flat.xy")
# Library-guided decomposition of a 2-theta pattern measured with Mo K-alpha: the card is drawn
# with the library's own wavelength (it was drawn for Cu K-alpha1 on the 2-theta axis, matched
# nothing, and the empty result crashed the second stage).
run(0 "${CLI}" simulate "${WORK}/cu.cif" --wavelength 0.709317 --range 10:60 --points 3000 -o "${WORK}/cu_mo_2theta.xy")
run(0 "${CLI}" decompose "${WORK}/cu_mo_2theta.xy" --phases-from "${WORK}/cu.cif" --quiet -o "${WORK}/cu_mo_fit.h5")
if(NOT last_out MATCHES "1 candidate phases, 1 found" OR NOT last_out MATCHES "\ncopper\t1\t1\\.000\t1\\.000\t")
  message(FATAL_ERROR "the Mo 2-theta pattern was not fitted with its copper card: '${last_out}'")
endif()
run(0 "${CLI}" identify --phases-from "${WORK}/cu.cif" "${WORK}/cu_mo.xy" --json)
if(NOT last_out MATCHES "^\\[{\"pattern\": \"[^\"]*cu_mo.xy\", \"phases\": \\[{\"phase\": \"copper\", \"intensity_fraction\": 1.0000")
  message(FATAL_ERROR "identify --phases-from --json: '${last_out}'")
endif()

# The whole pipeline on the built-in example: reference phases, decomposition, classifier,
# identification and refinement of the decomposition's candidates, exported with provenance.
run(0 "${CLI}" example -o "${WORK}/ex.h5" --divisions 12 --reference-phases "${WORK}/ex_phases.h5")
if(NOT last_out MATCHES "12 reference phases \\(4 true, 8 decoys\\)")
  message(FATAL_ERROR "example did not write its reference phases: ${last_out}")
endif()
run(0 "${CLI}" decompose "${WORK}/ex.h5" --phases 4 -o "${WORK}/ex_project.h5")
run(0 "${CLI}" train "${WORK}/ex_phases.h5" --grid q_nm:15:80:256 --per-phase 30 --validation-per-phase 6
    --epochs 2 --channels 4 --quiet -o "${WORK}/ex.pt")
run(0 "${CLI}" refine "${WORK}/ex.pt" "${WORK}/ex_project.h5" --steps 10 --sparse -o "${WORK}/ex_refined.h5")
# The example's peaks are a thin film's (FWHM 0.82 nm^-1, about 1.2 degrees 2-theta), several
# times broader than the training default: info measures them, and a classifier trained on
# them (--fwhm-like) names every decomposed phase instead of refusing it as unknown.
run(0 "${CLI}" info "${WORK}/ex.h5")
if(NOT last_out MATCHES "peak width: +FWHM 0\\.8[0-9]+ nm\\^-1 at Q [0-9.]+ nm\\^-1 \\(1\\.[0-9]+ deg 2-theta")
  message(FATAL_ERROR "info does not measure the example's peak width: ${last_out}")
endif()
run(0 "${CLI}" train "${WORK}/ex_phases.h5" --grid q_nm:15:80:256 --per-phase 60 --validation-per-phase 10
    --epochs 4 --quiet --fwhm-like "${WORK}/ex.h5" -o "${WORK}/ex_wide.pt")
if(NOT last_out MATCHES "peak widths \\(FWHM\\) 0\\.[6-9][0-9]-3\\.[0-9]+ deg 2-theta")
  message(FATAL_ERROR "train --fwhm-like did not train on the example's widths: ${last_out}")
endif()
run(0 "${CLI}" identify "${WORK}/ex_wide.pt" "${WORK}/ex_project.h5")
if(last_out MATCHES "\tunknown\t" OR NOT last_out MATCHES "\n4\t")
  message(FATAL_ERROR "phases of the example's own widths were refused as unknown: ${last_out}")
endif()
if(last_err MATCHES "peaks")
  message(FATAL_ERROR "a classifier trained on the example's widths (read back from its file) warned: ${last_err}")
endif()
# Library unmixing: the example's candidates fitted with its reference phases, every phase
# but the classifier's first guess taken away with the background; the export says so.
run(0 "${CLI}" refine "${WORK}/ex_wide.pt" "${WORK}/ex_project.h5" --unmix-with "${WORK}/ex_phases.h5" --quiet
    -o "${WORK}/ex_unmixed.csv")
if(NOT last_out MATCHES "\n4\t[^\n]*\t->\t[^\n]*\tchange [0-9.]+\t[^\n]*background [0-9.]+ %")
  message(FATAL_ERROR "refine --unmix-with did not say what it removed: ${last_out}")
endif()
file(STRINGS "${WORK}/ex_unmixed.csv" unmixed REGEX "^# refinement: library unmixing with 12 reference phases")
if(NOT unmixed)
  message(FATAL_ERROR "the unmixed export does not say how it was made")
endif()
run(2 "${CLI}" refine "${WORK}/ex_wide.pt" "${WORK}/ex_project.h5" --unmix-with "${WORK}/ex_phases.h5"
    --loss best-target -o "${WORK}/never.csv")
if(NOT last_err MATCHES "--unmix-with replaces the refiner: --loss")
  message(FATAL_ERROR "refine --unmix-with --loss was not refused by name: ${last_err}")
endif()
# The default-width classifier is warned about, on identify and refine alike.
run(0 "${CLI}" identify "${WORK}/ex.pt" "${WORK}/ex_project.h5")
if(NOT last_err MATCHES "warning: the patterns' peaks \\(median FWHM 1\\.[0-9]+ deg 2-theta of [^)]+\\) are broader than those the classifier was trained on \\(0\\.06-0\\.25 deg\\)")
  message(FATAL_ERROR "identify did not warn of the peak widths: ${last_err}")
endif()
# A flat scan has no peak to measure, and a 2-theta scan without a wavelength cannot be put in
# the training's radiation: both refused by name, nothing trained.
file(WRITE "${WORK}/flat_scan.xy" "# axis: 2-theta (deg)\n# wavelength: 1.5406 A\n20 5\n20.05 5\n20.1 5\n20.15 5\n20.2 5\n")
file(WRITE "${WORK}/peak.xy" "20 1\n20.05 2\n20.1 9\n20.15 2\n20.2 1\n")
foreach(case "flat_scan.xy;no peak" "peak.xy;without a wavelength")
  list(GET case 0 scan)
  list(GET case 1 reason)
  run(2 "${CLI}" train "${WORK}/ex_phases.h5" --grid q_nm:15:80:256 --fwhm-like "${WORK}/${scan}" -o "${WORK}/bad.pt")
  if(NOT last_err MATCHES "--fwhm-like: .*${reason}")
    message(FATAL_ERROR "--fwhm-like ${scan} was not refused with '${reason}': ${last_err}")
  endif()
endforeach()
foreach(bad "--fwhm;3:1" "--fwhm;0:1" "--fwhm;abc" "--stick-texture;sideways")
  list(GET bad 0 option)
  run(2 "${CLI}" train "${WORK}/ex_phases.h5" --grid q_nm:15:80:256 ${bad} -o "${WORK}/bad.pt")
  if(NOT last_err MATCHES "${option}")
    message(FATAL_ERROR "'${bad}' was not refused by name: ${last_err}")
  endif()
endforeach()
run(0 "${CLI}" info "${WORK}/ex_refined.h5")
if(NOT last_out MATCHES "samples: +4")
  message(FATAL_ERROR "the refined export does not hold the 4 candidates: ${last_out}")
endif()
# The loop closed: the refined candidates seed the next decomposition, which reports what the
# round changed against the decomposition they came from, and names its phases after them.
run(0 "${CLI}" decompose "${WORK}/ex.h5" --phases 4 --seed-from "${WORK}/ex_refined.h5" --quiet
    -o "${WORK}/ex_round2.h5")
if(NOT last_out MATCHES "seeded phase\tcosine to its seed\tmean fraction\tmean fraction change"
   OR NOT last_out MATCHES "mean residual \\(L1 per sample\\): [0-9.]+ -> [0-9.]+")
  message(FATAL_ERROR "the seeded round does not report its changes: ${last_out}")
endif()
run(0 "${CLI}" decompose "${WORK}/ex.h5" --phases 4 --seed-from "${WORK}/ex_round2.h5" --seed-phases 2 --quiet
    -o "${WORK}/ex_round3.txt")
if(NOT last_out MATCHES "\n[^\t\n]+ \\([a-z]+\\)\t0\\.9[0-9]+\t")
  message(FATAL_ERROR "the phase names did not survive the project file: ${last_out}")
endif()
# Numbers from the command line are checked before anything is allocated or computed: each of
# these ends in a one-line usage error (exit 2) naming the option.
foreach(bad "--phases;2.5" "--tolerance;nan" "--device;banana" "--threads;-1" "--log-points;100000000"
            "--iterations;-5")
  run(2 "${CLI}" decompose "${WORK}/ex.h5" --phases 4 ${bad} -o "${WORK}/bad.h5")
  list(GET bad 0 option)
  if(NOT last_err MATCHES "${option} expects")
    message(FATAL_ERROR "'${bad}' was not refused by name: ${last_err}")
  endif()
endforeach()
run(2 "${CLI}" train "${WORK}/ex_phases.h5" --grid q_nm:15:80:20000000 -o "${WORK}/bad.pt")
run(2 "${CLI}" train "${WORK}/ex_phases.h5" --grid q_nm:15:80:256 --epochs -1 -o "${WORK}/bad.pt")
run(2 "${CLI}" train "${WORK}/ex_phases.h5" --grid q_nm:15:80:256 --learning-rate nan -o "${WORK}/bad.pt")
