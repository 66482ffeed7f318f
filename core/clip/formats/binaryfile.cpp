// SPDX-License-Identifier: MIT
#include "core/clip/formats/binaryfile.h"

#include <filesystem>

namespace clipfind::clip {

bool openBinaryFile(const std::string &path, const std::string &kind, std::ifstream *in, uint64_t *size,
                    std::string *error)
{
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) {
        *error = "no such file";
        return false;
    }
    if (std::filesystem::is_directory(status)) {
        *error = "is a directory, not a " + kind;
        return false;
    }
    if (!std::filesystem::is_regular_file(status)) {
        // Opening a FIFO would block until a writer comes, and a device such as /dev/zero never ends.
        *error = "not a regular file";
        return false;
    }
    *size = std::filesystem::file_size(path, ec);
    in->open(path, std::ios::binary);
    if (ec || !*in) {
        *error = "cannot open file";
        return false;
    }
    if (*size == 0) {
        *error = "file is empty";
        return false;
    }
    return true;
}

} // namespace clipfind::clip
