// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/bertcheckpoint.h"

#include "core/clip/checkpoint/bertcheckpointparts.h"
#include "core/clip/errortext.h"

namespace clipfind::clip {

namespace {

using namespace bertfiles;

bool loadFolder(const fs::path &folder, BertClipWeights *w, Failure *failure)
{
    std::error_code ec;
    failure->file = folder.string();
    if (!fs::is_directory(folder, ec)) {
        failure->problem = fs::exists(folder, ec) ? "not a folder" : "no such folder";
        return false;
    }
    if (fs::exists(folder / "modules.json", ec)) {
        return loadSentenceTransformersFolder(folder, w, failure);
    }
    json::Value config;
    if (!readJsonFile(folder / "config.json", &config, failure)) {
        failure->problem += " (neither a sentence-transformers folder with modules.json nor a Chinese-CLIP folder)";
        return false;
    }
    if (config["model_type"].toString() == "chinese_clip") {
        return loadChineseClipFolder(folder, config, w, failure);
    }
    failure->problem = "model_type '" + config["model_type"].toString()
                       + "' is not supported (chinese_clip, or a sentence-transformers folder with modules.json)";
    return false;
}

} // namespace

bool loadBertClipCheckpoint(const std::string &folder, BertClipWeights *out, std::string *error)
{
    BertClipWeights weights;
    Failure failure;
    bool ok = false;
    try {
        ok = loadFolder(fs::path(folder), &weights, &failure);
    } catch (const std::exception &e) { // c10::Error, std::bad_alloc, filesystem errors
        failure.problem = firstLine(e.what());
    }
    if (!ok) {
        *error = failure.file.empty() ? failure.problem : failure.file + ": " + failure.problem;
        return false;
    }
    *out = std::move(weights);
    return true;
}

} // namespace clipfind::clip
