// SPDX-License-Identifier: MIT
#include "core/clip/bench/checkpointwriter.h"

#include "core/clip/checkpoint/zipreader.h"
#include "core/clip/errortext.h"

#include <torch/torch.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>
#include <vector>

namespace clipfind::clip {

namespace {

struct NamedTensor {
    std::string name;    // OpenAI key
    torch::Tensor value; // float32
    bool half = false;   // stored as fp16 in OpenAI's releases (clip.model.convert_weights)
};

// Every tensor of a ViT CLIP under its OpenAI key, with random values of a plausible scale.
std::vector<NamedTensor> randomTensors(const ModelConfig &c, uint64_t seed)
{
    torch::manual_seed(seed);
    std::vector<NamedTensor> out;
    auto add = [&out](const std::string &name, std::vector<int64_t> shape, double scale, bool half) {
        out.push_back({name, torch::randn(shape) * scale, half});
    };
    auto layerNorm = [&](const std::string &prefix, int64_t width) {
        out.push_back({prefix + ".weight", torch::ones({width}) + torch::randn({width}) * 0.01, false});
        out.push_back({prefix + ".bias", torch::randn({width}) * 0.01, false});
    };
    auto blocks = [&](const std::string &prefix, int64_t layers, int64_t w) {
        for (int64_t i = 0; i < layers; ++i) {
            const std::string p = prefix + std::to_string(i) + ".";
            add(p + "attn.in_proj_weight", {3 * w, w}, 0.02, true);
            add(p + "attn.in_proj_bias", {3 * w}, 0.01, true);
            add(p + "attn.out_proj.weight", {w, w}, 0.02, true);
            add(p + "attn.out_proj.bias", {w}, 0.01, true);
            layerNorm(p + "ln_1", w);
            add(p + "mlp.c_fc.weight", {4 * w, w}, 0.02, true);
            add(p + "mlp.c_fc.bias", {4 * w}, 0.01, true);
            add(p + "mlp.c_proj.weight", {w, 4 * w}, 0.02, true);
            add(p + "mlp.c_proj.bias", {w}, 0.01, true);
            layerNorm(p + "ln_2", w);
        }
    };
    const int64_t vw = c.visionWidth;
    const int64_t tw = c.textWidth;
    add("visual.class_embedding", {vw}, 0.02, false);
    add("visual.positional_embedding", {c.visionTokens(), vw}, 0.01, false);
    add("visual.proj", {vw, c.embedDim}, 0.02, true);
    add("visual.conv1.weight", {vw, 3, c.visionPatchSize, c.visionPatchSize}, 0.02, true);
    layerNorm("visual.ln_pre", vw);
    blocks("visual.transformer.resblocks.", c.visionLayers, vw);
    layerNorm("visual.ln_post", vw);
    add("positional_embedding", {c.contextLength, tw}, 0.01, false);
    add("text_projection", {tw, c.embedDim}, 0.02, true);
    out.push_back({"logit_scale", torch::tensor(4.6052f), false});
    blocks("transformer.resblocks.", c.textLayers, tw);
    add("token_embedding.weight", {c.vocabSize, tw}, 0.02, false);
    layerNorm("ln_final", tw);
    return out;
}

void putLe(std::string &out, uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
}

// The few pickle opcodes (protocol 2) that describe a TorchScript module tree of tensors, as torch.jit.save writes
// them: objects are NEWOBJ of a __torch__ class + BUILD with an attribute dict, tensors _rebuild_tensor_v2 of a
// persistent storage id.
class PickleWriter
{
public:
    PickleWriter() { m_out = "\x80\x02"; }

    void global(const std::string &module, const std::string &name) { m_out += "c" + module + "\n" + name + "\n"; }
    void text(const std::string &s)
    {
        m_out += 'X';
        putLe(m_out, s.size(), 4);
        m_out += s;
    }
    void integer(int64_t v)
    {
        if (v >= INT32_MIN && v <= INT32_MAX) {
            m_out += 'J';
            putLe(m_out, static_cast<uint64_t>(v), 4);
        } else {
            m_out += '\x8a';
            m_out += '\x08';
            putLe(m_out, static_cast<uint64_t>(v), 8);
        }
    }
    void mark() { m_out += '('; }
    void op(char code) { m_out += code; }
    void intTuple(c10::IntArrayRef values)
    {
        mark();
        for (const int64_t v : values) {
            integer(v);
        }
        op('t');
    }
    const std::string &bytes() const { return m_out; }

private:
    std::string m_out;
};

// The module tree: each dotted key is a path of submodules ending in a tensor.
struct Node {
    std::map<std::string, Node> children;
    int tensor = -1;
};

void writeNode(PickleWriter &pickle, const Node &node, const std::vector<NamedTensor> &tensors)
{
    if (node.tensor >= 0) {
        const NamedTensor &t = tensors[static_cast<size_t>(node.tensor)];
        pickle.global("torch._utils", "_rebuild_tensor_v2");
        pickle.mark();
        pickle.mark();
        pickle.text("storage");
        pickle.global("torch", t.half ? "HalfStorage" : "FloatStorage");
        pickle.text(std::to_string(node.tensor));
        pickle.text("cpu");
        pickle.integer(t.value.numel());
        pickle.op('t');
        pickle.op('Q'); // BINPERSID
        pickle.integer(0);
        pickle.intTuple(t.value.sizes());
        pickle.intTuple(t.value.strides());
        pickle.op('\x89'); // requires_grad = False
        pickle.global("collections", "OrderedDict");
        pickle.op(')');
        pickle.op('R');
        pickle.op('t');
        pickle.op('R');
        return;
    }
    pickle.global("__torch__.clipfind_bench", "Module");
    pickle.op(')');
    pickle.op('\x81'); // NEWOBJ
    pickle.op('}');
    pickle.mark();
    for (const auto &[name, child] : node.children) {
        pickle.text(name);
        writeNode(pickle, child, tensors);
    }
    pickle.op('u');
    pickle.op('b');
}

// A zip archive of stored records whose data start on 64-byte boundaries (as PyTorch writes them, so that tensors
// can be views over a mapped file).
class ZipWriter
{
public:
    explicit ZipWriter(const std::string &path)
        : m_out(path, std::ios::binary | std::ios::trunc)
    {
    }
    bool ok() const { return bool(m_out); }

    void add(const std::string &name, const void *data, uint64_t size)
    {
        const uint32_t crc = crc32Update(0, data, static_cast<size_t>(size));
        const uint64_t offset = m_position;
        const uint64_t dataStart = offset + 30 + name.size() + 4;
        const uint64_t padding = (64 - dataStart % 64) % 64;
        std::string header;
        putLe(header, 0x04034b50, 4);
        putLe(header, 20, 2); // version needed
        putLe(header, 0, 2);  // flags
        putLe(header, 0, 2);  // stored
        putLe(header, 0, 4);  // time, date
        putLe(header, crc, 4);
        putLe(header, size, 4);
        putLe(header, size, 4);
        putLe(header, name.size(), 2);
        putLe(header, 4 + padding, 2);
        header += name;
        putLe(header, 0x4246, 2); // "FB", PyTorch's padding field
        putLe(header, padding, 2);
        header.append(static_cast<size_t>(padding), 'Z');
        write(header.data(), header.size());
        write(data, size);
        m_entries.push_back({name, offset, size, crc});
    }

    bool finish()
    {
        const uint64_t directoryOffset = m_position;
        std::string directory;
        for (const Entry &e : m_entries) {
            putLe(directory, 0x02014b50, 4);
            putLe(directory, 20, 2); // made by
            putLe(directory, 20, 2); // needed
            putLe(directory, 0, 2);
            putLe(directory, 0, 2);
            putLe(directory, 0, 4);
            putLe(directory, e.crc, 4);
            putLe(directory, e.size, 4);
            putLe(directory, e.size, 4);
            putLe(directory, e.name.size(), 2);
            putLe(directory, 0, 2); // extra
            putLe(directory, 0, 2); // comment
            putLe(directory, 0, 2); // disk
            putLe(directory, 0, 2); // internal attributes
            putLe(directory, 0, 4); // external attributes
            putLe(directory, e.offset, 4);
            directory += e.name;
        }
        std::string end;
        putLe(end, 0x06054b50, 4);
        putLe(end, 0, 4);
        putLe(end, m_entries.size(), 2);
        putLe(end, m_entries.size(), 2);
        putLe(end, directory.size(), 4);
        putLe(end, directoryOffset, 4);
        putLe(end, 0, 2);
        write(directory.data(), directory.size());
        write(end.data(), end.size());
        m_out.close();
        return bool(m_out) && m_position < (uint64_t(1) << 32); // no zip64 here: fixtures stay below 4 GB
    }

private:
    struct Entry {
        std::string name;
        uint64_t offset;
        uint64_t size;
        uint32_t crc;
    };
    void write(const void *data, uint64_t size)
    {
        m_out.write(static_cast<const char *>(data), static_cast<std::streamsize>(size));
        m_position += size;
    }
    std::ofstream m_out;
    uint64_t m_position = 0;
    std::vector<Entry> m_entries;
};

bool fail(std::string *error, const std::string &message)
{
    *error = message;
    return false;
}

// Hugging Face CLIPModel names for an OpenAI key (the inverse of hfkeys.cpp); in_proj is split into q, k, v.
std::vector<std::pair<std::string, torch::Tensor>> huggingFaceTensors(const NamedTensor &t)
{
    static const std::map<std::string, std::string> fixed = {
        {"logit_scale", "logit_scale"},
        {"token_embedding.weight", "text_model.embeddings.token_embedding.weight"},
        {"positional_embedding", "text_model.embeddings.position_embedding.weight"},
        {"ln_final.weight", "text_model.final_layer_norm.weight"},
        {"ln_final.bias", "text_model.final_layer_norm.bias"},
        {"visual.class_embedding", "vision_model.embeddings.class_embedding"},
        {"visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight"},
        {"visual.positional_embedding", "vision_model.embeddings.position_embedding.weight"},
        {"visual.ln_pre.weight", "vision_model.pre_layrnorm.weight"},
        {"visual.ln_pre.bias", "vision_model.pre_layrnorm.bias"},
        {"visual.ln_post.weight", "vision_model.post_layernorm.weight"},
        {"visual.ln_post.bias", "vision_model.post_layernorm.bias"},
    };
    static const std::map<std::string, std::string> layer = {
        {"ln_1.weight", "layer_norm1.weight"},
        {"ln_1.bias", "layer_norm1.bias"},
        {"ln_2.weight", "layer_norm2.weight"},
        {"ln_2.bias", "layer_norm2.bias"},
        {"mlp.c_fc.weight", "mlp.fc1.weight"},
        {"mlp.c_fc.bias", "mlp.fc1.bias"},
        {"mlp.c_proj.weight", "mlp.fc2.weight"},
        {"mlp.c_proj.bias", "mlp.fc2.bias"},
        {"attn.out_proj.weight", "self_attn.out_proj.weight"},
        {"attn.out_proj.bias", "self_attn.out_proj.bias"},
    };
    if (t.name == "text_projection") {
        return {{"text_projection.weight", t.value.t().contiguous()}};
    }
    if (t.name == "visual.proj") {
        return {{"visual_projection.weight", t.value.t().contiguous()}};
    }
    if (const auto it = fixed.find(t.name); it != fixed.end()) {
        return {{it->second, t.value}};
    }
    for (const auto &[openAi, huggingFace] :
         {std::pair<std::string, std::string>{"visual.transformer.resblocks.", "vision_model.encoder.layers."},
          {"transformer.resblocks.", "text_model.encoder.layers."}}) {
        if (t.name.compare(0, openAi.size(), openAi) != 0) {
            continue;
        }
        const size_t dot = t.name.find('.', openAi.size());
        const std::string prefix = huggingFace + t.name.substr(openAi.size(), dot - openAi.size()) + ".";
        const std::string rest = t.name.substr(dot + 1);
        if (rest == "attn.in_proj_weight" || rest == "attn.in_proj_bias") {
            const std::string kind = rest == "attn.in_proj_weight" ? "weight" : "bias";
            const std::vector<torch::Tensor> parts = t.value.chunk(3, 0);
            return {{prefix + "self_attn.q_proj." + kind, parts[0].contiguous()},
                    {prefix + "self_attn.k_proj." + kind, parts[1].contiguous()},
                    {prefix + "self_attn.v_proj." + kind, parts[2].contiguous()}};
        }
        return {{prefix + layer.at(rest), t.value}};
    }
    return {};
}

std::string shapeJson(c10::IntArrayRef sizes)
{
    std::string s = "[";
    for (size_t i = 0; i < sizes.size(); ++i) {
        s += (i ? "," : "") + std::to_string(sizes[i]);
    }
    return s + "]";
}

} // namespace

bool writeRandomTorchScriptCheckpoint(const ModelConfig &config, uint64_t seed, const std::string &path,
                                      std::string *error)
{
    try {
        std::vector<NamedTensor> tensors = randomTensors(config, seed);
        Node root;
        for (size_t i = 0; i < tensors.size(); ++i) {
            Node *node = &root;
            const std::string &name = tensors[i].name;
            size_t start = 0;
            for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
                node = &node->children[name.substr(start, dot - start)];
                start = dot + 1;
            }
            node->children[name.substr(start)].tensor = static_cast<int>(i);
        }
        PickleWriter pickle;
        writeNode(pickle, root, tensors);
        pickle.op('.');
        PickleWriter constants;
        constants.op(')');
        constants.op('.');

        ZipWriter zip(path);
        if (!zip.ok()) {
            return fail(error, path + ": cannot write");
        }
        const std::string prefix = "model/";
        zip.add(prefix + "data.pkl", pickle.bytes().data(), pickle.bytes().size());
        zip.add(prefix + "constants.pkl", constants.bytes().data(), constants.bytes().size());
        const std::string version = "3\n";
        zip.add(prefix + "version", version.data(), version.size());
        const std::string order = "little";
        zip.add(prefix + "byteorder", order.data(), order.size());
        for (size_t i = 0; i < tensors.size(); ++i) {
            const torch::Tensor stored =
                tensors[i].value.to(tensors[i].half ? torch::kFloat16 : torch::kFloat32).contiguous();
            zip.add(prefix + "data/" + std::to_string(i), stored.data_ptr(), stored.nbytes());
        }
        if (!zip.finish()) {
            return fail(error, path + ": cannot write");
        }
        return true;
    } catch (const std::exception &e) {
        return fail(error, path + ": " + firstLine(e.what()));
    }
}

bool writeRandomHuggingFaceCheckpoint(const ModelConfig &config, uint64_t seed, const std::string &folder,
                                      std::string *error)
{
    try {
        std::filesystem::create_directories(folder);
        std::vector<std::pair<std::string, torch::Tensor>> tensors;
        for (const NamedTensor &t : randomTensors(config, seed)) {
            for (auto &renamed : huggingFaceTensors(t)) {
                tensors.push_back(std::move(renamed));
            }
        }
        std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
        uint64_t offset = 0;
        for (const auto &[name, value] : tensors) {
            const uint64_t end = offset + value.nbytes();
            header += ",\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shapeJson(value.sizes())
                      + ",\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(end) + "]}";
            offset = end;
        }
        header += "}";
        header.append((8 - header.size() % 8) % 8, ' '); // the data section starts 8-byte aligned
        std::ofstream out(folder + "/model.safetensors", std::ios::binary | std::ios::trunc);
        std::string length;
        putLe(length, header.size(), 8);
        out.write(length.data(), 8);
        out.write(header.data(), static_cast<std::streamsize>(header.size()));
        for (const auto &entry : tensors) {
            const torch::Tensor value = entry.second.contiguous();
            out.write(static_cast<const char *>(value.data_ptr()), static_cast<std::streamsize>(value.nbytes()));
        }
        out.close();
        std::ofstream json(folder + "/config.json", std::ios::trunc);
        json << "{\"architectures\":[\"CLIPModel\"],\"model_type\":\"clip\",\"projection_dim\":" << config.embedDim
             << ",\"text_config\":{\"hidden_size\":" << config.textWidth
             << ",\"intermediate_size\":" << 4 * config.textWidth << ",\"num_attention_heads\":" << config.textHeads
             << ",\"num_hidden_layers\":" << config.textLayers
             << ",\"max_position_embeddings\":" << config.contextLength << ",\"vocab_size\":" << config.vocabSize
             << ",\"hidden_act\":\"quick_gelu\",\"projection_dim\":" << config.embedDim
             << "},\"vision_config\":{\"hidden_size\":" << config.visionWidth
             << ",\"intermediate_size\":" << 4 * config.visionWidth << ",\"num_attention_heads\":" << config.visionHeads
             << ",\"num_hidden_layers\":" << config.visionLayers << ",\"image_size\":" << config.imageResolution
             << ",\"patch_size\":" << config.visionPatchSize
             << ",\"hidden_act\":\"quick_gelu\",\"projection_dim\":" << config.embedDim << "}}\n";
        json.close();
        if (!out || !json) {
            return fail(error, folder + ": cannot write");
        }
        return true;
    } catch (const std::exception &e) {
        return fail(error, folder + ": " + firstLine(e.what()));
    }
}

} // namespace clipfind::clip
