# Sanitizer build types, selectable with -DCMAKE_BUILD_TYPE=Asan or Tsan.
#   Asan: AddressSanitizer + UndefinedBehaviorSanitizer, errors are fatal.
#   Tsan: ThreadSanitizer; run with TSAN_OPTIONS=suppressions=cmake/tsan.supp because
#         Debian's Qt and OpenBLAS are not instrumented.
# -g1: line tables and function names, all a sanitizer's stack trace prints (file:line), without
# the types and locals of full -g, which made the LibTorch files compile a third slower.
set(_pw_asan_flags "-O1 -g1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined")
set(_pw_tsan_flags "-O1 -g1 -fno-omit-frame-pointer -fsanitize=thread")

foreach(lang C CXX)
  set(CMAKE_${lang}_FLAGS_ASAN "${_pw_asan_flags}" CACHE STRING "" FORCE)
  set(CMAKE_${lang}_FLAGS_TSAN "${_pw_tsan_flags}" CACHE STRING "" FORCE)
endforeach()
foreach(kind EXE SHARED MODULE)
  set(CMAKE_${kind}_LINKER_FLAGS_ASAN "-fsanitize=address,undefined" CACHE STRING "" FORCE)
  set(CMAKE_${kind}_LINKER_FLAGS_TSAN "-fsanitize=thread" CACHE STRING "" FORCE)
endforeach()
mark_as_advanced(CMAKE_C_FLAGS_ASAN CMAKE_CXX_FLAGS_ASAN CMAKE_C_FLAGS_TSAN CMAKE_CXX_FLAGS_TSAN)
