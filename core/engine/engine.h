// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/checkpoint/checkpointinfo.h"
#include "core/clip/matrix/embeddingmatrix.h"
#include "core/clip/matrix/nearpairs.h"
#include "core/encode/clipencoder.h"
#include "core/encode/embeddingrows.h"
#include "core/encode/photoencoder.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace clipfind {

/// What core needs of libtorch, behind one interface: libclipfind_torch.so implements it, and modelEngine() loads that
/// library with dlopen the first time something asks. Why: loading Debian's libtorch costs ~0.4 s before the first
/// line of main() runs (its 288 libraries and its operator registration), and most starts never run a model: the
/// window's first photos, `status`, `index` of an unchanged folder, `models list`. Every call is thread-safe unless
/// it says otherwise; the objects it returns follow their own classes' thread contracts.
class Engine
{
public:
    virtual ~Engine() = default;

    /// loadPhotoEncoder() (photoencoderloader.h) once the path is known to be a model with an image tower.
    virtual std::unique_ptr<PhotoEncoder> loadPhotoEncoder(const QString &path, const ClipEncoder::Settings &settings,
                                                           QString *error) const = 0;
    /// A CLIP model of architecture `arch` ("ViT-B/32", ...) with seeded random weights, for benchmarks and
    /// screenshots; null with *error for an unknown architecture.
    virtual std::unique_ptr<PhotoEncoder> createRandomEncoder(const QString &arch, const clip::LoadOptions &options,
                                                              QString *error) const = 0;
    /// What a BERT-family model folder (BertClipEncoder::isBertClipFolder: sentence-transformers multilingual text,
    /// Chinese-CLIP) makes of `texts` and `images`: its description, device and unnormalized features in input order
    /// (a failed call is that result's `error`, a failed row its entry in `errors`). False with *error (one line)
    /// when the folder cannot be loaded.
    struct FolderModelOutput {
        QJsonObject description;
        QString device;
        EmbeddingRows texts;
        EmbeddingRows images;
    };
    virtual bool encodeWithModelFolder(const QString &folder, const clip::LoadOptions &options,
                                       const QStringList &texts, const QStringList &images, FolderModelOutput *out,
                                       QString *error) const = 0;
    /// Whether `folder` loads as a Chinese-CLIP model with its image tower; false with *error (one line) if not.
    virtual bool checkChineseClipFolder(const QString &folder, QString *error) const = 0;

    /// clip::EmbeddingMatrix::create().
    virtual std::unique_ptr<clip::EmbeddingMatrix> createEmbeddingMatrix(int dim, const clip::MatrixOptions &options,
                                                                         std::string *error) const = 0;
    /// clip::findNearPairs().
    virtual clip::NearPairResult findNearPairs(const uint16_t *halves, int64_t rows, int dim,
                                               const clip::NearPairOptions &options,
                                               const std::function<bool()> &cancelled) const = 0;
    /// clip::inspectCheckpoint().
    virtual bool inspectCheckpoint(const std::string &path, clip::CheckpointInfo *out, std::string *error) const = 0;

    /// clip::setCpuThreadsForThisThread() / clip::cpuThreadsForThisThread() (threading.h): the calling thread's
    /// forward passes.
    virtual void setCpuThreadsForThisThread(int threads) const = 0;
    virtual int cpuThreadsForThisThread() const = 0;
};

/// libclipfind_torch.so's Engine, loaded on the first call from whichever thread makes it (the others wait); null
/// with *error (one line: the library's path and the loader's reason) when it cannot be loaded. Later calls return
/// the same object, or the same error.
const Engine *modelEngine(QString *error = nullptr);

/// Whether modelEngine() has loaded the library in this process (nothing is loaded by asking).
bool isModelEngineLoaded();

/// setCpuThreadsForThisThread() for a scope (as clip::ScopedCpuThreads, through the engine): the thread's previous
/// count comes back at its end. Loads the engine; without one it does nothing (nothing could run a model then).
class ScopedEngineThreads
{
public:
    explicit ScopedEngineThreads(int threads);
    ~ScopedEngineThreads();
    ScopedEngineThreads(const ScopedEngineThreads &) = delete;
    ScopedEngineThreads &operator=(const ScopedEngineThreads &) = delete;

private:
    const Engine *m_engine;
    int m_previous = 0;
};

} // namespace clipfind
