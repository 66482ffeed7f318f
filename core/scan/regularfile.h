// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace clipfind {

/// A file opened for reading only if it is a regular file. Photos are untrusted, and one can be replaced between the
/// scan and the read: a FIFO would block the reader forever and a device such as /dev/zero never ends. A symbolic
/// link is followed (links to photos are legitimate), but what it points to must be a regular file too. The check is
/// made on the opened descriptor (fstat), and opening never blocks (O_NONBLOCK). Reads never go past the size seen
/// when the file was opened. Not copyable; closes the file when destroyed.
class RegularFile
{
public:
    RegularFile() = default;
    ~RegularFile();
    RegularFile(const RegularFile &) = delete;
    RegularFile &operator=(const RegularFile &) = delete;

    /// Opens `path`; false with the problem in *error (no file name: "not a regular file (a FIFO)", "file not
    /// found", "is a directory", "cannot open (Permission denied)").
    bool open(const QString &path, QString *error);
    bool isOpen() const { return m_fd >= 0; }
    /// The descriptor (still owned by this object), e.g. for QFile::open(handle, mode, QFileDevice::DontCloseHandle).
    int handle() const { return m_fd; }
    /// The size fstat() gave when the file was opened.
    qint64 size() const { return m_size; }
    /// Exactly `count` bytes from `offset` (which must lie within size()); false with *error when the file ends early
    /// (it shrank) or cannot be read.
    bool read(qint64 offset, qint64 count, QByteArray *out, QString *error) const;

private:
    int m_fd = -1;
    qint64 m_size = 0;
};

/// The whole content of the regular file at `path` (see RegularFile), refused with "file is too large (N MB)" when
/// its size exceeds `maxBytes`. False with the problem in *error (no file name).
bool readRegularFile(const QString &path, qint64 maxBytes, QByteArray *out, QString *error);

} // namespace clipfind
