// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <mutex>

namespace clipfind {

/// Bytes of memory that concurrent jobs may hold at once, for decodes whose size is known before they start (from the
/// image header): a job reserves what it will need and waits while that does not fit beside the others' reservations,
/// so decodes in flight are bounded by their bytes, not only by their count. Thread-safe.
///
/// A job that already holds part of the budget and asks for more must be the only one doing so at that moment (the
/// indexer grows reservations under its file-read lock): two partial holders waiting for each other would never wake.
class MemoryBudget
{
public:
    explicit MemoryBudget(qint64 capacity);
    MemoryBudget(const MemoryBudget &) = delete;
    MemoryBudget &operator=(const MemoryBudget &) = delete;

    /// A share of the budget, given back when destroyed. Move-only.
    class Reservation
    {
    public:
        Reservation() = default;
        ~Reservation() { release(); }
        Reservation(Reservation &&other) noexcept;
        Reservation &operator=(Reservation &&other) noexcept;
        Reservation(const Reservation &) = delete;
        Reservation &operator=(const Reservation &) = delete;

        qint64 bytes() const { return m_bytes; }
        /// Gives the bytes back now (waking waiting jobs).
        void release();

    private:
        friend class MemoryBudget;
        MemoryBudget *m_budget = nullptr;
        qint64 m_bytes = 0;
    };

    qint64 capacity() const { return m_capacity; }
    /// Bytes reserved now, and the most ever reserved at once.
    qint64 inUse() const;
    qint64 peak() const;

    /// Waits until `bytes` more fit beside every reservation, then adds them to `reservation`. Returns false at once,
    /// taking nothing, when the reservation would exceed the whole budget: then it could never fit.
    bool grow(Reservation *reservation, qint64 bytes);

private:
    void giveBack(qint64 bytes);

    const qint64 m_capacity;
    mutable std::mutex m_mutex;
    std::condition_variable m_released;
    qint64 m_inUse = 0;
    qint64 m_peak = 0;
};

} // namespace clipfind
