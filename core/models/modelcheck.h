// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

namespace clipfind {

class ModelManifest;

/// The outcome of verifying a model file: its SHA-256 against a known hash where there is one, and that it reads
/// as a complete CLIP checkpoint.
struct ModelCheck {
    bool ok = false;
    QString path; // as given (a file or a Hugging Face folder)
    QString file; // the checkpoint file itself (a folder resolves to its model.safetensors)
    qint64 size = 0;
    QString sha256;        // of `file`
    QString format;        // "openai-torchscript", "open_clip-safetensors", "hf-safetensors", "hf-chinese-clip"
    QString architecture;  // "ViT-B/32", ... or "custom ViT"
    QString manifestModel; // the manifest model whose pinned hash matched; empty when none did
    QString hashSource;    // what the hash was compared with ("manifest", "--sha256", "X-Linked-Etag"); empty = none
    QString kind;          // modelKindName() of the manifest model: "clip" (also for files the manifest does not
                           // know), "multilingual-text" (a text model for Settings > Languages, not an image model),
                           // "chinese-clip"
    QString error;         // one line naming the file and the problem when !ok

    /// Whether the model can be the library's model (a CLIP or Chinese-CLIP model, not a paired text model).
    bool indexesImages() const { return kind != QLatin1String("multilingual-text"); }
    /// One line for lists: "ViT-B/32, openai-torchscript, SHA-256 matches the manifest" or "broken: <reason>".
    QString label() const;
    QJsonObject toJson() const;
    static ModelCheck fromJson(const QJsonObject &json);
};

/// Verifies a model file, hash before parse: its SHA-256 is computed first; `expectedSha256` (lower-case hex) is
/// required to match when given (`hashSource` says where it came from); a hash the manifest knows identifies the
/// file without any parser touching it (format and architecture from the manifest); any other file is read by the
/// checkpoint readers, which treat it as data only. Reads the whole file once or twice: call off the GUI thread.
ModelCheck checkModelFile(const QString &path, const ModelManifest &manifest, const QString &expectedSha256 = {},
                          const QString &hashSource = {});

/// The checkpoint file a path stands for: itself, or model.safetensors / open_clip_model.safetensors in a folder.
QString modelFileFor(const QString &path);

} // namespace clipfind
