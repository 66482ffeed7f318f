// SPDX-License-Identifier: MIT
#include "ui/manifesttexts.h"

#include <QCoreApplication>

namespace clipfind {

namespace {

// The built-in manifest's "speed" texts (what the model dialog shows), for lupdate. chineseuitest checks that each
// one has a translation, so a model added to models/manifest.json without one here fails the tests.
[[maybe_unused]] const char *const kManifestTexts[] = {
    QT_TRANSLATE_NOOP("clipfind::ModelManifest", "fastest; good for most photo libraries"),
    QT_TRANSLATE_NOOP("clipfind::ModelManifest", "about 4x the compute of ViT-B/32 per photo; finer detail"),
    QT_TRANSLATE_NOOP("clipfind::ModelManifest",
                      "about 18x the compute of ViT-B/32 per photo; best quality, needs a GPU for large libraries"),
    QT_TRANSLATE_NOOP("clipfind::ModelManifest", "text only: no work per photo"),
    QT_TRANSLATE_NOOP("clipfind::ModelManifest", "about 4x the compute of ViT-B/32 per photo"),
};

} // namespace

QString translatedManifestText(const QString &english)
{
    const QByteArray source = english.toUtf8();
    return QCoreApplication::translate("clipfind::ModelManifest", source.constData());
}

} // namespace clipfind
