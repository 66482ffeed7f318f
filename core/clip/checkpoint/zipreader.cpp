// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/zipreader.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace clipfind::clip {

namespace {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr size_t kEndRecordSize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kZip64EndRecordSize = 56;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kMaxComment = 0xFFFF;
// A ViT-L/14 archive's directory is ~60 KB (1,000 records); 64 MiB leaves room for anything real while keeping
// what a forged size can make us allocate small.
constexpr uint64_t kMaxCentralDirectory = uint64_t(64) << 20;

uint16_t le16(const unsigned char *p)
{
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

uint32_t le32(const unsigned char *p)
{
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

uint64_t le64(const unsigned char *p)
{
    return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32);
}

/// A record name fit for a one-line message.
std::string printable(const std::string &name)
{
    std::string out;
    for (size_t i = 0; i < name.size() && i < 120; ++i) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
    }
    return name.size() > 120 ? out + "..." : out;
}

bool fail(std::string *problem, const std::string &what)
{
    *problem = what;
    return false;
}

// Slicing-by-8 tables: the archive's tensor data (hundreds of MB) is checked at a few GB/s.
struct Crc32Tables {
    uint32_t t[8][256];
    Crc32Tables()
    {
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) {
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            t[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; ++i) {
            for (int k = 1; k < 8; ++k) {
                t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
            }
        }
    }
};

const Crc32Tables &crcTables()
{
    static const Crc32Tables tables;
    return tables;
}

struct Zip64Fields {
    bool needSize = false;
    bool needCompressedSize = false;
    bool needOffset = false;
};

// The zip64 extended-information extra field (id 1) holds, in this order, only the values whose 32-bit fields
// are 0xFFFFFFFF.
bool readZip64Extra(const unsigned char *extra, size_t length, const Zip64Fields &need, ZipEntry *entry)
{
    size_t pos = 0;
    while (pos + 4 <= length) {
        const uint16_t id = le16(extra + pos);
        const uint16_t size = le16(extra + pos + 2);
        if (size > length - pos - 4) {
            return false;
        }
        if (id == 1) {
            const unsigned char *p = extra + pos + 4;
            size_t left = size;
            for (auto [wanted, field] :
                 {std::pair{need.needSize, &entry->size}, std::pair{need.needCompressedSize, &entry->compressedSize},
                  std::pair{need.needOffset, &entry->localHeaderOffset}}) {
                if (!wanted) {
                    continue;
                }
                if (left < 8) {
                    return false;
                }
                *field = le64(p);
                p += 8;
                left -= 8;
            }
            return true;
        }
        pos += 4 + size;
    }
    return !need.needSize && !need.needCompressedSize && !need.needOffset;
}

} // namespace

uint32_t crc32Update(uint32_t crc, const void *data, size_t length)
{
    const auto &t = crcTables().t;
    const auto *p = static_cast<const unsigned char *>(data);
    crc = ~crc;
    while (length >= 8) {
        const uint32_t a = crc ^ le32(p);
        const uint32_t b = le32(p + 4);
        crc = t[7][a & 0xFF] ^ t[6][(a >> 8) & 0xFF] ^ t[5][(a >> 16) & 0xFF] ^ t[4][a >> 24] ^ t[3][b & 0xFF]
              ^ t[2][(b >> 8) & 0xFF] ^ t[1][(b >> 16) & 0xFF] ^ t[0][b >> 24];
        p += 8;
        length -= 8;
    }
    while (length-- > 0) {
        crc = t[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    }
    return ~crc;
}

bool ZipDirectory::read(ByteSource &source, std::string *problem)
{
    m_entries.clear();
    m_index.clear();
    const uint64_t fileSize = source.size();
    if (fileSize < kEndRecordSize) {
        return fail(problem, "too short for a zip archive");
    }

    // The end record is the last 22 bytes plus a comment of up to 64 KB: search backwards for a signature whose
    // comment length reaches exactly the end of the file.
    const uint64_t tailSize = std::min<uint64_t>(fileSize, kEndRecordSize + kMaxComment);
    std::vector<unsigned char> tail(static_cast<size_t>(tailSize));
    if (!source.read(fileSize - tailSize, tail.data(), tail.size())) {
        return fail(problem, "read error at the end of the file");
    }
    size_t endPos = std::string::npos;
    for (size_t pos = tail.size() - kEndRecordSize + 1; pos-- > 0;) {
        if (le32(&tail[pos]) == kEndSignature && pos + kEndRecordSize + le16(&tail[pos + 20]) == tail.size()) {
            endPos = pos;
            break;
        }
    }
    if (endPos == std::string::npos) {
        return fail(problem, "no zip end-of-central-directory record (truncated?)");
    }
    const unsigned char *end = &tail[endPos];
    const uint64_t endOffset = fileSize - tailSize + endPos;
    uint64_t diskNumber = le16(end + 4);
    uint64_t directoryDisk = le16(end + 6);
    uint64_t entryCount = le16(end + 10);
    uint64_t directorySize = le32(end + 12);
    uint64_t directoryOffset = le32(end + 16);
    uint64_t directoryLimit = endOffset; // the directory ends before the record(s) that describe it

    if (entryCount == 0xFFFF || directorySize == 0xFFFFFFFF || directoryOffset == 0xFFFFFFFF) {
        if (endOffset < kZip64LocatorSize) {
            return fail(problem, "zip64 archive without its locator record");
        }
        unsigned char locator[kZip64LocatorSize];
        if (!source.read(endOffset - kZip64LocatorSize, locator, sizeof locator)
            || le32(locator) != kZip64LocatorSignature) {
            return fail(problem, "zip64 archive without its locator record");
        }
        const uint64_t zip64Offset = le64(locator + 8);
        unsigned char record[kZip64EndRecordSize];
        if (!rangeInside(zip64Offset, sizeof record, endOffset - kZip64LocatorSize)
            || !source.read(zip64Offset, record, sizeof record) || le32(record) != kZip64EndSignature) {
            return fail(problem, "zip64 end-of-central-directory record is missing or out of place");
        }
        diskNumber = le32(record + 16);
        directoryDisk = le32(record + 20);
        entryCount = le64(record + 32);
        directorySize = le64(record + 40);
        directoryOffset = le64(record + 48);
        directoryLimit = zip64Offset;
    }
    if (diskNumber != 0 || directoryDisk != 0) {
        return fail(problem, "multi-volume zip archives are not supported");
    }
    if (!rangeInside(directoryOffset, directorySize, directoryLimit)) {
        return fail(problem, "central directory lies outside the file (truncated?)");
    }
    if (directorySize > kMaxCentralDirectory) {
        return fail(problem, "central directory of " + std::to_string(directorySize) + " bytes is too large");
    }
    if (entryCount > directorySize / kCentralHeaderSize) {
        return fail(problem, "central directory claims " + std::to_string(entryCount) + " records in "
                                 + std::to_string(directorySize) + " bytes");
    }

    std::vector<unsigned char> directory(static_cast<size_t>(directorySize));
    if (!source.read(directoryOffset, directory.data(), directory.size())) {
        return fail(problem, "read error in the central directory");
    }
    m_entries.reserve(static_cast<size_t>(entryCount));
    size_t pos = 0;
    for (uint64_t i = 0; i < entryCount; ++i) {
        if (directory.size() - pos < kCentralHeaderSize || le32(&directory[pos]) != kCentralHeaderSignature) {
            return fail(problem, "central directory record " + std::to_string(i) + " is damaged");
        }
        const unsigned char *h = &directory[pos];
        const size_t nameLength = le16(h + 28);
        const size_t extraLength = le16(h + 30);
        const size_t commentLength = le16(h + 32);
        if (directory.size() - pos - kCentralHeaderSize < nameLength + extraLength + commentLength) {
            return fail(problem, "central directory record " + std::to_string(i) + " runs past the directory");
        }
        ZipEntry entry;
        entry.flags = le16(h + 8);
        entry.method = le16(h + 10);
        entry.crc32 = le32(h + 16);
        entry.compressedSize = le32(h + 20);
        entry.size = le32(h + 24);
        entry.localHeaderOffset = le32(h + 42);
        entry.name.assign(reinterpret_cast<const char *>(h + kCentralHeaderSize), nameLength);
        const Zip64Fields need{entry.size == 0xFFFFFFFF, entry.compressedSize == 0xFFFFFFFF,
                               entry.localHeaderOffset == 0xFFFFFFFF};
        if (!readZip64Extra(h + kCentralHeaderSize + nameLength, extraLength, need, &entry)) {
            return fail(problem, "record " + printable(entry.name) + " has a damaged zip64 field");
        }
        if (!rangeInside(entry.localHeaderOffset, kLocalHeaderSize + nameLength, directoryOffset)
            || !rangeInside(entry.localHeaderOffset, entry.compressedSize, directoryOffset)) {
            return fail(problem, "record " + printable(entry.name) + " lies outside the file (truncated?)");
        }
        if (entry.method == 0 && entry.size != entry.compressedSize) {
            return fail(problem, "record " + printable(entry.name) + " is stored but its two sizes differ");
        }
        if (!m_index.emplace(entry.name, m_entries.size()).second) {
            return fail(problem, "record " + printable(entry.name) + " appears twice");
        }
        m_entries.push_back(std::move(entry));
        pos += kCentralHeaderSize + nameLength + extraLength + commentLength;
    }
    return true;
}

const ZipEntry *ZipDirectory::find(const std::string &name) const
{
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_entries[it->second];
}

bool isStoredEntry(const ZipEntry &entry, std::string *problem)
{
    const std::string name = printable(entry.name);
    if (entry.flags & 1) {
        return fail(problem, "record " + name + " is encrypted");
    }
    if (entry.method != 0) {
        return fail(problem, "record " + name + " is compressed (method " + std::to_string(entry.method)
                                 + "); PyTorch stores tensor data uncompressed");
    }
    if (entry.compressedSize != entry.size) {
        return fail(problem, "record " + name + " is stored but its two sizes differ");
    }
    return true;
}

bool locateStoredEntry(ByteSource &source, const ZipEntry &entry, uint64_t *dataOffset, std::string *problem)
{
    if (!isStoredEntry(entry, problem)) {
        return false;
    }
    const std::string name = printable(entry.name);
    unsigned char header[kLocalHeaderSize];
    if (!source.read(entry.localHeaderOffset, header, sizeof header) || le32(header) != kLocalHeaderSignature) {
        return fail(problem, "record " + name + " has no local header where the directory says");
    }
    const size_t nameLength = le16(header + 26);
    const size_t extraLength = le16(header + 28);
    if (nameLength != entry.name.size()) {
        return fail(problem, "record " + name + ": local and central names differ");
    }
    std::string localName(nameLength, '\0');
    if (!source.read(entry.localHeaderOffset + kLocalHeaderSize, localName.data(), nameLength)
        || localName != entry.name) {
        return fail(problem, "record " + name + ": local and central names differ");
    }
    const uint64_t offset = entry.localHeaderOffset + kLocalHeaderSize + nameLength + extraLength;
    if (!rangeInside(offset, entry.size, source.size())) {
        return fail(problem, "record " + name + " runs past the end of the file (truncated?)");
    }
    *dataOffset = offset;
    return true;
}

bool readStoredEntry(ByteSource &source, const ZipEntry &entry, void *destination, std::string *problem, CrcCheck crc)
{
    uint64_t dataOffset = 0;
    if (!locateStoredEntry(source, entry, &dataOffset, problem)) {
        return false;
    }
    const std::string name = printable(entry.name);
    if (!source.read(dataOffset, destination, entry.size)) {
        return fail(problem, "record " + name + " runs past the end of the file (truncated?)");
    }
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    crc = CrcCheck::Skip; // the libFuzzer convention: let mutated records reach the parsers behind the checksum
#endif
    if (crc == CrcCheck::Check && crc32Update(0, destination, static_cast<size_t>(entry.size)) != entry.crc32) {
        return fail(problem, "record " + name + " fails its CRC-32 check (corrupt file)");
    }
    return true;
}

} // namespace clipfind::clip
