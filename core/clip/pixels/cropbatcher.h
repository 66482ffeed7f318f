// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace clipfind::clip {

/// The features of one batch: the ticket each crop was pushed with (in slot order) and its row.
struct CropBatchResult {
    std::vector<int64_t> tickets;
    Features features;
    double encodeSeconds = 0; ///< the batch's forward pass and the copy of its rows back (wall time)
};

/// Feeds the image tower from several producer threads (the decode pool). Producers push 8-bit R x R RGB crops
/// (clipCenterCrop) into host buffers of `batchSize` crops, pinned when the model is on CUDA. One inference
/// thread, owned here, uploads each full buffer asynchronously, normalizes it on the device with the very table
/// normalizeForClip uses (so the model input is identical) and runs the forward pass while the producers fill the
/// next buffers. Thread contract: push() from any thread; finish() once, after every push() has returned; results
/// arrive through the callback, on the inference thread, in batch order.
class CropBatcher
{
public:
    using BatchCallback = std::function<void(CropBatchResult)>;

    /// `cpuThreads` > 0: the inference thread's own intra-op thread count on the CPU (0 = the process default).
    /// On few cores the indexer gives the encoder fewer threads than cores so the decoders never wait for an
    /// OpenMP team that is spinning at a barrier for a core they hold.
    CropBatcher(ClipModel &model, int64_t batchSize, BatchCallback onBatch, int cpuThreads = 0);
    ~CropBatcher(); // finish()es
    CropBatcher(const CropBatcher &) = delete;
    CropBatcher &operator=(const CropBatcher &) = delete;

    /// Copies `crop` (R*R*3 bytes, RGB, row-major, R = the model's input resolution) into the next free slot;
    /// blocks while every buffer is full or on its way to the device.
    void push(int64_t ticket, const uint8_t *crop);

    /// Encodes the last, partial batch, waits for every result and stops the inference thread.
    void finish();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind::clip
