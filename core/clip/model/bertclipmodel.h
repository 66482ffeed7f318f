// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"
#include "core/clip/pixels/chineseclipprep.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipfind::clip {

/// Which kind of model a BertClipModel is.
enum class BertClipKind {
    /// A sentence-transformers text model (DistilBERT or BERT, pooling, Dense layers) trained to map text into an
    /// image model's embedding space, e.g. clip-ViT-B-32-multilingual-v1 (images: OpenAI's ViT-B/32). Text only.
    SentenceTransformers,
    /// Hugging Face ChineseCLIPModel (OFA-Sys/chinese-clip-vit-*): BERT text tower + CLIP ViT image tower, its own
    /// embedding space.
    ChineseClip,
};

class BertClipModel;

struct BertClipLoadResult {
    std::unique_ptr<BertClipModel> model; // null on failure
    std::string error;                    // one line naming the file and the problem
};

/// A CLIP-style model with a BERT-family text tower, on one device. Text goes in as WordPiece ids (core/text's
/// WordPieceTokenizer reads the same folder). Thread contract as ClipModel: load anywhere, then a text pass and an
/// image pass may run at the same time on two threads; each kind from one thread at a time.
class BertClipModel
{
public:
    /// Loads a model folder: sentence-transformers (modules.json: Transformer, Pooling, Dense, Normalize modules;
    /// the Transformer a DistilBertModel or BertModel with model.safetensors) or Hugging Face ChineseCLIPModel
    /// (config.json model_type "chinese_clip", model.safetensors, preprocessor_config.json). Every hyper-parameter
    /// comes from the config files (transformers' defaults where they omit one); every tensor is checked by name and
    /// shape, unknown ones are ignored.
    static BertClipLoadResult load(const std::string &folder, const LoadOptions &options = {});

    /// Random weights at a real model's sizes, for benchmarks: "mclip-distilbert" (clip-ViT-B-32-multilingual-v1:
    /// DistilBERT 768 x 6 layers, vocabulary 119547, Dense 768 -> 512) or "chinese-clip-b16"
    /// (chinese-clip-vit-base-patch16: BERT-base, vocabulary 21128, ViT-B/16, projection 512).
    static BertClipLoadResult createRandom(const std::string &architecture, const LoadOptions &options = {});
    /// The names createRandom() accepts.
    static std::vector<std::string> randomArchitectures();

    ~BertClipModel();
    BertClipModel(const BertClipModel &) = delete;
    BertClipModel &operator=(const BertClipModel &) = delete;

    BertClipKind kind() const;
    /// "sentence-transformers" or "chinese-clip".
    std::string kindName() const;
    /// "DistilBERT 768x6, ..." one line describing the towers.
    std::string description() const;
    /// The folder the model came from; empty if random.
    const std::string &folder() const;
    int64_t embeddingDim() const;

    /// Ids per text the model accepts ([CLS] and [SEP] included): its position embeddings.
    int64_t maxTextLength() const;
    int64_t vocabularySize() const;

    /// Whether encodeImages() works (Chinese-CLIP).
    bool hasImageTower() const;
    /// The image size encodeImages() takes (0 without an image tower).
    int imageHeight() const;
    int imageWidth() const;
    /// How images are prepared for encodeImages() (preprocessor_config.json): pass it to preprocessForChineseClip().
    const ChineseClipImageConfig &imageConfig() const;

    std::string deviceDescription() const;
    bool isCuda() const;
    std::string precisionName() const;
    int cpuThreads() const;

    /// Rows of WordPiece ids, [CLS] ... [SEP], each at most maxTextLength() long. Trailing [PAD] ids are padding; a
    /// Chinese-CLIP row masks every [PAD] id as the reference does. Rows of different lengths are padded together;
    /// a single row runs at its own length. Features unnormalized (unless the folder has a Normalize module).
    Features encodeTexts(const std::vector<std::vector<int64_t>> &tokens);

    /// `count` images of 3 x imageHeight() x imageWidth() float32 (CHW, normalized as preprocessForChineseClip does).
    /// An error for a model without an image tower.
    Features encodeImages(const float *pixels, int64_t count);

    /// Opaque state (defined in bertclipmodelprivate.h, for the engine's own use only).
    struct Private;
    explicit BertClipModel(std::unique_ptr<Private> d);
    Private &internals() { return *d; }

private:
    std::unique_ptr<Private> d;
};

} // namespace clipfind::clip
