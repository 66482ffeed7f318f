// SPDX-License-Identifier: MIT
// modelEngine(): finds libclipfind_torch.so next to libclipfind_core.so (where the build and `cmake --install` put it)
// and loads it once. The path is absolute, so no LD_LIBRARY_PATH or search order decides which library runs.
#include "core/engine/engine.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <atomic>
#include <mutex>

#include <dlfcn.h>

namespace clipfind {

namespace {

// The function libclipfind_torch.so exports (engine/torchengine.cpp).
constexpr char kEntryPoint[] = "clipfind_torch_engine";
constexpr char kLibraryName[] = "libclipfind_torch.so";

struct Loaded {
    std::once_flag once;
    std::atomic<const Engine *> engine{nullptr};
    QString error;
};

Loaded &loaded()
{
    static Loaded instance;
    return instance;
}

// The folder this library (libclipfind_core.so) was loaded from.
QString coreLibraryFolder()
{
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void *>(&coreLibraryFolder), &info) == 0 || !info.dli_fname) {
        return {};
    }
    return QFileInfo(QFile::decodeName(info.dli_fname)).absolutePath();
}

void load(Loaded *state)
{
    const QString folder = coreLibraryFolder();
    const QString path = QDir(folder).filePath(QLatin1String(kLibraryName));
    auto fail = [&](const QString &reason) {
        state->error = QCoreApplication::translate("clipfind::Engine", "cannot load the model engine %1: %2")
                           .arg(QDir::toNativeSeparators(path), reason);
    };
    if (folder.isEmpty()) {
        fail(QStringLiteral("the folder of libclipfind_core.so is unknown"));
        return;
    }
    // RTLD_LOCAL: nothing else resolves against libtorch's symbols. The handle stays open for the process's life
    // (objects from it live until exit, and unloading libtorch is not supported anyway).
    void *handle = dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *reason = dlerror();
        fail(QString::fromLocal8Bit(reason ? reason : "unknown error"));
        return;
    }
    using EntryPoint = const Engine *(*)();
    auto entry = reinterpret_cast<EntryPoint>(dlsym(handle, kEntryPoint));
    const Engine *engine = entry ? entry() : nullptr;
    if (!engine) {
        fail(QStringLiteral("it has no %1").arg(QLatin1String(kEntryPoint)));
        return;
    }
    state->engine.store(engine, std::memory_order_release);
}

} // namespace

const Engine *modelEngine(QString *error)
{
    Loaded &state = loaded();
    std::call_once(state.once, load, &state);
    const Engine *engine = state.engine.load(std::memory_order_acquire);
    if (!engine && error) {
        *error = state.error;
    }
    return engine;
}

bool isModelEngineLoaded()
{
    return loaded().engine.load(std::memory_order_acquire) != nullptr;
}

ScopedEngineThreads::ScopedEngineThreads(int threads)
    : m_engine(modelEngine())
{
    if (m_engine) {
        m_previous = m_engine->cpuThreadsForThisThread();
        m_engine->setCpuThreadsForThisThread(threads);
    }
}

ScopedEngineThreads::~ScopedEngineThreads()
{
    if (m_engine) {
        m_engine->setCpuThreadsForThisThread(m_previous);
    }
}

} // namespace clipfind
