# SPDX-License-Identifier: MIT
# Compile settings shared by every ClipFind target, carried by an INTERFACE target
# instead of global flags so third-party code is not affected.
add_library(clipfind_options INTERFACE)
target_compile_features(clipfind_options INTERFACE cxx_std_17)
target_compile_definitions(clipfind_options INTERFACE
    QT_NO_KEYWORDS            # libtorch has members named `slots` (pytorch/pytorch#19405)
    QT_NO_FOREACH)
target_compile_options(clipfind_options INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra>)

include(${CMAKE_CURRENT_LIST_DIR}/ClipFindSanitize.cmake)
