// SPDX-License-Identifier: MIT
#pragma once

// Test support: whole-file reads and writes for tests that build (broken) input files at run time.

#include <QByteArray>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QString>
#include <QStringList>

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

/// Every file and folder under `dir` (hidden ones too), relative, sorted: shows that nothing was left behind.
inline QStringList entriesUnder(const QString &dir)
{
    QStringList entries;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        entries << QDir(dir).relativeFilePath(it.next());
    }
    entries.sort();
    return entries;
}

/// Makes `dir` the working directory until the end of the scope (also when a QVERIFY returns early). Tests of
/// crafted model files use it: the payloads create their marker file relative to the working directory.
class WorkingDirectoryScope
{
public:
    explicit WorkingDirectoryScope(const QString &dir)
        : m_previous(QDir::currentPath())
    {
        QDir::setCurrent(dir);
    }
    ~WorkingDirectoryScope() { QDir::setCurrent(m_previous); }
    WorkingDirectoryScope(const WorkingDirectoryScope &) = delete;
    WorkingDirectoryScope &operator=(const WorkingDirectoryScope &) = delete;

private:
    QString m_previous;
};

} // namespace clipfind::test
