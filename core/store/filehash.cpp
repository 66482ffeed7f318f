// SPDX-License-Identifier: MIT
#include "core/store/filehash.h"

#include <QCryptographicHash>
#include <QFile>

namespace clipfind {

QString sha256OfFile(const QString &path, QString *errorString)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (errorString) {
            *errorString = QStringLiteral("%1: %2").arg(path, file.errorString());
        }
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file)) {
        if (errorString) {
            *errorString = QStringLiteral("%1: read error: %2").arg(path, file.errorString());
        }
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace clipfind
