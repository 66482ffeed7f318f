// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QVector>

namespace clipfind {

/// One way to download a model: a URL and the file it becomes.
struct ModelDownload {
    QString url;
    QString installAs; // path relative to the models folder, e.g. "clip-vit-base-patch32/model.safetensors"
    QString format;    // "hf-safetensors", "open_clip-safetensors" or "openai-torchscript"
    qint64 size = 0;   // bytes; 0 = unknown
    bool sizeApproximate = false;
    QString sha256; // lower-case hex; empty = verify against the hash the server publishes
    QString sha256Source;
};

/// A file recognised by its hash when found on disk (e.g. OpenAI's ViT-B-32.pt in ~/.cache/clip).
struct KnownModelFile {
    QString file;
    QString format;
    qint64 size = 0;
    QString sha256;
    QString sha256Source;
};

struct ManifestModel {
    QString name;         // "ViT-B/32"
    QString architecture; // as clip::architectureName() spells it
    QString title;
    QString license;
    QString speed;           // the speed/quality trade-off, for people
    double relativeCost = 1; // image-tower compute relative to ViT-B/32
    QVector<ModelDownload> downloads;
    QVector<KnownModelFile> knownFiles;

    /// The size shown before downloading: the first download's size (0 = unknown).
    qint64 downloadSize() const { return downloads.isEmpty() ? 0 : downloads.first().size; }
};

/// The known CLIP models (models/manifest.json). Built in as :/models/manifest.json; a file can replace it.
class ModelManifest
{
public:
    /// Parses manifest JSON; `origin` (a path or URL) names the source in errors. False with *error on bad input.
    static bool parse(const QByteArray &json, const QString &origin, ModelManifest *out, QString *error);
    static bool load(const QString &path, ModelManifest *out, QString *error);
    /// The compiled-in manifest (always valid: a test checks it).
    static ModelManifest builtIn();
    /// CLIPFIND_MODEL_MANIFEST if set, else <modelsDir>/manifest.json if present, else the built-in one.
    /// False with *error when an override exists but is broken (the built-in one is then in *out).
    static bool loadEffective(const QString &modelsDir, ModelManifest *out, QString *error);

    const QVector<ManifestModel> &models() const { return m_models; }
    /// By name, also as file-name spelling ("ViT-B-32") and case-insensitively; null if unknown.
    const ManifestModel *find(const QString &name) const;
    const ManifestModel *defaultModel() const;
    /// The model a file with this SHA-256 belongs to (a known file or a pinned download); null if none.
    const ManifestModel *findBySha256(const QString &sha256) const;
    QString origin() const { return m_origin; }

private:
    QVector<ManifestModel> m_models;
    QString m_default;
    QString m_origin;
};

/// The default download host that the mirror setting replaces.
inline constexpr char kHuggingFaceBase[] = "https://huggingface.co";

/// `url` with its https://huggingface.co prefix replaced by `mirror` (e.g. "https://hf-mirror.com"); unchanged
/// when the mirror is empty or the URL points elsewhere.
QString applyMirror(const QString &url, const QString &mirror);

} // namespace clipfind
