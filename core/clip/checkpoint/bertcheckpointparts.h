// SPDX-License-Identifier: MIT
#pragma once

// Internal: what the BertClipModel folder readers share (bertcheckpoint.cpp dispatches to the sentence-transformers
// and Chinese-CLIP readers): bounded JSON and safetensors reading, config keys with defaults, tensors by name.

#include "core/clip/formats/json.h"
#include "core/clip/model/bertweights.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace clipfind::clip::bertfiles {

namespace fs = std::filesystem;

using NamedTensors = std::map<std::string, torch::Tensor>;

/// The reason a load failed: the file it concerns and what is wrong with it.
struct Failure {
    std::string file;
    std::string problem;
};

bool endsWith(const std::string &s, const std::string &suffix);
std::string joined(const std::vector<std::string> &items, const std::string &separator);
std::string shapeText(c10::IntArrayRef sizes);

/// A JSON file of at most 4 MiB. Sets failure->file to `path`.
bool readJsonFile(const fs::path &path, json::Value *value, Failure *failure);
/// Every tensor of a safetensors file. Sets failure->file to `path`.
bool readTensors(const fs::path &path, NamedTensors *tensors, Failure *failure);
/// The rows of `key`'s 2-D tensor, or 0.
int64_t rowsOf(const NamedTensors &tensors, const std::string &key);

/// Reads integers and strings of a config object with defaults, collecting the keys that hold nonsense.
class ConfigReader
{
public:
    explicit ConfigReader(const json::Value &config)
        : m_config(config)
    {
    }

    int64_t integer(const std::string &key, int64_t fallback, int64_t min, int64_t max)
    {
        const json::Value &v = m_config[key];
        if (v.isNull()) {
            return fallback;
        }
        if (!v.isInteger() || v.toInt() < min || v.toInt() > max) {
            m_bad.push_back(key + " " + json::serialize(v) + " (expected " + std::to_string(min) + " to "
                            + std::to_string(max) + ")");
            return fallback;
        }
        return v.toInt();
    }

    /// A small positive number such as a LayerNorm epsilon: in (0, 1].
    double epsilon(const std::string &key, double fallback)
    {
        const json::Value &v = m_config[key];
        if (v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !(v.toDouble() > 0) || v.toDouble() > 1) {
            m_bad.push_back(key + " " + json::serialize(v));
            return fallback;
        }
        return v.toDouble();
    }

    std::string string(const std::string &key, const std::string &fallback)
    {
        const json::Value &v = m_config[key];
        return v.isString() ? v.toString() : fallback;
    }

    void fail(const std::string &problem) { m_bad.push_back(problem); }

    /// Empty when every key made sense.
    std::string problems() const { return m_bad.empty() ? std::string() : "bad " + joined(m_bad, ", "); }

private:
    const json::Value &m_config;
    std::vector<std::string> m_bad;
};

/// Takes tensors by name, checking shapes; collects every problem instead of stopping at the first (the CLIP
/// loader's wording).
class TensorTaker
{
public:
    explicit TensorTaker(const NamedTensors &tensors)
        : m_tensors(tensors)
    {
    }

    torch::Tensor take(const std::string &key, std::vector<int64_t> shape)
    {
        const auto it = m_tensors.find(key);
        if (it == m_tensors.end()) {
            m_missing.push_back(key);
            return {};
        }
        if (!it->second.sizes().equals(shape)) {
            m_misshaped.push_back(key + " " + shapeText(it->second.sizes()) + " (expected " + shapeText(shape) + ")");
            return {};
        }
        if (!it->second.is_floating_point()) {
            m_misshaped.push_back(key + " is not a floating-point tensor");
            return {};
        }
        return it->second.to(torch::kFloat32).contiguous();
    }

    LinearWeights linear(const std::string &prefix, int64_t out, int64_t in)
    {
        return {take(prefix + ".weight", {out, in}), take(prefix + ".bias", {out})};
    }

    LayerNormWeights norm(const std::string &prefix, int64_t width)
    {
        return {take(prefix + ".weight", {width}), take(prefix + ".bias", {width})};
    }

    std::string problems() const
    {
        std::vector<std::string> parts;
        if (!m_missing.empty()) {
            parts.push_back(std::to_string(m_missing.size()) + " missing tensor(s): " + joined(m_missing, ", "));
        }
        if (!m_misshaped.empty()) {
            parts.push_back(std::to_string(m_misshaped.size()) + " mis-shaped tensor(s): " + joined(m_misshaped, ", "));
        }
        return joined(parts, "; ");
    }

private:
    const NamedTensors &m_tensors;
    std::vector<std::string> m_missing;
    std::vector<std::string> m_misshaped;
};

/// DistilBertConfig / BertConfig (= ChineseCLIPTextConfig) with transformers' defaults for absent keys;
/// `vocabFallback` (> 0) replaces an absent vocab_size.
bool readTextConfig(const json::Value &json, BertFamily family, int64_t vocabFallback, BertTextConfig *c,
                    std::string *problem);
/// The encoder's tensors under `prefix` ("", "distilbert.", "text_model.", ...).
BertTextWeights takeText(TensorTaker &take, const std::string &prefix, const BertTextConfig &c);

/// modules.json and its modules.
bool loadSentenceTransformersFolder(const fs::path &folder, BertClipWeights *w, Failure *failure);
/// A ChineseCLIPModel folder whose config.json is `config`.
bool loadChineseClipFolder(const fs::path &folder, const json::Value &config, BertClipWeights *w, Failure *failure);

} // namespace clipfind::clip::bertfiles
