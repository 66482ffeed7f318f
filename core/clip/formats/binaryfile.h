// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace clipfind::clip {

/// Opens a regular, non-empty file for binary reading. On failure returns false with *error set to
/// "no such file", "is a directory, not a <kind>", "cannot open file" or "file is empty" (no path: callers
/// prefix it, so every reader words these cases the same).
bool openBinaryFile(const std::string &path, const std::string &kind, std::ifstream *in, uint64_t *size,
                    std::string *error);

} // namespace clipfind::clip
