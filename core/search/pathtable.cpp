// SPDX-License-Identifier: MIT
#include "core/search/pathtable.h"

#include <cstring>

namespace clipfind {

uint32_t PathTable::hashOf(const char *utf8, int length)
{
    uint64_t h = 0xCBF29CE484222325ull; // FNV-1a, then mixed: paths share long prefixes
    for (int i = 0; i < length; ++i) {
        h = (h ^ uint8_t(utf8[i])) * 0x100000001B3ull;
    }
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return uint32_t(h);
}

void PathTable::reserve(int64_t rows, int64_t bytes)
{
    m_entries.reserve(size_t(rows));
    m_bytes.reserve(qsizetype(bytes));
    growIndex(size_t(rows));
}

void PathTable::growIndex(size_t rows)
{
    size_t capacity = 16;
    while (capacity < rows * 2) { // at most half full: short probe runs
        capacity *= 2;
    }
    if (capacity <= m_slots.size()) {
        return;
    }
    m_slots.assign(capacity, 0);
    for (int64_t row = 0; row < size(); ++row) {
        insertIndex(row);
    }
}

void PathTable::insertIndex(int64_t row)
{
    const size_t mask = m_slots.size() - 1;
    size_t slot = m_entries[size_t(row)].hash & mask;
    while (m_slots[slot] != 0) {
        slot = (slot + 1) & mask;
    }
    m_slots[slot] = uint32_t(row + 1);
}

size_t PathTable::slotOf(int64_t row) const
{
    const size_t mask = m_slots.size() - 1;
    size_t slot = m_entries[size_t(row)].hash & mask;
    while (m_slots[slot] != uint32_t(row + 1)) {
        slot = (slot + 1) & mask;
    }
    return slot;
}

// Linear probing without tombstones: the entries after the hole that would no longer be reachable move back.
void PathTable::eraseSlot(size_t slot)
{
    const size_t mask = m_slots.size() - 1;
    size_t hole = slot;
    size_t next = (slot + 1) & mask;
    while (m_slots[next] != 0) {
        const size_t home = m_entries[m_slots[next] - 1].hash & mask;
        // Moves back unless its home lies cyclically in (hole, next].
        const bool reachable = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
        if (!reachable) {
            m_slots[hole] = m_slots[next];
            hole = next;
        }
        next = (next + 1) & mask;
    }
    m_slots[hole] = 0;
}

int64_t PathTable::append(const char *utf8, int length)
{
    const int64_t row = size();
    m_entries.push_back({uint64_t(m_bytes.size()), uint32_t(length), hashOf(utf8, length)});
    m_bytes.append(utf8, length);
    const size_t before = m_slots.size();
    growIndex(size_t(size())); // a grown index holds every row, the new one too
    if (m_slots.size() == before) {
        insertIndex(row);
    }
    return row;
}

void PathTable::adoptBuffer(QByteArray bytes)
{
    m_bytes = std::move(bytes);
    m_deadBytes = m_bytes.size();
}

int64_t PathTable::appendStored(uint64_t offset, int length)
{
    const int64_t row = size();
    m_entries.push_back({offset, uint32_t(length), hashOf(m_bytes.constData() + offset, length)});
    m_deadBytes -= length;
    const size_t before = m_slots.size();
    growIndex(size_t(size()));
    if (m_slots.size() == before) {
        insertIndex(row);
    }
    return row;
}

void PathTable::squeeze()
{
    compactIfWasteful();
}

int64_t PathTable::append(const QString &path)
{
    const QByteArray utf8 = path.toUtf8();
    return append(utf8.constData(), int(utf8.size()));
}

QString PathTable::path(int64_t row) const
{
    const Entry &e = m_entries[size_t(row)];
    return QString::fromUtf8(m_bytes.constData() + e.offset, qsizetype(e.length));
}

int64_t PathTable::find(const char *utf8, int length) const
{
    if (m_slots.empty()) {
        return -1;
    }
    const uint32_t hash = hashOf(utf8, length);
    const size_t mask = m_slots.size() - 1;
    for (size_t slot = hash & mask; m_slots[slot] != 0; slot = (slot + 1) & mask) {
        const Entry &e = m_entries[m_slots[slot] - 1];
        if (e.hash == hash && e.length == uint32_t(length)
            && std::memcmp(m_bytes.constData() + e.offset, utf8, size_t(length)) == 0) {
            return int64_t(m_slots[slot]) - 1;
        }
    }
    return -1;
}

int64_t PathTable::find(const QString &path) const
{
    const QByteArray utf8 = path.toUtf8();
    return find(utf8.constData(), int(utf8.size()));
}

void PathTable::removeSwapLast(int64_t row)
{
    if (row < 0 || row >= size()) {
        return;
    }
    const int64_t last = size() - 1;
    eraseSlot(slotOf(row));
    m_deadBytes += m_entries[size_t(row)].length;
    if (row != last) {
        m_slots[slotOf(last)] = uint32_t(row + 1);
        m_entries[size_t(row)] = m_entries[size_t(last)];
    }
    m_entries.pop_back();
    compactIfWasteful();
}

void PathTable::compactIfWasteful()
{
    if (m_deadBytes < 4096 || m_deadBytes * 2 < m_bytes.size()) {
        return;
    }
    QByteArray compacted;
    compacted.reserve(m_bytes.size() - qsizetype(m_deadBytes));
    for (Entry &e : m_entries) {
        const uint64_t offset = uint64_t(compacted.size());
        compacted.append(m_bytes.constData() + e.offset, qsizetype(e.length));
        e.offset = offset;
    }
    m_bytes = compacted;
    m_deadBytes = 0;
}

void PathTable::clear()
{
    m_bytes.clear();
    m_deadBytes = 0;
    m_entries.clear();
    m_slots.clear();
}

int64_t PathTable::memoryBytes() const
{
    return int64_t(m_bytes.capacity()) + int64_t(m_entries.capacity() * sizeof(Entry))
           + int64_t(m_slots.capacity() * sizeof(uint32_t));
}

} // namespace clipfind
