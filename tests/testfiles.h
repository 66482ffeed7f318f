// SPDX-License-Identifier: MIT
#pragma once

// Test support: whole-file reads and writes for tests that build (broken) input files at run time.

#include <QByteArray>
#include <QFile>
#include <QString>

namespace clipfind::test {

/// The file's bytes; empty when it cannot be read.
inline QByteArray readBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// Replaces the file's content; false when it cannot be written completely.
inline bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

} // namespace clipfind::test
