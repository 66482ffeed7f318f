// SPDX-License-Identifier: MIT
#include "core/index/indexcontrol.h"

namespace clipfind {

void IndexControl::pause()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_paused) {
        m_paused = true;
        m_pausedSince = Clock::now();
    }
}

void IndexControl::resume()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_paused) {
            return;
        }
        m_paused = false;
        m_pausedTotal += Clock::now() - m_pausedSince;
    }
    m_resumed.notify_all();
}

void IndexControl::cancel()
{
    {
        // Under the lock, so a worker between its check and its wait cannot miss the wake-up.
        std::lock_guard<std::mutex> lock(m_mutex);
        m_cancelled = true;
    }
    m_resumed.notify_all();
}

bool IndexControl::isPaused() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_paused;
}

bool IndexControl::isCancelled() const
{
    return m_cancelled.load();
}

bool IndexControl::waitWhilePaused()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_resumed.wait(lock, [this] { return !m_paused || m_cancelled.load(); });
    return !m_cancelled.load();
}

double IndexControl::pausedSeconds() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Clock::duration total = m_pausedTotal;
    if (m_paused) {
        total += Clock::now() - m_pausedSince;
    }
    return std::chrono::duration<double>(total).count();
}

} // namespace clipfind
