// SPDX-License-Identifier: MIT
#include "core/store/filehash.h"

#include "core/scan/regularfile.h"

#include <QCoreApplication>
#include <QCryptographicHash>

#include <algorithm>

namespace clipfind {

namespace {

// The content hash covers the file size, the first and the last 64 KiB: cheap on 12 MP photos, and it still tells
// edited files apart (an edit rewrites the metadata at the start or the data at the end).
constexpr qint64 kHashChunk = 64 * 1024;

} // namespace

QString sha256OfFile(const QString &path, QString *error)
{
    // Regular files only, read up to the size seen at open: a model path that became a FIFO or /dev/zero must not
    // hang or never end (core/scan/regularfile.h).
    constexpr qint64 kChunk = 1 << 20;
    RegularFile file;
    QString problem;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    bool ok = file.open(path, &problem);
    QByteArray chunk;
    for (qint64 at = 0; ok && at < file.size(); at += kChunk) {
        ok = file.read(at, std::min(kChunk, file.size() - at), &chunk, &problem);
        hash.addData(chunk);
    }
    if (!ok) {
        if (error) {
            *error = QStringLiteral("%1: %2").arg(path, problem);
        }
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

QByteArray contentHash(const QString &path, QString *error)
{
    RegularFile file;
    QString problem;
    if (!file.open(path, &problem)) {
        if (error) {
            *error = QCoreApplication::translate("clipfind::FileHash", "Cannot read %1: %2").arg(path, problem);
        }
        return {};
    }
    const qint64 size = file.size();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    char sizeBytes[8];
    for (int i = 0; i < 8; ++i) {
        sizeBytes[i] = char((quint64(size) >> (8 * i)) & 0xff);
    }
    hash.addData(QByteArrayView(sizeBytes, 8));
    // Small files are hashed whole rather than twice through overlapping head and tail chunks.
    const bool whole = size <= 2 * kHashChunk;
    QByteArray head;
    QByteArray tail;
    if (!file.read(0, whole ? size : kHashChunk, &head, &problem)
        || (!whole && !file.read(size - kHashChunk, kHashChunk, &tail, &problem))) {
        if (error) {
            *error = QCoreApplication::translate("clipfind::FileHash", "Cannot read %1: %2").arg(path, problem);
        }
        return {};
    }
    hash.addData(head);
    hash.addData(tail);
    return hash.result();
}

} // namespace clipfind
