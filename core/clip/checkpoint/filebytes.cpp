// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/filebytes.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace clipfind::clip {

namespace {

int64_t modificationNs(const struct stat &info)
{
    return int64_t(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
}

// File systems where another machine (or a user-space daemon) can change or cut a file under a mapping, so that a
// mapped page may vanish (SIGBUS): such files are read instead.
bool isRemoteFileSystem(int fd)
{
    struct statfs info;
    if (fstatfs(fd, &info) != 0) {
        return true; // unknown: the safe choice
    }
    switch (static_cast<unsigned long>(info.f_type)) {
    case 0x6969UL:     // NFS
    case 0x517BUL:     // SMB
    case 0xFF534D42UL: // CIFS
    case 0xFE534D42UL: // SMB2
    case 0x65735546UL: // FUSE (sshfs, rclone, ...)
    case 0x01021997UL: // 9P (virtio-fs shares, WSL)
    case 0x00C36400UL: // Ceph
    case 0x5346414FUL: // AFS
    case 0x6B414653UL: // kAFS
    case 0x47504653UL: // GPFS
    case 0x0BD00BD0UL: // Lustre
        return true;
    default: return false;
    }
}

bool readAll(int fd, unsigned char *out, uint64_t size)
{
    uint64_t done = 0;
    while (done < size) {
        const size_t piece = size - done < (uint64_t(1) << 30) ? size_t(size - done) : size_t(1) << 30;
        const ssize_t got = ::pread(fd, out + done, piece, off_t(done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return false;
        }
        done += uint64_t(got);
    }
    return true;
}

} // namespace

std::shared_ptr<const FileBytes> FileBytes::open(const std::string &path, FileAccess access, std::string *problem)
{
    struct stat info;
    if (::stat(path.c_str(), &info) != 0) {
        *problem = errno == ENOENT || errno == ENOTDIR ? "no such file" : "cannot open file";
        return nullptr;
    }
    if (S_ISDIR(info.st_mode)) {
        *problem = "is a directory, not a model file";
        return nullptr;
    }
    if (!S_ISREG(info.st_mode)) {
        // Opening a FIFO would block until a writer comes, and a device such as /dev/zero never ends.
        *problem = "not a regular file";
        return nullptr;
    }
    // O_NONBLOCK: the path may have become a FIFO since stat(); the descriptor's own fstat() decides.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        if (fd >= 0) {
            ::close(fd);
        }
        *problem = fd < 0 ? "cannot open file" : "not a regular file";
        return nullptr;
    }
    if (info.st_size <= 0) {
        ::close(fd);
        *problem = "file is empty";
        return nullptr;
    }
    std::shared_ptr<FileBytes> bytes(new FileBytes);
    bytes->m_size = uint64_t(info.st_size);
    bytes->m_mtimeNs = modificationNs(info);
    const bool map = access == FileAccess::Map || (access == FileAccess::Auto && !isRemoteFileSystem(fd));
    if (map) {
        // Private and read-only: nothing can write through it, and a write to the file by someone else is the only
        // way its pages change.
        void *address = ::mmap(nullptr, size_t(bytes->m_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (address == MAP_FAILED) {
            *problem = std::string("cannot map file (") + std::strerror(errno) + ")";
            ::close(fd);
            return nullptr;
        }
        bytes->m_data = static_cast<const unsigned char *>(address);
        bytes->m_mapped = true;
        bytes->m_fd = fd;
        return bytes;
    }
    // 64-byte aligned like torch's allocator, so that views of any dtype at aligned offsets are aligned.
    bytes->m_owned.reset(new (std::align_val_t(64)) unsigned char[size_t(bytes->m_size)]);
    const bool read = readAll(fd, bytes->m_owned.get(), bytes->m_size);
    ::close(fd);
    if (!read) {
        *problem = "read error";
        return nullptr;
    }
    bytes->m_data = bytes->m_owned.get();
    return bytes;
}

std::shared_ptr<const FileBytes> FileBytes::copyOf(const void *data, size_t size)
{
    std::shared_ptr<FileBytes> bytes(new FileBytes);
    bytes->m_size = size;
    bytes->m_owned.reset(new (std::align_val_t(64)) unsigned char[size > 0 ? size : 1]);
    if (size > 0) {
        std::memcpy(bytes->m_owned.get(), data, size);
    }
    bytes->m_data = bytes->m_owned.get();
    return bytes;
}

FileBytes::~FileBytes()
{
    if (m_mapped) {
        ::munmap(const_cast<unsigned char *>(m_data), size_t(m_size));
    }
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

void FileBytes::AlignedDelete::operator()(unsigned char *p) const
{
    ::operator delete[](p, std::align_val_t(64)); // allocated with the aligned form of new[]
}

bool FileBytes::unchanged(std::string *problem) const
{
    if (!m_mapped) {
        return true;
    }
    struct stat info;
    if (::fstat(m_fd, &info) != 0 || uint64_t(info.st_size) != m_size || modificationNs(info) != m_mtimeNs) {
        *problem = "the file changed while it was in use (load the model again)";
        return false;
    }
    return true;
}

void FileBytes::prefault(uint64_t offset, uint64_t length) const
{
    if (!m_mapped || offset >= m_size) {
        return;
    }
    length = std::min(length, m_size - offset);
    const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
    const uint64_t first = offset / page * page;
    unsigned char *start = const_cast<unsigned char *>(m_data) + first;
#ifdef MADV_POPULATE_READ
    if (::madvise(start, size_t(offset + length - first), MADV_POPULATE_READ) == 0) {
        return;
    }
#endif
    // Older kernels: touch one byte per page.
    volatile unsigned char sink = 0;
    for (uint64_t at = first; at < offset + length; at += page) {
        sink = sink ^ m_data[at];
    }
    (void)sink;
}

void FileBytes::release(uint64_t offset, uint64_t length) const
{
    if (!m_mapped || offset >= m_size) {
        return;
    }
    const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
    const uint64_t end = offset + std::min(length, m_size - offset);
    const uint64_t first = (offset + page - 1) / page * page; // whole pages only: neighbours may still be in use
    const uint64_t last = end / page * page;
    if (last > first) {
        ::madvise(const_cast<unsigned char *>(m_data) + first, size_t(last - first), MADV_DONTNEED);
    }
}

int64_t FileBytes::offsetOf(const void *pointer) const
{
    const auto *p = static_cast<const unsigned char *>(pointer);
    if (p < m_data || p >= m_data + m_size) {
        return -1;
    }
    return int64_t(p - m_data);
}

} // namespace clipfind::clip
