// SPDX-License-Identifier: MIT
#pragma once

namespace clipfind::clip {

/// CPU threads for the forward passes the *calling* thread runs; other threads keep theirs. libtorch's own
/// at::set_num_threads also changes the process-wide default that every new thread starts from, which the indexer's
/// inference thread must keep.
///
/// Why: while the indexer keeps both cores busy, a text query that fans out over two OpenMP threads waits at every
/// barrier for a time slice (a 9 ms encode took 50-600 ms); on one thread it just shares the CPU. 0 = one per core.
void setCpuThreadsForThisThread(int threads);
int cpuThreadsForThisThread();

/// setCpuThreadsForThisThread() for a scope; the thread's previous count comes back at its end. Loading work that runs
/// beside other loading work (the text tower built while the rows load) uses one thread each: two OpenMP teams on two
/// cores spin at each other's barriers (a 100 ms start took 700 ms that way on the development machine).
class ScopedCpuThreads
{
public:
    explicit ScopedCpuThreads(int threads)
        : m_previous(cpuThreadsForThisThread())
    {
        setCpuThreadsForThisThread(threads);
    }
    ~ScopedCpuThreads() { setCpuThreadsForThisThread(m_previous); }
    ScopedCpuThreads(const ScopedCpuThreads &) = delete;
    ScopedCpuThreads &operator=(const ScopedCpuThreads &) = delete;

private:
    int m_previous;
};

} // namespace clipfind::clip
