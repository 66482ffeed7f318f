# SPDX-License-Identifier: MIT
# CLIPFIND_FUZZ=ON builds the libFuzzer targets in fuzz/ (issue 11). It needs clang (Debian 12: clang-14 and
# libfuzzer-14-dev) and a build folder of its own: scripts/fuzz.sh configures build-fuzz. ClipFind's own code (every
# target that links clipfind_options) gets libFuzzer's coverage, AddressSanitizer and UndefinedBehaviorSanitizer (any
# finding aborts), and FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which skips the zip CRC check so the fuzzer reaches
# the pickles inside archives. Qt, OpenCV and libtorch come from Debian uninstrumented.
option(CLIPFIND_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)
if(CLIPFIND_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "CLIPFIND_FUZZ needs clang, e.g. -DCMAKE_CXX_COMPILER=clang++-14 (see scripts/fuzz.sh)")
    endif()
    target_compile_options(clipfind_options INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
        -gline-tables-only)
    target_link_options(clipfind_options INTERFACE -fsanitize=address,undefined)
    target_compile_definitions(clipfind_options INTERFACE FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
endif()
