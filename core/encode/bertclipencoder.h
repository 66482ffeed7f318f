// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"
#include "core/encode/embeddingrows.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace clipfind {

namespace clip {
class BertClipModel;
}

/// A model folder with a BERT-family text tower, behind Qt types: a sentence-transformers multilingual text model
/// (clip-ViT-B-32-multilingual-v1: text only, into OpenAI ViT-B/32's embedding space) or a Hugging Face
/// ChineseCLIPModel (text and image towers, its own space). The folder's WordPiece tokenizer goes with it.
///
/// Thread contract as ClipEncoder: load anywhere; texts and images may be encoded on two threads at once, each kind
/// from one thread at a time.
class BertClipEncoder
{
public:
    /// Whether `path` is a folder BertClipEncoder reads: modules.json (sentence-transformers) or a config.json whose
    /// model_type is "chinese_clip". Reads at most a few kilobytes; false for anything unreadable.
    static bool isBertClipFolder(const QString &path);
    /// config.json's model_type in `folder` ("chinese_clip", "clip", ...); empty when there is none or it cannot be
    /// read. Reads at most a megabyte.
    static QString configModelType(const QString &folder);

    /// Null with *error (one line naming the file and the problem) when the tokenizer or the model cannot be read.
    static std::unique_ptr<BertClipEncoder> load(const QString &folder, const clip::LoadOptions &options,
                                                 QString *error);
    ~BertClipEncoder();

    /// "sentence-transformers" or "chinese-clip".
    QString kindName() const;
    bool hasImageTower() const;
    int embeddingDim() const;
    /// {"path","kind","description","embedding_dim","max_text_length","vocabulary_size"}.
    QJsonObject describe() const;
    QString deviceDescription() const;

    /// The model's real token ids of `text`: [CLS] ... [SEP], unpadded, truncated to the model's length. Empty with
    /// *error for an unusable text (over WordPieceTokenizer::kMaxTextLength).
    std::vector<int64_t> tokenize(const QString &text, QString *error = nullptr) const;

    /// One row per text, each encoded at its own length (no padding, the reference's features).
    EmbeddingRows encodeTexts(const QStringList &texts);
    /// Decodes every file (errors per file) and prepares it as the folder's preprocessor_config.json says, then
    /// encodes the good ones together. The whole call fails for a model without an image tower.
    EmbeddingRows encodeImageFiles(const QStringList &paths);

    /// The model itself (ChineseClipEncoder batches images through it).
    clip::BertClipModel &model();

private:
    BertClipEncoder();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind
