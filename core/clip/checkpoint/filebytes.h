// SPDX-License-Identifier: MIT
#pragma once

// Internal: the bytes of a model file, mapped read-only (tensors become views over the mapping: no read, no copy,
// pages come from the OS page cache as a tower uses them) or read into memory.
//
// The risk of a mapping: a file truncated by another process while mapped turns the next access to a vanished page
// into SIGBUS. It is limited here: the mapping is private and read-only, the size is checked when the file is opened,
// unchanged() re-checks it before a tower is built, ClipFind's own downloads replace a model by rename (the mapped
// inode stays intact), and files on network and FUSE file systems (where another machine may change them) are read
// instead of mapped. What remains is a local process truncating the very file in place (`cp new.pt model.pt`) while
// ClipFind runs: that can crash ClipFind.

#include "core/clip/model/clipmodel.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace clipfind::clip {

class FileBytes
{
public:
    /// Opens a regular, non-empty file: mapped (FileAccess::Map), read into memory (Read), or Map unless the file
    /// lies on a network or FUSE file system (Auto). Null with *problem (without the path): "no such file", "is a
    /// directory, not a model file", "cannot open file", "file is empty", "cannot map file (...)", "read error".
    static std::shared_ptr<const FileBytes> open(const std::string &path, FileAccess access, std::string *problem);
    /// A copy of `size` bytes in memory (fuzzers and tests), as if read from a file.
    static std::shared_ptr<const FileBytes> copyOf(const void *data, size_t size);

    ~FileBytes();
    FileBytes(const FileBytes &) = delete;
    FileBytes &operator=(const FileBytes &) = delete;

    const unsigned char *data() const { return m_data; }
    uint64_t size() const { return m_size; }
    bool isMapped() const { return m_mapped; }

    /// False with *problem when the file no longer has the size (or modification time) it had when it was opened:
    /// touching a mapping beyond a truncated end would crash the process. Always true for bytes read into memory.
    bool unchanged(std::string *problem) const;

    /// Maps the pages of [offset, offset + length) now (mapped bytes only), so that the first forward pass over
    /// weights used in place does not stop at every page: a tower is prefaulted by the thread that builds it.
    void prefault(uint64_t offset, uint64_t length) const;
    /// Hands the whole pages inside [offset, offset + length) back to the OS (mapped bytes only; a later access reads
    /// them from the page cache again). For source bytes that were converted into a copy.
    void release(uint64_t offset, uint64_t length) const;
    /// The offset of `pointer` inside the bytes, or -1 when it points elsewhere.
    int64_t offsetOf(const void *pointer) const;

private:
    FileBytes() = default;

    const unsigned char *m_data = nullptr;
    uint64_t m_size = 0;
    bool m_mapped = false;
    int m_fd = -1; // kept open while mapped, for unchanged()
    int64_t m_mtimeNs = 0;
    struct AlignedDelete {
        void operator()(unsigned char *p) const;
    };
    std::unique_ptr<unsigned char[], AlignedDelete> m_owned; // read into memory, 64-byte aligned
};

} // namespace clipfind::clip
