// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace clipfind {

class Tokenizer;

/// Feature rows in input order. A row that failed is all zeros and has its reason in `errors`.
struct EmbeddingRows {
    int dim = 0;
    std::vector<float> values;  // rows * dim, unnormalized (like openai/CLIP encode_*)
    std::vector<QString> errors; // per row; empty string = ok
    QString error;               // the whole call failed (e.g. the model failed); rows are then absent

    int rows() const { return dim ? static_cast<int>(values.size() / dim) : 0; }
    const float *row(int i) const { return values.data() + static_cast<size_t>(i) * dim; }
};

/// The CLIP encoder the app and tools use: a checkpoint, the tokenizer and the reference image pipeline.
/// Thread contract: load() anywhere (slow, off the GUI thread). The weights are read-only after loading, so
/// texts may be encoded on one thread while images are encoded on another (the app searches while it indexes;
/// tests/encoderconcurrencytest.cpp checks both give exactly what they give alone). Each kind of call from one
/// thread at a time.
class ClipEncoder
{
public:
    struct Settings {
        clip::LoadOptions load;
    };

    /// Loads the model and the built-in vocabulary; null with *error (one line naming the file) on failure.
    static std::unique_ptr<ClipEncoder> load(const QString &modelPath, const Settings &settings, QString *error);
    /// An encoder around a model already built (benchmarks: clip::ClipModel::createRandom); `modelId` stands in
    /// for the checkpoint SHA-256 that keys the cache.
    static std::unique_ptr<ClipEncoder> fromModel(std::unique_ptr<clip::ClipModel> model, const QString &modelId,
                                                  QString *error);
    ~ClipEncoder();

    /// {"path","file","format","architecture","config":{...},"sha256"}.
    QJsonObject describe() const;
    QString sha256() const;
    QString deviceDescription() const;
    int imageSize() const;
    int embeddingDim() const;
    const Tokenizer &tokenizer() const;
    clip::ClipModel &model();

    EmbeddingRows encodeTexts(const QStringList &texts);
    /// Decodes and preprocesses every file (errors per file), then encodes the good ones together.
    EmbeddingRows encodeImageFiles(const QStringList &paths);

private:
    ClipEncoder();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind
