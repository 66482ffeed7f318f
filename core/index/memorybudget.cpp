// SPDX-License-Identifier: MIT
#include "core/index/memorybudget.h"

#include <algorithm>
#include <utility>

namespace clipfind {

MemoryBudget::MemoryBudget(qint64 capacity)
    : m_capacity(std::max<qint64>(0, capacity))
{
}

MemoryBudget::Reservation::Reservation(Reservation &&other) noexcept
    : m_budget(std::exchange(other.m_budget, nullptr))
    , m_bytes(std::exchange(other.m_bytes, 0))
{
}

MemoryBudget::Reservation &MemoryBudget::Reservation::operator=(Reservation &&other) noexcept
{
    if (this != &other) {
        release();
        m_budget = std::exchange(other.m_budget, nullptr);
        m_bytes = std::exchange(other.m_bytes, 0);
    }
    return *this;
}

void MemoryBudget::Reservation::release()
{
    if (m_budget && m_bytes > 0) {
        m_budget->giveBack(m_bytes);
    }
    m_bytes = 0;
}

qint64 MemoryBudget::inUse() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inUse;
}

qint64 MemoryBudget::peak() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_peak;
}

bool MemoryBudget::grow(Reservation *reservation, qint64 bytes)
{
    if (bytes < 0 || (reservation->m_budget && reservation->m_budget != this)) {
        return false;
    }
    if (bytes > m_capacity - reservation->m_bytes) {
        return false;
    }
    std::unique_lock<std::mutex> lock(m_mutex);
    m_released.wait(lock, [&] { return m_inUse + bytes <= m_capacity; });
    m_inUse += bytes;
    m_peak = std::max(m_peak, m_inUse);
    reservation->m_budget = this;
    reservation->m_bytes += bytes;
    return true;
}

void MemoryBudget::giveBack(qint64 bytes)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_inUse -= bytes;
    }
    m_released.notify_all();
}

} // namespace clipfind
