// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clipfind::clip {

/// A float32 array read from or written to NumPy's .npy format (version 1.0-3.0, little endian, C order).
struct NpyArray {
    std::vector<int64_t> shape;
    std::vector<float> values;
};

/// Reads a '<f4' (float32) C-order .npy file. Other dtypes or Fortran order are errors.
/// Returns false with `error` set to a message naming the file and the problem.
bool readNpy(const std::string &path, NpyArray *out, std::string *error);

/// Writes float32 C-order data as .npy version 1.0 (header padded to a multiple of 64 bytes, as NumPy does).
bool writeNpy(const std::string &path, const std::vector<int64_t> &shape, const float *values, std::string *error);

} // namespace clipfind::clip
