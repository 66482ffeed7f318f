// SPDX-License-Identifier: MIT
// libclipfind_torch.so's side of engine.h: the Engine that core's modelEngine() finds through clipfind_torch_engine().
#include "core/engine/engine.h"

#include "core/clip/model/bertclipmodel.h"
#include "core/clip/model/clipmodel.h"
#include "core/clip/model/modelconfig.h"
#include "core/clip/model/threading.h"
#include "core/encode/bertclipencoder.h"
#include "core/encode/chineseclipencoder.h"
#include "core/encode/clipencoder.h"

#include <QCoreApplication>
#include <QDir>

namespace clipfind {

namespace {

class TorchEngine final : public Engine
{
public:
    std::unique_ptr<PhotoEncoder> loadPhotoEncoder(const QString &path, const ClipEncoder::Settings &settings,
                                                   QString *error) const override
    {
        if (ChineseClipEncoder::isChineseClipFolder(path)) {
            // Settings::multilingualText pairs a text model with a CLIP model's space; Chinese-CLIP has its own text
            // tower, so a pairing chosen for another model does not apply here.
            return ChineseClipEncoder::load(path, settings.load, settings.dataDir, error);
        }
        return ClipEncoder::load(path, settings, error);
    }

    std::unique_ptr<PhotoEncoder> createRandomEncoder(const QString &arch, const clip::LoadOptions &options,
                                                      QString *error) const override
    {
        clip::ModelConfig config;
        if (!clip::architectureConfig(arch.toStdString(), &config)) {
            if (error) {
                *error = QStringLiteral("unknown architecture '%1' (ViT-B/32, ViT-B/16, ViT-L/14 or ViT-L/14@336px)")
                             .arg(arch);
            }
            return nullptr;
        }
        clip::LoadResult loaded = clip::ClipModel::createRandom(config, options);
        if (!loaded.model) {
            if (error) {
                *error = QString::fromStdString(loaded.error);
            }
            return nullptr;
        }
        return ClipEncoder::fromModel(std::move(loaded.model), QStringLiteral("random-") + arch, error);
    }

    bool encodeWithModelFolder(const QString &folder, const clip::LoadOptions &options, const QStringList &texts,
                               const QStringList &images, FolderModelOutput *out, QString *error) const override
    {
        const auto encoder = BertClipEncoder::load(folder, options, error);
        if (!encoder) {
            return false;
        }
        out->description = encoder->describe();
        out->device = encoder->deviceDescription();
        out->texts = encoder->encodeTexts(texts);
        out->images = encoder->encodeImageFiles(images);
        return true;
    }

    bool checkChineseClipFolder(const QString &folder, QString *error) const override
    {
        clip::LoadOptions options;
        options.device = clip::DeviceChoice::Cpu; // a check, not a model to run
        const clip::BertClipLoadResult loaded =
            clip::BertClipModel::load(QFile::encodeName(folder).toStdString(), options);
        if (loaded.model && loaded.model->hasImageTower()) {
            return true;
        }
        if (error) {
            *error =
                loaded.model ? QStringLiteral("%1: no image tower").arg(folder) : QString::fromStdString(loaded.error);
        }
        return false;
    }

    std::unique_ptr<clip::EmbeddingMatrix> createEmbeddingMatrix(int dim, const clip::MatrixOptions &options,
                                                                 std::string *error) const override
    {
        return clip::EmbeddingMatrix::create(dim, options, error);
    }

    clip::NearPairResult findNearPairs(const uint16_t *halves, int64_t rows, int dim,
                                       const clip::NearPairOptions &options,
                                       const std::function<bool()> &cancelled) const override
    {
        return clip::findNearPairs(halves, rows, dim, options, cancelled);
    }

    bool inspectCheckpoint(const std::string &path, clip::CheckpointInfo *out, std::string *error) const override
    {
        return clip::inspectCheckpoint(path, out, error);
    }

    void setCpuThreadsForThisThread(int threads) const override { clip::setCpuThreadsForThisThread(threads); }
    int cpuThreadsForThisThread() const override { return clip::cpuThreadsForThisThread(); }
};

} // namespace

} // namespace clipfind

// What engine() looks up with dlsym. extern "C": one unmangled name, checked by the loader.
extern "C" __attribute__((visibility("default"))) const clipfind::Engine *clipfind_torch_engine()
{
    static const clipfind::TorchEngine engine;
    return &engine;
}
