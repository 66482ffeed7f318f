// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace clipfind {

/// Pause, resume and cancel for one indexing run, shared between the thread that controls it (the GUI, a
/// signal handler's poller) and the run's worker threads. Every method is thread-safe.
///
/// Pausing stops new work at the next file boundary: decode threads wait, the batch being encoded finishes
/// and is committed, and the CPU goes idle. Cancel also wakes paused workers, so a paused run can be cancelled.
class IndexControl
{
public:
    void pause();
    void resume();
    void cancel();

    bool isPaused() const;
    bool isCancelled() const;

    /// Blocks while paused. False when the run is cancelled (before or during the wait): stop working.
    bool waitWhilePaused();

    /// For code that polls a plain flag (the scanner).
    const std::atomic_bool *cancelFlag() const { return &m_cancelled; }

    /// Total time spent paused so far (including a pause in progress), so rates and ETAs leave it out.
    double pausedSeconds() const;

private:
    using Clock = std::chrono::steady_clock;

    mutable std::mutex m_mutex;
    std::condition_variable m_resumed;
    std::atomic_bool m_cancelled{false};
    bool m_paused = false;
    Clock::time_point m_pausedSince;
    Clock::duration m_pausedTotal{};
};

} // namespace clipfind
