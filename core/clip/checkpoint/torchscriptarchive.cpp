// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/torchscriptarchive.h"

#include "core/clip/checkpoint/bytesource.h"
#include "core/clip/checkpoint/filebytes.h"
#include "core/clip/checkpoint/torchpickle.h"
#include "core/clip/checkpoint/zipreader.h"
#include "core/clip/errortext.h"

#include <algorithm>
#include <vector>

namespace clipfind::clip {

namespace {

using TensorMap = std::map<std::string, torch::Tensor>;
using pickle::Kind;
using pickle::PickleData;
using pickle::Value;

// A ViT-L/14 data.pkl is ~30 KB; TorchScript modules hold a few hundred submodules and tensors.
constexpr uint64_t kMaxPickleBytes = uint64_t(16) << 20;
constexpr size_t kMaxDepth = 64;
constexpr size_t kMaxPath = 1024;
constexpr size_t kMaxModules = 100000;
constexpr size_t kMaxTensors = 100000;

const char kNotTorchScript[] = "a zip archive, but not a TorchScript model";

bool fail(std::string *error, const std::string &what)
{
    *error = what;
    return false;
}

bool corrupt(std::string *error, const std::string &problem)
{
    return fail(error, "truncated or corrupt TorchScript archive (" + problem + ")");
}

/// A record name or attribute fit for a one-line message.
std::string printable(const std::string &text)
{
    std::string out;
    for (size_t i = 0; i < text.size() && i < 120; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
    }
    return text.size() > 120 ? out + "..." : out;
}

// PyTorch writes every record under one top folder ("<name>/"); libtorch refuses archives that do not.
bool archivePrefix(const ZipDirectory &zip, std::string *prefix, std::string *error)
{
    if (zip.entries().empty()) {
        return fail(error, std::string(kNotTorchScript) + " (the archive is empty)");
    }
    const std::string &first = zip.entries().front().name;
    const size_t slash = first.find('/');
    if (slash == std::string::npos || slash == 0) {
        return fail(error, std::string(kNotTorchScript)
                               + " (file in archive is not in a subdirectory: " + printable(first) + ")");
    }
    *prefix = first.substr(0, slash + 1);
    for (const ZipEntry &entry : zip.entries()) {
        if (entry.name.compare(0, prefix->size(), *prefix) != 0) {
            return fail(error, std::string(kNotTorchScript)
                                   + " (file in archive is not in a subdirectory: " + printable(entry.name) + ")");
        }
    }
    return true;
}

struct NamedTensor {
    std::string name;
    size_t tensor = 0; // index into PickleData::tensors
};

/// Walks the module tree from the root object, iteratively: every tensor attribute of every (sub)module by its
/// dotted path, as named_parameters() + named_buffers() name them. Other attributes (flags, ints, None) are skipped.
bool moduleTensors(const PickleData &data, std::vector<NamedTensor> *out, std::string *problem)
{
    if (data.values[data.root].kind != Kind::Object) {
        return fail(problem, "holds no TorchScript module");
    }
    struct Pending {
        uint32_t object;
        std::string prefix;
        size_t depth;
    };
    std::vector<Pending> pending{{data.root, std::string(), 0}};
    std::vector<bool> seen(data.values.size(), false);
    seen[data.root] = true;
    size_t modules = 1;
    while (!pending.empty()) {
        const Pending module = std::move(pending.back());
        pending.pop_back();
        const Value &object = data.values[module.object];
        if (!object.built) {
            continue;
        }
        const Value &state = data.values[object.items.front()];
        for (size_t i = 0; i + 1 < state.items.size(); i += 2) {
            const Value &key = data.values[state.items[i]];
            const uint32_t valueIndex = state.items[i + 1];
            const Value &value = data.values[valueIndex];
            if (value.kind != Kind::Tensor && value.kind != Kind::Object) {
                continue;
            }
            if (key.kind != Kind::String || key.text.empty()) {
                return fail(problem, "an attribute of " + printable(object.text) + " has no name");
            }
            const std::string path = module.prefix + key.text;
            if (path.size() > kMaxPath) {
                return fail(problem,
                            "attribute path longer than " + std::to_string(kMaxPath) + " bytes: " + printable(path));
            }
            if (value.kind == Kind::Tensor) {
                if (out->size() >= kMaxTensors) {
                    return fail(problem, "more than " + std::to_string(kMaxTensors) + " tensors");
                }
                out->push_back({path, static_cast<size_t>(value.integer)});
                continue;
            }
            if (seen[valueIndex]) {
                continue; // a module reachable twice (or a cycle) is read once, as named_modules() does
            }
            if (module.depth + 1 > kMaxDepth) {
                return fail(problem, "modules nested deeper than " + std::to_string(kMaxDepth));
            }
            if (++modules > kMaxModules) {
                return fail(problem, "more than " + std::to_string(kMaxModules) + " modules");
            }
            seen[valueIndex] = true;
            pending.push_back({valueIndex, path + ".", module.depth + 1});
        }
    }
    return true;
}

/// One storage record as a 1-D tensor of its dtype: a view over the file's bytes, which it keeps alive. The record
/// must hold at least numel elements.
bool loadStorage(ByteSource &source, const std::shared_ptr<const FileBytes> &bytes, const ZipDirectory &zip,
                 const std::string &prefix, const pickle::StorageRef &storage, torch::Tensor *out, std::string *error)
{
    const std::string name = "data/" + storage.key;
    const ZipEntry *entry = zip.find(prefix + name);
    if (!entry) {
        return corrupt(error, "data.pkl refers to record " + name + ", which the archive lacks");
    }
    std::string problem;
    uint64_t dataOffset = 0;
    // No CRC pass over tensor data, as libtorch (whose miniz is built without reader CRC checks): it would add
    // half a second to every start with ViT-B/32 and read every page of the file. Nothing in tensor data is parsed;
    // the file's SHA-256 vouches for the weights of known models, and data.pkl, which is parsed, is CRC-checked.
    if (!locateStoredEntry(source, *entry, &dataOffset, &problem)) {
        return corrupt(error, problem);
    }
    const uint64_t needed = static_cast<uint64_t>(storage.numel) * static_cast<uint64_t>(storage.itemSize);
    if (entry->size < needed) {
        return corrupt(error, "record " + name + " holds " + std::to_string(entry->size) + " bytes but its "
                                  + storage.typeName + " of " + std::to_string(storage.numel) + " elements needs "
                                  + std::to_string(needed));
    }
    const auto options = torch::TensorOptions().dtype(storage.dtype);
    if (storage.numel == 0) {
        *out = torch::empty({0}, options);
        return true;
    }
    const unsigned char *data = bytes->data() + dataOffset; // inside the file: locateStoredEntry checked the range
    if (storage.dtype == torch::kBool && std::any_of(data, data + needed, [](uint8_t b) { return b > 1; })) {
        return corrupt(error, "record " + name + " is a BoolStorage with bytes other than 0 and 1");
    }
    // PyTorch aligns records to 64 bytes, and the mapping (or buffer) starts on a page; a record that is not aligned
    // for its dtype is copied.
    auto *pointer = const_cast<unsigned char *>(data); // read-only memory: nothing writes to weights in place
    if (reinterpret_cast<uintptr_t>(pointer) % static_cast<uintptr_t>(storage.itemSize) != 0) {
        *out = torch::from_blob(pointer, {storage.numel}, options).clone();
        return true;
    }
    *out = torch::from_blob(
        pointer, {storage.numel}, [bytes](void *) {}, options);
    return true;
}

bool readArchive(const std::shared_ptr<const FileBytes> &bytes, TensorMap *out, std::string *error)
{
    MemoryByteSource source(bytes->data(), static_cast<size_t>(bytes->size()));
    ZipDirectory zip;
    std::string problem;
    if (!zip.read(source, &problem)) {
        return corrupt(error, problem);
    }
    std::string prefix;
    if (!archivePrefix(zip, &prefix, error)) {
        return false;
    }
    const ZipEntry *pickleEntry = zip.find(prefix + "data.pkl");
    if (!pickleEntry) {
        return fail(error, std::string(kNotTorchScript) + " (it has no data.pkl)");
    }
    // torch.save() zip files look like TorchScript archives from the outside (clip-reference.md §4.1).
    if (!zip.find(prefix + "constants.pkl")) {
        return fail(error, "a PyTorch state-dict archive (torch.save), not a TorchScript release; "
                           "use the model's .safetensors file or OpenAI's TorchScript .pt");
    }
    // Newer PyTorch records the byte order of tensor data; ClipFind reads it as little-endian (x86-64, arm64).
    if (const ZipEntry *order = zip.find(prefix + "byteorder")) {
        std::string text(16, '\0');
        if (!isStoredEntry(*order, &problem) || order->size > text.size()
            || !readStoredEntry(source, *order, text.data(), &problem)) {
            return corrupt(error, problem.empty() ? "byteorder record is damaged" : problem);
        }
        text.resize(static_cast<size_t>(order->size));
        if (text != "little") {
            return fail(error, "tensor data is stored in byte order '" + printable(text) + "', not little-endian");
        }
    }
    if (!isStoredEntry(*pickleEntry, &problem)) {
        return corrupt(error, problem);
    }
    if (pickleEntry->size > kMaxPickleBytes) {
        return corrupt(error, "data.pkl of " + std::to_string(pickleEntry->size) + " bytes is too large");
    }
    std::vector<unsigned char> pickleBytes(static_cast<size_t>(pickleEntry->size));
    if (!readStoredEntry(source, *pickleEntry, pickleBytes.data(), &problem)) {
        return corrupt(error, problem);
    }
    PickleData data;
    if (!pickle::unpickle(pickleBytes.data(), pickleBytes.size(), &data, &problem)) {
        return fail(error, "data.pkl " + problem);
    }
    std::vector<NamedTensor> named;
    if (!moduleTensors(data, &named, &problem)) {
        return fail(error, "data.pkl: " + problem);
    }

    // Only the storages that named tensors use are read; each once, however many views share it.
    std::map<std::string, std::pair<const pickle::StorageRef *, torch::Tensor>> storages;
    TensorMap result;
    for (const NamedTensor &entry : named) {
        const pickle::TensorRef &tensor = data.tensors[entry.tensor];
        const pickle::StorageRef &storage = data.storages[tensor.storage];
        auto it = storages.find(storage.key);
        if (it == storages.end()) {
            torch::Tensor loaded;
            if (!loadStorage(source, bytes, zip, prefix, storage, &loaded, error)) {
                return false;
            }
            it = storages.emplace(storage.key, std::make_pair(&storage, loaded)).first;
        } else if (it->second.first->dtype != storage.dtype || it->second.first->numel != storage.numel) {
            return fail(error, "data.pkl: storage " + storage.key + " is described twice, differently");
        }
        result[entry.name] = it->second.second.as_strided(tensor.sizes, tensor.strides, tensor.offset);
    }
    *out = std::move(result);
    return true;
}

bool readGuarded(const std::shared_ptr<const FileBytes> &bytes, TensorMap *out, std::string *error)
{
    try {
        return readArchive(bytes, out, error);
    } catch (const std::bad_alloc &) {
        return fail(error, "out of memory while reading the archive");
    } catch (const std::exception &e) { // c10::Error from a tensor operation; not expected after the checks
        return fail(error, "unexpected error: " + firstLine(e.what()));
    }
}

} // namespace

bool readTorchScriptTensors(const std::shared_ptr<const FileBytes> &bytes, TensorMap *out, std::string *error)
{
    return readGuarded(bytes, out, error);
}

bool readTorchScriptTensors(const std::string &path, TensorMap *out, std::string *error)
{
    const std::shared_ptr<const FileBytes> bytes = FileBytes::open(path, FileAccess::Auto, error);
    return bytes && readGuarded(bytes, out, error);
}

bool readTorchScriptTensorsFromMemory(const void *data, size_t size, TensorMap *out, std::string *error)
{
    return readGuarded(FileBytes::copyOf(data, size), out, error);
}

} // namespace clipfind::clip
