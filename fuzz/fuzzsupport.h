// SPDX-License-Identifier: MIT
#pragma once

// Shared by the libFuzzer targets (issue 11): a scratch file per process for the readers that take a path, and the
// one-line rule every error message must keep.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace clipfind::fuzz {

/// `data` written to `name` in a folder of this process (under $TMPDIR, else /tmp); the path.
inline std::string scratchFile(const std::string &name, const uint8_t *data, size_t size)
{
    static const std::string folder = [] {
        const char *tmp = std::getenv("TMPDIR");
        std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/clipfind-fuzz-" + std::to_string(::getpid());
        ::mkdir(path.c_str(), 0700);
        return path;
    }();
    const std::string path = folder + "/" + name;
    const size_t slash = name.rfind('/');
    if (slash != std::string::npos) {
        ::mkdir((folder + "/" + name.substr(0, slash)).c_str(), 0700);
    }
    if (std::FILE *file = std::fopen(path.c_str(), "wb")) {
        if (size > 0) {
            std::fwrite(data, 1, size, file);
        }
        std::fclose(file);
    }
    return path;
}

/// Errors are one line (they end up in a status bar and in `clipfind-cli`'s stderr): a newline in one is a finding.
inline void requireOneLine(const std::string &message)
{
    if (message.find('\n') != std::string::npos) {
        std::fprintf(stderr, "error message spans lines: %s\n", message.c_str());
        std::abort();
    }
}

/// A broken invariant: print it and abort, so libFuzzer records the input.
inline void fail(const char *what)
{
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
}

} // namespace clipfind::fuzz
