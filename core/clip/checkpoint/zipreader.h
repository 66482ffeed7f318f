// SPDX-License-Identifier: MIT
#pragma once

// Internal: a bounded reader of zip archives as PyTorch writes them (stored records, optional zip64 records).
// Reads the central directory only; records are read one at a time, uncompressed, with their CRC-32 checked.
// Every offset and size comes from the file and is checked against the file before it is used.

#include "core/clip/checkpoint/bytesource.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace clipfind::clip {

struct ZipEntry {
    std::string name;
    uint64_t localHeaderOffset = 0;
    uint64_t compressedSize = 0;
    uint64_t size = 0;   // uncompressed
    uint16_t method = 0; // 0 = stored
    uint16_t flags = 0;
    uint32_t crc32 = 0;
};

class ZipDirectory
{
public:
    /// Reads the end-of-central-directory record(s) and the central directory. False with *problem (one line, no
    /// path) when the source is not a complete zip archive or its directory is inconsistent or absurdly large.
    bool read(ByteSource &source, std::string *problem);

    const std::vector<ZipEntry> &entries() const { return m_entries; }
    /// The entry with exactly this name, or null.
    const ZipEntry *find(const std::string &name) const;

private:
    std::vector<ZipEntry> m_entries;
    std::unordered_map<std::string, size_t> m_index;
};

/// True when the entry is stored (uncompressed, unencrypted), so that its size is bounded by the file's (checked when
/// the directory was read) and can be allocated; false with *problem naming the entry otherwise.
bool isStoredEntry(const ZipEntry &entry, std::string *problem);

/// Checks a stored entry (see isStoredEntry) and its local header, and finds where its bytes start: *dataOffset,
/// with [*dataOffset, *dataOffset + entry.size) inside the source. False with *problem naming the entry otherwise.
bool locateStoredEntry(ByteSource &source, const ZipEntry &entry, uint64_t *dataOffset, std::string *problem);

enum class CrcCheck { Check, Skip };

/// Reads a stored entry (see isStoredEntry; check it before allocating `destination`): exactly entry.size bytes into
/// `destination`, then checks the CRC-32 unless told to skip it. False with *problem naming the entry otherwise.
bool readStoredEntry(ByteSource &source, const ZipEntry &entry, void *destination, std::string *problem,
                     CrcCheck crc = CrcCheck::Check);

/// CRC-32 (the zip / zlib polynomial), continuing from `crc` (0 to start).
uint32_t crc32Update(uint32_t crc, const void *data, size_t length);

} // namespace clipfind::clip
