// SPDX-License-Identifier: MIT
#include "core/store/filehash.h"

#include <QCryptographicHash>
#include <QFile>

namespace clipfind {

namespace {

// The content hash covers the file size, the first and the last 64 KiB: cheap on 12 MP photos, and it still tells
// edited files apart (an edit rewrites the metadata at the start or the data at the end).
constexpr qint64 kHashChunk = 64 * 1024;

} // namespace

QString sha256OfFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) {
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        }
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file)) {
        if (error) {
            *error = QStringLiteral("%1: read error: %2").arg(path, file.errorString());
        }
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

QByteArray contentHash(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) {
            *error = QStringLiteral("Cannot read %1: %2").arg(path, file.errorString());
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
    const QByteArray head = file.read(whole ? size : kHashChunk);
    QByteArray tail;
    if (!whole && file.seek(size - kHashChunk)) {
        tail = file.read(kHashChunk);
    }
    if (head.size() != (whole ? size : kHashChunk) || (!whole && tail.size() != kHashChunk) || file.size() != size) {
        if (error) {
            *error = QStringLiteral("Cannot read %1: the file changed or could not be read (%2)")
                         .arg(path, file.errorString());
        }
        return {};
    }
    hash.addData(head);
    hash.addData(tail);
    return hash.result();
}

} // namespace clipfind
