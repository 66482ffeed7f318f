// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/bytesource.h"

#include "core/clip/formats/binaryfile.h"

#include <cstring>
#include <limits>

namespace clipfind::clip {

bool FileByteSource::open(const std::string &path, std::string *problem)
{
    return openBinaryFile(path, "model file", &m_in, &m_size, problem);
}

bool FileByteSource::read(uint64_t offset, void *destination, size_t length)
{
    if (!rangeInside(offset, length, m_size)
        || offset > static_cast<uint64_t>(std::numeric_limits<std::streamoff>::max())) {
        return false;
    }
    m_in.clear();
    m_in.seekg(static_cast<std::streamoff>(offset));
    auto *out = static_cast<char *>(destination);
    // std::streamsize is signed: read huge records in pieces.
    constexpr size_t kPiece = size_t(1) << 30;
    while (length > 0 && m_in) {
        const size_t piece = length < kPiece ? length : kPiece;
        m_in.read(out, static_cast<std::streamsize>(piece));
        if (static_cast<size_t>(m_in.gcount()) != piece) {
            return false;
        }
        out += piece;
        length -= piece;
    }
    return length == 0;
}

MemoryByteSource::MemoryByteSource(const void *data, size_t size)
    : m_data(static_cast<const unsigned char *>(data))
    , m_size(size)
{
}

bool MemoryByteSource::read(uint64_t offset, void *destination, size_t length)
{
    if (!rangeInside(offset, length, m_size)) {
        return false;
    }
    if (length > 0) {
        std::memcpy(destination, m_data + offset, length);
    }
    return true;
}

} // namespace clipfind::clip
