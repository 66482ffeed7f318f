// SPDX-License-Identifier: MIT
// Compiled without ThreadSanitizer (see torchparallel.h): nothing here but the OpenMP region.
#include "core/clip/model/torchparallel.h"

namespace clipfind::clip::detail {

void parallelForRanges(int64_t begin, int64_t end, int64_t grain, RangeFunction function, const void *context)
{
    at::parallel_for(begin, end, grain,
                     [function, context](int64_t first, int64_t last) { function(context, first, last); });
}

} // namespace clipfind::clip::detail
