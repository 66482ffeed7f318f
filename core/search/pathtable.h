// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <vector>

namespace clipfind {

/// Row -> path and path -> row for the photos of a search engine, compactly: every path's UTF-8 bytes in one
/// buffer and an open-addressing index of row numbers. About 70 bytes a photo, where a vector of QStrings and a
/// QHash keyed by them took about 220 (100k photos: 7 MB instead of 22).
///
/// Rows are numbered 0..size()-1 like the matrix rows they stand beside; removeSwapLast() moves the last row into
/// the hole as EmbeddingMatrix::removeSwapLast does. Not thread-safe (SearchEngine guards it with its rows lock).
class PathTable
{
public:
    void reserve(int64_t rows, int64_t bytes);
    int64_t size() const { return int64_t(m_entries.size()); }

    /// Takes `bytes` as the buffer paths are appended to with appendStored() (a buffer the library database filled):
    /// only what rows refer to counts as live. Call on an empty table.
    void adoptBuffer(QByteArray bytes);
    /// Appends the path at [offset, offset + length) of the adopted buffer as the next row.
    int64_t appendStored(uint64_t offset, int length);
    /// Drops the bytes no row refers to when they are a good part of the buffer.
    void squeeze();
    /// Appends a path as the next row and returns the row. The path must not be in the table yet.
    int64_t append(const char *utf8, int length);
    int64_t append(const QString &path);
    QString path(int64_t row) const;
    /// The row of `path`, or -1.
    int64_t find(const QString &path) const;
    int64_t find(const char *utf8, int length) const;
    /// Removes `row`; the last row takes its number.
    void removeSwapLast(int64_t row);
    void clear();

    /// Bytes held (buffer, entries, index).
    int64_t memoryBytes() const;

private:
    struct Entry {
        uint64_t offset;
        uint32_t length;
        uint32_t hash;
    };
    static uint32_t hashOf(const char *utf8, int length);
    size_t slotOf(int64_t row) const;
    void insertIndex(int64_t row);
    void eraseSlot(size_t slot);
    void growIndex(size_t rows);
    void compactIfWasteful();

    QByteArray m_bytes; // the paths' UTF-8, back to back (removed ones stay until compacted)
    int64_t m_deadBytes = 0;
    std::vector<Entry> m_entries;  // by row
    std::vector<uint32_t> m_slots; // power-of-two open addressing, linear probing: row + 1, 0 = empty
};

} // namespace clipfind
