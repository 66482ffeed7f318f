// SPDX-License-Identifier: MIT
#include "core/scan/regularfile.h"

#include <QCoreApplication>
#include <QFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace clipfind {

namespace {

QString kindOf(mode_t mode)
{
    if (S_ISDIR(mode)) {
        return QCoreApplication::translate("clipfind::RegularFile", "is a directory");
    }
    if (S_ISFIFO(mode)) {
        return QCoreApplication::translate("clipfind::RegularFile", "not a regular file (a FIFO)");
    }
    if (S_ISCHR(mode)) {
        return QCoreApplication::translate("clipfind::RegularFile", "not a regular file (a character device)");
    }
    if (S_ISBLK(mode)) {
        return QCoreApplication::translate("clipfind::RegularFile", "not a regular file (a block device)");
    }
    if (S_ISSOCK(mode)) {
        return QCoreApplication::translate("clipfind::RegularFile", "not a regular file (a socket)");
    }
    return QCoreApplication::translate("clipfind::RegularFile", "not a regular file");
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

QString openProblem(int error)
{
    return error == ENOENT
               ? QCoreApplication::translate("clipfind::RegularFile", "file not found")
               : QCoreApplication::translate("clipfind::RegularFile", "cannot open (%1)").arg(errnoText(error));
}

} // namespace

RegularFile::~RegularFile()
{
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

bool RegularFile::open(const QString &path, QString *error)
{
    const QByteArray name = QFile::encodeName(path);
    // A first look by path, so that devices are not even opened (opening some has side effects); the check that
    // counts is the one on the descriptor below, since the file can be replaced in between.
    struct stat before {};
    if (::stat(name.constData(), &before) != 0) {
        *error = openProblem(errno);
        return false;
    }
    if (!S_ISREG(before.st_mode)) {
        *error = kindOf(before.st_mode);
        return false;
    }
    const int fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        *error = openProblem(errno);
        return false;
    }
    struct stat opened {};
    const bool statted = ::fstat(fd, &opened) == 0;
    const int statError = errno;
    if (!statted || !S_ISREG(opened.st_mode)) {
        *error =
            statted
                ? kindOf(opened.st_mode)
                : QCoreApplication::translate("clipfind::RegularFile", "cannot open (%1)").arg(errnoText(statError));
        ::close(fd);
        return false;
    }
    if (m_fd >= 0) {
        ::close(m_fd);
    }
    m_fd = fd;
    m_size = qint64(opened.st_size);
    return true;
}

bool RegularFile::read(qint64 offset, qint64 count, QByteArray *out, QString *error) const
{
    if (m_fd < 0 || offset < 0 || count < 0 || offset > m_size || count > m_size - offset
        || count > (qint64(1) << 30)) {
        *error = QCoreApplication::translate("clipfind::RegularFile", "read outside the file (%1 bytes at %2 of %3)")
                     .arg(count)
                     .arg(offset)
                     .arg(m_size);
        return false;
    }
    out->resize(qsizetype(count));
    qint64 done = 0;
    while (done < count) {
        const ssize_t got = ::pread(m_fd, out->data() + done, size_t(count - done), off_t(offset + done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            *error = QCoreApplication::translate("clipfind::RegularFile", "read error (%1)").arg(errnoText(errno));
            out->clear();
            return false;
        }
        if (got == 0) {
            *error = QCoreApplication::translate("clipfind::RegularFile",
                                                 "the file shrank while it was read (%1 of %2 bytes)")
                         .arg(offset + done)
                         .arg(m_size);
            out->clear();
            return false;
        }
        done += got;
    }
    return true;
}

bool readRegularFile(const QString &path, qint64 maxBytes, QByteArray *out, QString *error)
{
    RegularFile file;
    if (!file.open(path, error)) {
        return false;
    }
    if (file.size() > maxBytes) {
        *error =
            QCoreApplication::translate("clipfind::RegularFile", "file is too large (%1 MB)").arg(file.size() >> 20);
        return false;
    }
    return file.read(0, file.size(), out, error);
}

} // namespace clipfind
