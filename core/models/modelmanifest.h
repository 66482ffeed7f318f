// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QVector>

namespace clipfind {

/// One file of a model that is a folder of files (a sentence-transformers or Chinese-CLIP model).
struct ModelDownloadFile {
    QString path; // inside the model folder, e.g. "2_Dense/model.safetensors"
    QString url;
    qint64 size = 0; // bytes, always given: it bounds what the download may bring
    bool sizeApproximate = false;
    QString sha256; // lower-case hex; empty = the hash the server publishes, or for a small file its size cap only
    QString sha256Source;
    bool requiresSha256 = false; // weights (LFS files): never accepted without a pinned or published hash
};

/// One way to download a model: a URL and the file it becomes, or a folder of files.
struct ModelDownload {
    QString url;       // empty when `files` is used
    QString installAs; // path relative to the models folder, e.g. "clip-vit-base-patch32/model.safetensors"; with
                       // `files` the model's folder
    QString format;    // "hf-safetensors", "open_clip-safetensors", "openai-torchscript", "sentence-transformers",
                       // "hf-chinese-clip"
    qint64 size = 0;   // bytes (with `files` their sum); 0 = unknown
    bool sizeApproximate = false;
    QString sha256; // lower-case hex; empty = verify against the hash the server publishes
    QString sha256Source;
    QVector<ModelDownloadFile> files; // a model that is a folder: every file, installed together

    bool isFolder() const { return !files.isEmpty(); }
};

/// A file recognised by its hash when found on disk (e.g. OpenAI's ViT-B-32.pt in ~/.cache/clip).
struct KnownModelFile {
    QString file;
    QString format;
    qint64 size = 0;
    QString sha256;
    QString sha256Source;
};

/// What a manifest model is to ClipFind.
enum class ModelKind {
    Clip,             ///< a CLIP model: the library's model (the default)
    MultilingualText, ///< a text model paired with a CLIP model (Settings > Languages); indexes nothing
    ChineseClip,      ///< a full model with its own image tower: the library's model, with its own index
};

/// "clip", "multilingual-text", "chinese-clip".
QString modelKindName(ModelKind kind);
bool parseModelKind(const QString &name, ModelKind *kind);

struct ManifestModel {
    QString name;         // "ViT-B/32"
    QString architecture; // as clip::architectureName() spells it
    QString title;
    QString license;
    QString speed; // the speed/quality trade-off, for people
    ModelKind kind = ModelKind::Clip;
    QString purpose;         // what it is for, one line for people
    QString pairsWith;       // MultilingualText: the CLIP model whose embedding space it was trained into ("ViT-B/32")
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
