// SPDX-License-Identifier: MIT
#include "core/clip/pixels/cropbatcher.h"

#include "core/clip/errortext.h"
#include "core/clip/model/clipmodelprivate.h"
#include "core/clip/model/threading.h"
#include "core/clip/pixels/imageprep.h"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace clipfind::clip {

namespace {

// Three buffers: one on the device, one being filled, one ready, so neither side waits for the other.
constexpr size_t kBufferCount = 3;

struct Buffer {
    enum class State { Free, Filling, Ready, InFlight };
    torch::Tensor host;           // uint8 [B, R, R, 3]
    std::vector<int64_t> tickets; // per slot
    int64_t reserved = 0;         // slots handed to producers
    int64_t written = 0;          // slots whose copy is complete
    State state = State::Free;
};

// normalizeForClip's per-channel table of (v/255 - mean)/std, flattened to [3 * 256] on the device.
torch::Tensor normalizationTable(torch::Device device)
{
    RgbImage ramp;
    ramp.width = ramp.height = 16; // 256 pixels whose three channels all count 0..255
    for (int v = 0; v < 256; ++v) {
        ramp.pixels.insert(ramp.pixels.end(), {uint8_t(v), uint8_t(v), uint8_t(v)});
    }
    std::vector<float> planes;
    normalizeForClip(ramp, planes); // [3, 256]: exactly the CPU path's values
    return torch::from_blob(planes.data(), {3 * 256}, torch::kFloat32).clone().to(device);
}

} // namespace

struct CropBatcher::Private {
    Private(ClipModel::Private &model, int64_t batchSize, int64_t resolution, BatchCallback onBatch, int cpuThreads)
        : model(model)
        , batchSize(batchSize)
        , resolution(resolution)
        , onBatch(std::move(onBatch))
        , cpuThreads(cpuThreads)
    {
    }

    ClipModel::Private &model;
    int64_t batchSize;
    int64_t resolution;
    BatchCallback onBatch;
    int cpuThreads;
    torch::Tensor table;          // [768] on the device
    torch::Tensor channelOffsets; // int64 [3] = 0, 256, 512 on the device

    std::mutex mutex;
    std::condition_variable changed;
    Buffer buffers[kBufferCount];
    size_t filling = 0;       // the buffer producers fill next
    std::deque<size_t> ready; // full buffers in fill order
    bool finishing = false;
    std::thread worker;

    struct Pending {
        size_t buffer;
        int64_t count;
        torch::Tensor features; // on the device; copying it back waits for the batch
        std::string error;      // the forward pass failed to launch
        double launchSeconds = 0;
    };

    void run();
    torch::Tensor launch(const Buffer &buffer, int64_t count) const;
    void deliver(const Pending &pending);
};

CropBatcher::CropBatcher(ClipModel &model, int64_t batchSize, BatchCallback onBatch, int cpuThreads)
    : d(std::make_unique<Private>(model.internals(), std::max<int64_t>(1, batchSize), model.config().imageResolution,
                                  std::move(onBatch), cpuThreads))
{
    const torch::Device device = d->model.setup.device;
    d->table = normalizationTable(device);
    d->channelOffsets = torch::tensor({0L, 256L, 512L}, torch::kLong).to(device);
    const int64_t r = d->resolution;
    // Pinned (page-locked) host memory lets the upload run asynchronously; only CUDA has it.
    const auto options = torch::TensorOptions().dtype(torch::kUInt8).pinned_memory(device.is_cuda());
    for (Buffer &buffer : d->buffers) {
        buffer.host = torch::empty({d->batchSize, r, r, 3}, options);
        buffer.tickets.assign(static_cast<size_t>(d->batchSize), 0);
    }
    d->worker = std::thread([this] { d->run(); });
}

CropBatcher::~CropBatcher()
{
    finish();
}

void CropBatcher::push(int64_t ticket, const uint8_t *crop)
{
    std::unique_lock<std::mutex> lock(d->mutex);
    Buffer *buffer = nullptr;
    for (;;) {
        buffer = &d->buffers[d->filling];
        if (buffer->state == Buffer::State::Free) {
            buffer->state = Buffer::State::Filling;
            buffer->reserved = buffer->written = 0;
        }
        if (buffer->state == Buffer::State::Filling && buffer->reserved < d->batchSize) {
            break;
        }
        d->changed.wait(lock);
    }
    const int64_t slot = buffer->reserved++;
    if (buffer->reserved == d->batchSize) {
        d->filling = (d->filling + 1) % kBufferCount; // later pushes go to the next buffer
    }
    lock.unlock();

    const size_t bytes = static_cast<size_t>(d->resolution * d->resolution * 3);
    std::memcpy(buffer->host.data_ptr<uint8_t>() + slot * static_cast<int64_t>(bytes), crop, bytes);
    buffer->tickets[static_cast<size_t>(slot)] = ticket;

    lock.lock();
    if (++buffer->written == d->batchSize) {
        buffer->state = Buffer::State::Ready;
        d->ready.push_back(static_cast<size_t>(buffer - d->buffers));
        d->changed.notify_all();
    }
}

void CropBatcher::finish()
{
    {
        std::lock_guard<std::mutex> lock(d->mutex);
        if (!d->worker.joinable()) {
            return;
        }
        Buffer &partial = d->buffers[d->filling];
        if (partial.state == Buffer::State::Filling && partial.written > 0) {
            partial.state = Buffer::State::Ready;
            d->ready.push_back(d->filling);
        }
        d->finishing = true;
    }
    d->changed.notify_all();
    d->worker.join();
}

torch::Tensor CropBatcher::Private::launch(const Buffer &buffer, int64_t count) const
{
    c10::InferenceMode inference; // thread-local: this is the inference thread
    const torch::Device device = model.setup.device;
    const torch::Tensor crops = buffer.host.slice(0, 0, count).to(device, /*non_blocking=*/true); // [n, R, R, 3]
    // Table lookup per channel: the same float32 values normalizeForClip writes on the CPU.
    const torch::Tensor index = crops.to(torch::kLong) + channelOffsets;               // [n, R, R, 3]
    torch::Tensor pixels = table.index_select(0, index.flatten()).view(index.sizes()); // [n, R, R, 3]
    pixels = pixels.permute({0, 3, 1, 2}).contiguous().to(model.setup.imageDtype);     // [n, 3, R, R]
    return model.imageForward(pixels);
}

void CropBatcher::Private::deliver(const Pending &pending)
{
    CropBatchResult result;
    const auto start = std::chrono::steady_clock::now();
    try {
        if (!pending.error.empty()) {
            throw std::runtime_error(pending.error);
        }
        const torch::Tensor rows = pending.features.to(torch::kCPU, torch::kFloat32).contiguous();
        result.features.rows = rows.size(0);
        result.features.dim = rows.size(1);
        result.features.values.assign(rows.data_ptr<float>(), rows.data_ptr<float>() + rows.numel());
    } catch (const std::exception &e) {
        result.features.error = "image encoder failed: " + firstLine(e.what());
    }
    result.encodeSeconds =
        pending.launchSeconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Buffer &buffer = buffers[pending.buffer];
    result.tickets.assign(buffer.tickets.begin(), buffer.tickets.begin() + pending.count);
    {
        std::lock_guard<std::mutex> lock(mutex);
        buffer.state = Buffer::State::Free; // its upload finished before the results could be read
    }
    changed.notify_all();
    if (onBatch) {
        onBatch(std::move(result));
    }
}

void CropBatcher::Private::run()
{
    if (cpuThreads > 0 && !model.setup.device.is_cuda()) {
        setCpuThreadsForThisThread(cpuThreads);
    }
    std::deque<Pending> pending;
    for (;;) {
        size_t index = 0;
        {
            std::unique_lock<std::mutex> lock(mutex);
            // With nothing ready, collect finished work instead of idling, which also frees its buffer.
            while (ready.empty() && !pending.empty()) {
                lock.unlock();
                deliver(pending.front());
                pending.pop_front();
                lock.lock();
            }
            changed.wait(lock, [this] { return !ready.empty() || finishing; });
            if (ready.empty()) {
                break; // finishing and nothing left
            }
            index = ready.front();
            ready.pop_front();
            buffers[index].state = Buffer::State::InFlight;
        }
        const int64_t count = buffers[index].written;
        Pending next{index, count, {}, {}, 0};
        const auto start = std::chrono::steady_clock::now();
        try {
            next.features = launch(buffers[index], count);
        } catch (const std::exception &e) {
            next.error = e.what(); // reported with the batch's tickets by deliver()
        }
        next.launchSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        pending.push_back(std::move(next));
        // Keep one batch computing on the device while the previous one's results come back.
        while (pending.size() > 1) {
            deliver(pending.front());
            pending.pop_front();
        }
    }
    while (!pending.empty()) {
        deliver(pending.front());
        pending.pop_front();
    }
}

} // namespace clipfind::clip
