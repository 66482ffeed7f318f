// SPDX-License-Identifier: MIT
#include "core/clip/model/threading.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace clipfind::clip {

void setCpuThreadsForThisThread(int threads)
{
    const int count = threads > 0 ? threads : std::max(1, int(std::thread::hardware_concurrency()));
    // The first ATen call on a thread initializes its thread count from the process default; do it now, so that
    // it does not overwrite ours later.
    (void)at::get_num_threads();
#ifdef _OPENMP
    omp_set_num_threads(count); // this thread's OpenMP setting only (OpenBLAS' openmp build reads it too)
#else
    (void)count;
#endif
}

int cpuThreadsForThisThread()
{
    return at::get_num_threads();
}

} // namespace clipfind::clip
