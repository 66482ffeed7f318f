// SPDX-License-Identifier: MIT
#pragma once

// Internal: random-access reads with bounds checks, so that the archive readers run the same on a model file
// (mapped or read, see filebytes.h) and on a fuzzer's buffer.

#include <cstddef>
#include <cstdint>
#include <string>

namespace clipfind::clip {

class ByteSource
{
public:
    virtual ~ByteSource() = default;
    virtual uint64_t size() const = 0;
    /// Reads exactly `length` bytes at `offset`; false when the range is not inside the source or the read fails.
    virtual bool read(uint64_t offset, void *destination, size_t length) = 0;
};

/// Bytes the caller owns and keeps alive while the source is used.
class MemoryByteSource : public ByteSource
{
public:
    MemoryByteSource(const void *data, size_t size);
    uint64_t size() const override { return m_size; }
    bool read(uint64_t offset, void *destination, size_t length) override;

private:
    const unsigned char *m_data;
    uint64_t m_size;
};

/// True when [offset, offset + length) lies inside [0, size), without overflowing.
inline bool rangeInside(uint64_t offset, uint64_t length, uint64_t size)
{
    return offset <= size && length <= size - offset;
}

} // namespace clipfind::clip
