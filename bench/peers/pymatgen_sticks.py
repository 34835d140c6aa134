import sys, time, warnings
warnings.filterwarnings("ignore")
try:
    from pymatgen.io.cif import CifParser
    from pymatgen.analysis.diffraction.xrd import XRDCalculator
except Exception as e:
    print("UNAVAILABLE", e); sys.exit(0)
repeats = int(sys.argv[1])
calc = XRDCalculator(wavelength=1.540562)
for path in sys.argv[2:]:
    try:
        s = CifParser(path).get_structures(primitive=False)[0]
    except Exception as e:
        print("FAILED", path, type(e).__name__); continue
    calc.get_pattern(s, two_theta_range=(10, 90))
    t = time.perf_counter()
    for _ in range(repeats):
        calc.get_pattern(s, two_theta_range=(10, 90))
    print("TIME", path, (time.perf_counter() - t) / repeats)
