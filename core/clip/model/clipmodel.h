// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/modelconfig.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipfind::clip {

enum class DeviceChoice { Auto, Cpu, Cuda };

/// Numeric mode of the forward pass. BFloat16Images: text in fp32; the image tower's linear layers in bf16 while its
/// residual stream, LayerNorms and attention stay fp32 (within cosine 0.9999 of fp32 and the same rankings on the
/// fixtures, but near ties in the shapes model's rankings swap: tests/bf16decisiontest.cpp). Auto = fp16 on CUDA,
/// fp32 on the CPU (BFloat16Images only if it passes that gate and the CPU computes bf16 natively, see
/// cpufeatures.h: it does not pass today). Float32 is the exact path everywhere.
enum class Precision { Auto, Float32, Float16, BFloat16, BFloat16Images };

/// Which forward implementation runs. Reference follows the Python reference op by op (sequence-first layout,
/// at::linear, hand-written attention): the choice for parity checks. Fast (what Auto picks) uses a batch-first
/// layout, fused attention (libtorch 2.x), a one-kernel QuickGELU and, on the CPU, a few-row linear for text
/// queries; its features stay within ~1e-6 relative of Reference.
enum class Kernels { Auto, Reference, Fast };

/// How a checkpoint's bytes reach the tensors. Map: a private read-only mapping of the file, float32 tensors on the
/// CPU are views over it (zero copy; pages come from the OS page cache as a tower uses them). Read: the file is read
/// into memory first. Auto: Map, except for files on network and FUSE file systems, which are read (see filebytes.h
/// for what a mapping risks).
enum class FileAccess { Auto, Map, Read };

struct LoadOptions {
    DeviceChoice device = DeviceChoice::Auto;
    Precision precision = Precision::Auto;
    Kernels kernels = Kernels::Auto;
    /// Intra-op threads for the CPU; 0 = one per core. Set process-wide on first load.
    int cpuThreads = 0;
    FileAccess fileAccess = FileAccess::Auto;
    /// true: load() reads and checks the checkpoint's header and every tensor's shape, and each tower's weights are
    /// built on first use (prepareTextTower / prepareImageTower, or the first encode). false: both towers are built
    /// during load() (the behaviour before lazy towers; the features are the same bit for bit).
    bool lazyTowers = true;
};

/// Fills `options` from the command-line spellings shared by clipfind-cli and clipfind-engine:
/// device auto|cpu|cuda, precision auto|float32|float16|bfloat16|bfloat16-images, kernels auto|reference|fast,
/// threads >= 0
/// (0 = one per core). Returns false with *error naming the bad value and the valid ones.
bool parseLoadOptions(const std::string &device, const std::string &precision, const std::string &kernels,
                      const std::string &threads, LoadOptions *options, std::string *error);

/// Whether a model loaded with these options runs on CUDA (Auto: when a GPU is available), without loading one.
bool wouldUseCuda(const LoadOptions &options);

/// Row-major feature matrix, or an error. Features are unnormalized, like openai/CLIP `encode_*`.
struct Features {
    std::vector<float> values; // rows * dim
    int64_t rows = 0;
    int64_t dim = 0;
    std::string error; // empty on success

    bool ok() const { return error.empty(); }
    const float *row(int64_t i) const { return values.data() + i * dim; }
};

class ClipModel;

struct LoadResult {
    std::unique_ptr<ClipModel> model; // null on failure
    std::string error;                // one line naming the file and the problem
};

/// Which text-tower pass to run. Both give the same features (the causal mask makes tokens after
/// EOT irrelevant); Full exists to prove it and to reproduce reference numbers bit for bit.
enum class TextPass { UpToEot, Full };

/// A loaded CLIP model on one device. Thread contract: load anywhere; the weights are read-only afterwards, so a
/// text pass and an image pass may run at the same time on two threads; each kind from one thread at a time.
/// Building a tower (prepare*Tower, or the first encode of its kind) is thread-safe: a second caller waits for the
/// first and then finds the tower ready.
class ClipModel
{
public:
    /// Loads an OpenAI TorchScript release (.pt), an open_clip safetensors file (OpenAI key names) or a
    /// Hugging Face CLIPModel directory / model.safetensors. The format is detected from the content.
    static LoadResult load(const std::string &path, const LoadOptions &options = {});

    /// A model of the given architecture with random weights (benchmarks: speed does not depend on values).
    static LoadResult createRandom(const ModelConfig &config, const LoadOptions &options = {});

    ~ClipModel();
    ClipModel(const ClipModel &) = delete;
    ClipModel &operator=(const ClipModel &) = delete;

    const ModelConfig &config() const;
    /// "openai-torchscript", "open_clip-safetensors", "hf-safetensors" or "random".
    const std::string &format() const;
    /// The file the weights came from (a Hugging Face folder resolves to its model.safetensors); empty if random.
    const std::string &file() const;
    /// "cpu" or "cuda:0 (NVIDIA H100 ...)".
    std::string deviceDescription() const;
    bool isCuda() const;
    /// "float32", "float16" or "bfloat16": the text tower's (and the image tower's unless they differ).
    std::string precisionName() const;
    /// The image tower's: "bfloat16-mixed" for Precision::BFloat16Images (and Auto on a CPU with native bf16),
    /// else the same as precisionName().
    std::string imagePrecisionName() const;
    int cpuThreads() const;

    /// Builds the text tower's weights now (float32 views over a mapped fp32 file cost nothing; fp16 weights are
    /// converted; the token table stays as stored: only the rows a query uses are converted). Idempotent and
    /// thread-safe; false with *error (one line naming the file) when the weights cannot be built. A failure sticks.
    bool prepareTextTower(std::string *error = nullptr);
    /// The same for the image tower, which only indexing, image terms and dropped images need.
    bool prepareImageTower(std::string *error = nullptr);
    bool isTextTowerReady() const;
    bool isImageTowerReady() const;

    /// pixels: `count` images of 3 x R x R float32 (CHW, normalized), R = config().imageResolution.
    Features encodeImages(const float *pixels, int64_t count);

    /// tokens: rows of up to contextLength ids each (SOT ... EOT, zero padded). Pooling at argmax(ids).
    Features encodeTexts(const std::vector<std::vector<int64_t>> &tokens, TextPass pass = TextPass::UpToEot);

    /// Opaque state (defined in clipmodelprivate.h, for the engine's own use only).
    struct Private;
    explicit ClipModel(std::unique_ptr<Private> d);
    Private &internals() { return *d; }

private:
    std::unique_ptr<Private> d;
};

} // namespace clipfind::clip
