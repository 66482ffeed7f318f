// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/bertcheckpointparts.h"

#include "core/clip/checkpoint/safetensors.h"
#include "core/clip/formats/binaryfile.h"

#include <fstream>
#include <sstream>

namespace clipfind::clip::bertfiles {

namespace {

constexpr uint64_t kMaxConfigBytes = 4 * 1024 * 1024;

bool activationFor(const std::string &name, BertActivation *activation)
{
    if (name == "gelu") {
        *activation = BertActivation::Gelu;
        return true;
    }
    if (name == "relu") {
        *activation = BertActivation::Relu;
        return true;
    }
    return false;
}

} // namespace

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shapeText(c10::IntArrayRef sizes)
{
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < sizes.size(); ++i) {
        out << (i ? ", " : "") << sizes[i];
    }
    out << ']';
    return out.str();
}

std::string joined(const std::vector<std::string> &items, const std::string &separator)
{
    std::string out;
    for (const std::string &item : items) {
        out += (out.empty() ? "" : separator) + item;
    }
    return out;
}

bool readJsonFile(const fs::path &path, json::Value *value, Failure *failure)
{
    std::ifstream in;
    uint64_t size = 0;
    std::string problem;
    failure->file = path.string();
    if (!openBinaryFile(path.string(), "JSON file", &in, &size, &problem)) {
        failure->problem = problem;
        return false;
    }
    if (size > kMaxConfigBytes) {
        failure->problem = "file too large (" + std::to_string(size) + " bytes)";
        return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (!json::parse(text.str(), value, &problem)) {
        failure->problem = "not valid JSON (" + problem + ")";
        return false;
    }
    return true;
}

bool readTensors(const fs::path &path, NamedTensors *tensors, Failure *failure)
{
    SafetensorsFile file;
    std::string error;
    failure->file = path.string();
    if (!readSafetensors(path.string(), &file, &error)) {
        const std::string prefix = path.string() + ": ";
        failure->problem = error.compare(0, prefix.size(), prefix) == 0 ? error.substr(prefix.size()) : error;
        return false;
    }
    for (auto &[name, tensor] : file.tensors) {
        (*tensors)[name] = tensor;
    }
    return true;
}

bool readTextConfig(const json::Value &json, BertFamily family, int64_t vocabFallback, BertTextConfig *c,
                    std::string *problem)
{
    ConfigReader r(json);
    c->family = family;
    const bool distil = family == BertFamily::DistilBert;
    c->hidden = r.integer(distil ? "dim" : "hidden_size", 768, 1, 65536);
    c->layers = r.integer(distil ? "n_layers" : "num_hidden_layers", distil ? 6 : 12, 1, 1000);
    c->heads = r.integer(distil ? "n_heads" : "num_attention_heads", 12, 1, 4096);
    c->intermediate = r.integer(distil ? "hidden_dim" : "intermediate_size", 3072, 1, 1 << 20);
    c->vocabSize = r.integer("vocab_size", vocabFallback > 0 ? vocabFallback : 30522, 1, 10'000'000);
    c->maxPositions = r.integer("max_position_embeddings", 512, 2, 100'000);
    c->typeVocabSize = distil ? 0 : r.integer("type_vocab_size", 2, 1, 1000);
    c->padId = r.integer("pad_token_id", 0, 0, c->vocabSize - 1);
    c->layerNormEps = distil ? 1e-12 : r.epsilon("layer_norm_eps", 1e-12); // DistilBERT hard-codes 1e-12
    const std::string act = r.string(distil ? "activation" : "hidden_act", "gelu");
    if (!activationFor(act, &c->activation)) {
        r.fail("activation '" + act + "' (gelu or relu)");
    }
    if (!distil && r.string("position_embedding_type", "absolute") != "absolute") {
        r.fail("position_embedding_type '" + r.string("position_embedding_type", "") + "' (only absolute)");
    }
    if (c->hidden % c->heads != 0) {
        r.fail("heads: " + std::to_string(c->heads) + " do not divide the width " + std::to_string(c->hidden));
    }
    *problem = r.problems();
    return problem->empty();
}

BertTextWeights takeText(TensorTaker &take, const std::string &p, const BertTextConfig &c)
{
    BertTextWeights w;
    const int64_t h = c.hidden;
    const int64_t i = c.intermediate;
    w.wordEmbeddings = take.take(p + "embeddings.word_embeddings.weight", {c.vocabSize, h});
    w.positionEmbeddings = take.take(p + "embeddings.position_embeddings.weight", {c.maxPositions, h});
    if (c.family == BertFamily::Bert) {
        w.tokenTypeEmbeddings = take.take(p + "embeddings.token_type_embeddings.weight", {c.typeVocabSize, h});
    }
    w.embeddingNorm = take.norm(p + "embeddings.LayerNorm", h);
    for (int64_t n = 0; n < c.layers; ++n) {
        BertLayerWeights l;
        if (c.family == BertFamily::DistilBert) {
            const std::string q = p + "transformer.layer." + std::to_string(n) + ".";
            l.query = take.linear(q + "attention.q_lin", h, h);
            l.key = take.linear(q + "attention.k_lin", h, h);
            l.value = take.linear(q + "attention.v_lin", h, h);
            l.attentionOutput = take.linear(q + "attention.out_lin", h, h);
            l.attentionNorm = take.norm(q + "sa_layer_norm", h);
            l.intermediate = take.linear(q + "ffn.lin1", i, h);
            l.output = take.linear(q + "ffn.lin2", h, i);
            l.outputNorm = take.norm(q + "output_layer_norm", h);
        } else {
            const std::string q = p + "encoder.layer." + std::to_string(n) + ".";
            l.query = take.linear(q + "attention.self.query", h, h);
            l.key = take.linear(q + "attention.self.key", h, h);
            l.value = take.linear(q + "attention.self.value", h, h);
            l.attentionOutput = take.linear(q + "attention.output.dense", h, h);
            l.attentionNorm = take.norm(q + "attention.output.LayerNorm", h);
            l.intermediate = take.linear(q + "intermediate.dense", i, h);
            l.output = take.linear(q + "output.dense", h, i);
            l.outputNorm = take.norm(q + "output.LayerNorm", h);
        }
        w.layers.push_back(std::move(l));
    }
    return w;
}

// The rows of `key`'s 2-D tensor, or 0.
int64_t rowsOf(const NamedTensors &tensors, const std::string &key)
{
    const auto it = tensors.find(key);
    return it != tensors.end() && it->second.dim() == 2 ? it->second.size(0) : 0;
}

} // namespace clipfind::clip::bertfiles
