// SPDX-License-Identifier: MIT
#pragma once

// Internal: random-access reads from a file or from bytes in memory, so that the archive readers run the same on a
// model file and on a fuzzer's buffer.

#include <cstddef>
#include <cstdint>
#include <fstream>
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

/// A regular file, opened with openBinaryFile's checks (no such file, a directory, empty).
class FileByteSource : public ByteSource
{
public:
    /// False with *problem (without the path) when the file cannot be opened.
    bool open(const std::string &path, std::string *problem);
    uint64_t size() const override { return m_size; }
    bool read(uint64_t offset, void *destination, size_t length) override;

private:
    std::ifstream m_in;
    uint64_t m_size = 0;
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
