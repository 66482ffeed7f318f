// SPDX-License-Identifier: MIT
#pragma once

// Milliseconds since the process started, for the phase times a command reports with --json. bench-start passes
// the CLOCK_MONOTONIC time at which it spawned the command in CLIPFIND_SPAWN_NS, so the phases include the process
// start itself (loading libtorch and the other libraries: a third of a second and more); without it they count from
// the first call (at the start of main).

#include <QtGlobal>

#include <ctime>

namespace clipfind::cli {

inline qint64 monotonicNs()
{
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

inline double msSinceStart()
{
    static const qint64 start = [] {
        bool ok = false;
        const qint64 spawned = qEnvironmentVariable("CLIPFIND_SPAWN_NS").toLongLong(&ok);
        return ok && spawned > 0 ? spawned : monotonicNs();
    }();
    return double(monotonicNs() - start) / 1e6;
}

} // namespace clipfind::cli
