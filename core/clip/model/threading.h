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

} // namespace clipfind::clip
