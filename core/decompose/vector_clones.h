#pragma once
// PHASEWISE_VECTOR_CLONES before a hot function compiles it twice, for AVX2 and for the
// baseline x86-64 the packages are built for, and picks one when the program loads (GCC's
// target_clones). The decompositions spend most of their time in float dot products and
// shifts; on AVX2 they run about 20 % faster (Al-Li-Fe library-guided: 7.6 -> 6.0 s on one
// thread), on older processors as before.
//
// The clones compute the same numbers: AVX2 without FMA changes no rounding, and the kernels
// sum in a fixed number of lanes (shift_kernels::dot) instead of the vector width, so a result
// does not depend on the machine it was computed on.
//
// Off with other compilers (the clang fuzzing build) and architectures, under ThreadSanitizer
// (the clones' load-time resolver is instrumented and runs before TSan has started: every
// program of the Tsan build crashed while loading), or when PHASEWISE_NO_VECTOR_CLONES is
// defined (to compare the two): one plain version.

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__) && !defined(PHASEWISE_NO_VECTOR_CLONES)
#define PHASEWISE_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PHASEWISE_VECTOR_CLONES
#endif
