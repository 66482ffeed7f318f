// SPDX-License-Identifier: MIT
#include "core/encode/chineseclipencoder.h"

#include "core/clip/model/bertclipmodel.h"
#include "core/clip/model/threading.h"
#include "core/clip/pixels/chineseclipprep.h"
#include "core/encode/bertclipencoder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace clipfind {

namespace {

// The indexer's Chinese-CLIP pipeline: the float32 input made on the decode threads (the resize is the costly part),
// batches encoded on one inference thread. At most two batches wait, so the decoders cannot run far ahead.
class ChineseClipBatches : public ImageBatchEncoder
{
public:
    ChineseClipBatches(clip::BertClipModel &model, int batchSize, PhotoEncoder::BatchCallback onBatch, int cpuThreads)
        : m_model(model)
        , m_batchSize(static_cast<size_t>(std::max(1, batchSize)))
        , m_onBatch(std::move(onBatch))
        , m_cpuThreads(cpuThreads)
    {
        m_worker = std::thread([this] { run(); });
    }
    ~ChineseClipBatches() override { finish(); }

    PreparedPhoto prepare(const QImage &rgb) const override
    {
        PreparedPhoto photo;
        const clip::RgbView view{rgb.constBits(), rgb.width(), rgb.height(), rgb.bytesPerLine()};
        clip::preprocessForChineseClip(view, m_model.imageConfig(), photo.pixels);
        return photo;
    }

    void push(int64_t ticket, PreparedPhoto photo) override
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_changed.wait(lock, [this] { return m_queue.size() < 2 * m_batchSize; });
        m_queue.push_back({ticket, std::move(photo.pixels)});
        m_changed.notify_all();
    }

    void finish() override
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_worker.joinable()) {
                return;
            }
            m_finishing = true;
        }
        m_changed.notify_all();
        m_worker.join();
    }

private:
    struct Item {
        int64_t ticket;
        std::vector<float> pixels;
    };

    void run()
    {
        if (m_cpuThreads > 0 && !m_model.isCuda()) {
            clip::setCpuThreadsForThisThread(m_cpuThreads);
        }
        const size_t inputValues = size_t(3) * size_t(m_model.imageHeight()) * size_t(m_model.imageWidth());
        std::vector<float> pixels;
        for (;;) {
            clip::CropBatchResult result;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_changed.wait(lock, [this] { return m_queue.size() >= m_batchSize || m_finishing; });
                if (m_queue.empty()) {
                    return; // finishing and nothing left
                }
                pixels.clear();
                while (!m_queue.empty() && result.tickets.size() < m_batchSize) {
                    Item &item = m_queue.front();
                    if (item.pixels.size() == inputValues) { // prepare() made it: always, unless the model changed
                        result.tickets.push_back(item.ticket);
                        pixels.insert(pixels.end(), item.pixels.begin(), item.pixels.end());
                    }
                    m_queue.pop_front();
                }
            }
            m_changed.notify_all();
            if (result.tickets.empty()) {
                continue;
            }
            const auto start = std::chrono::steady_clock::now();
            result.features = m_model.encodeImages(pixels.data(), static_cast<int64_t>(result.tickets.size()));
            result.encodeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (m_onBatch) {
                m_onBatch(std::move(result));
            }
        }
    }

    clip::BertClipModel &m_model;
    const size_t m_batchSize;
    PhotoEncoder::BatchCallback m_onBatch;
    const int m_cpuThreads;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Item> m_queue;
    bool m_finishing = false;
    std::thread m_worker;
};

} // namespace

struct ChineseClipEncoder::Private {
    QString folder;
    QString modelId;
    std::unique_ptr<BertClipEncoder> model;
};

ChineseClipEncoder::ChineseClipEncoder()
    : d(std::make_unique<Private>())
{
}

ChineseClipEncoder::~ChineseClipEncoder() = default;

std::unique_ptr<ChineseClipEncoder> ChineseClipEncoder::load(const QString &folder, const clip::LoadOptions &options,
                                                             const QString &dataDir, QString *error)
{
    QString localError;
    if (!error) {
        error = &localError;
    }
    const QString shown = QDir::toNativeSeparators(folder);
    if (!QFileInfo(folder).isDir()) {
        *error = QCoreApplication::translate("clipfind::ChineseClipEncoder",
                                             "%1: not a Chinese-CLIP model folder (no such folder)")
                     .arg(shown);
        return nullptr;
    }
    if (!isChineseClipFolder(folder)) {
        *error = QCoreApplication::translate(
                     "clipfind::ChineseClipEncoder",
                     "%1: not a Chinese-CLIP model folder (config.json missing, unreadable or without "
                     "model_type \"chinese_clip\")")
                     .arg(shown);
        return nullptr;
    }
    std::unique_ptr<ChineseClipEncoder> encoder(new ChineseClipEncoder);
    encoder->d->folder = folder;
    encoder->d->model = BertClipEncoder::load(folder, options, error);
    if (!encoder->d->model) {
        if (!error->contains(shown)) { // the problem names a file in it, or nothing: name the folder
            *error = QStringLiteral("%1: %2").arg(shown, *error);
        }
        return nullptr;
    }
    if (!encoder->d->model->hasImageTower()) {
        *error = QCoreApplication::translate("clipfind::ChineseClipEncoder",
                                             "%1: the Chinese-CLIP folder has no image tower")
                     .arg(shown);
        return nullptr;
    }
    encoder->d->modelId = modelIdFor(folder, dataDir, error);
    if (encoder->d->modelId.isEmpty()) {
        return nullptr;
    }
    return encoder;
}

QString ChineseClipEncoder::modelId() const
{
    return d->modelId;
}

QString ChineseClipEncoder::kindName() const
{
    return QStringLiteral("chinese-clip");
}

bool ChineseClipEncoder::isCuda() const
{
    return d->model->model().isCuda();
}

bool ChineseClipEncoder::ensureCheckpoint(QString *) const
{
    return true; // load() read everything
}

bool ChineseClipEncoder::prepareTextTower(QString *)
{
    return true;
}

bool ChineseClipEncoder::prepareImageTower(QString *)
{
    return true;
}

bool ChineseClipEncoder::isTextTowerReady() const
{
    return true;
}

bool ChineseClipEncoder::isImageTowerReady() const
{
    return true;
}

QJsonObject ChineseClipEncoder::describe() const
{
    QJsonObject description = d->model->describe();
    const clip::BertClipModel &model = d->model->model();
    description.insert(QStringLiteral("architecture"),
                       QStringLiteral("Chinese-CLIP %1x%2").arg(model.imageWidth()).arg(model.imageHeight()));
    description.insert(QStringLiteral("model_id"), d->modelId);
    return description;
}

QString ChineseClipEncoder::deviceDescription() const
{
    return d->model->deviceDescription();
}

int ChineseClipEncoder::embeddingDim() const
{
    return d->model->embeddingDim();
}

int ChineseClipEncoder::inputSize() const
{
    const clip::BertClipModel &model = d->model->model();
    return std::max(model.imageWidth(), model.imageHeight());
}

QString ChineseClipEncoder::textCacheKey(const QString &text) const
{
    return QStringLiteral("chinese-clip:") + text;
}

EmbeddingRows ChineseClipEncoder::encodeTexts(const QStringList &texts)
{
    return d->model->encodeTexts(texts);
}

EmbeddingRows ChineseClipEncoder::encodeImageFiles(const QStringList &paths)
{
    return d->model->encodeImageFiles(paths);
}

std::unique_ptr<ImageBatchEncoder> ChineseClipEncoder::startImageBatches(int batchSize, BatchCallback onBatch,
                                                                         int cpuThreads, QString *)
{
    return std::make_unique<ChineseClipBatches>(d->model->model(), batchSize, std::move(onBatch), cpuThreads);
}

} // namespace clipfind
