# SPDX-License-Identifier: MIT
# CLIPFIND_SANITIZE=address,undefined | thread | ... builds ClipFind's own code (every target that links
# clipfind_options) with those sanitizers; Qt, OpenCV and libtorch come from Debian uninstrumented. Presets:
# asan-ubsan (build-asan) and tsan (build-tsan) in CMakePresets.json.
set(CLIPFIND_SANITIZE "" CACHE STRING "Sanitizers for ClipFind's own code, e.g. address,undefined or thread")
if(CLIPFIND_SANITIZE)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        message(FATAL_ERROR "CLIPFIND_SANITIZE needs GCC or Clang")
    endif()
    string(REPLACE "," ";" _clipfind_sanitizers "${CLIPFIND_SANITIZE}")
    foreach(_s IN LISTS _clipfind_sanitizers)
        if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
            message(FATAL_ERROR "CLIPFIND_SANITIZE: unknown sanitizer '${_s}' (address, undefined, thread, leak)")
        endif()
    endforeach()
    if("thread" IN_LIST _clipfind_sanitizers AND ("address" IN_LIST _clipfind_sanitizers
                                                  OR "leak" IN_LIST _clipfind_sanitizers))
        message(FATAL_ERROR "CLIPFIND_SANITIZE: thread cannot be combined with address or leak")
    endif()
    # Frame pointers and line tables (-g1) for readable file:line stacks; UBSan reports are made fatal at run time
    # (UBSAN_OPTIONS in the presets) rather than here, so one run lists every finding.
    target_compile_options(clipfind_options INTERFACE
        -fsanitize=${CLIPFIND_SANITIZE} -fno-omit-frame-pointer -g1)
    target_link_options(clipfind_options INTERFACE -fsanitize=${CLIPFIND_SANITIZE})
    message(STATUS "Sanitizers: ${CLIPFIND_SANITIZE}")
endif()
