// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace clipfind {

/// The interface's language for a descriptive text of the built-in model list (models/manifest.json: a model's
/// "speed", shown by the model dialog): the manifest is data in English, so its known texts are listed for
/// translation in manifesttexts.cpp. A text that is not listed (a manifest the user replaced) comes back as it is.
QString translatedManifestText(const QString &english);

} // namespace clipfind
