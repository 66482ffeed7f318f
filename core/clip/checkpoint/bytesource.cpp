// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/bytesource.h"

#include <cstring>

namespace clipfind::clip {

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
