# SPDX-License-Identifier: MIT
# Finds libtorch in this order:
#   1. Torch_DIR or CMAKE_PREFIX_PATH (an explicit choice always wins),
#   2. the libtorch inside a pip-installed PyTorch (torch.utils.cmake_prefix_path), usually the CUDA build,
#   3. the system one (Debian's libtorch-dev, CPU only).
if(NOT Torch_FOUND)
    find_package(Torch CONFIG QUIET NO_CMAKE_SYSTEM_PATH NO_SYSTEM_ENVIRONMENT_PATH NO_CMAKE_PACKAGE_REGISTRY)
endif()
if(NOT Torch_FOUND)
    find_program(CLIPFIND_PYTHON NAMES python3 python)
    if(CLIPFIND_PYTHON)
        execute_process(COMMAND "${CLIPFIND_PYTHON}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
            OUTPUT_VARIABLE _clipfind_pytorch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
            RESULT_VARIABLE _clipfind_python_rc ERROR_QUIET)
        if(_clipfind_python_rc EQUAL 0 AND EXISTS "${_clipfind_pytorch_prefix}")
            find_package(Torch CONFIG QUIET PATHS "${_clipfind_pytorch_prefix}" NO_DEFAULT_PATH)
        endif()
    endif()
endif()
if(NOT Torch_FOUND)
    find_package(Torch CONFIG REQUIRED)
endif()
message(STATUS "libtorch ${Torch_VERSION} from ${Torch_DIR}")

# Qt, OpenCV and Debian's libtorch use the C++11 ABI; old pip wheels did not. Mixing them fails at link time
# with unreadable errors, so stop early with a readable one (only matters when Qt code is built).
if(NOT CLIPFIND_ENGINE_ONLY AND TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
    message(FATAL_ERROR "libtorch at ${Torch_DIR} uses the pre-C++11 ABI; Qt and OpenCV need the C++11 ABI build.")
endif()
