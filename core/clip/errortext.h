// SPDX-License-Identifier: MIT
#pragma once

// Internal: turning exception texts into the engine's one-line errors.

#include <string>

namespace clipfind::clip {

/// The first line of `text`: c10::Error messages append multi-line C++ backtraces, and every error the engine
/// reports is one line.
inline std::string firstLine(const std::string &text)
{
    return text.substr(0, text.find('\n'));
}

} // namespace clipfind::clip
