// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/safetensors.h"

#include "core/clip/checkpoint/filebytes.h"
#include "core/clip/errortext.h"

#include "core/clip/formats/json.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>
#include <system_error>

namespace clipfind::clip {

namespace {

// The reference implementation refuses headers above 100 MB (MAX_HEADER_SIZE = 100_000_000): real ones are a
// few hundred KB, and a huge length is the first sign of a file that is not safetensors at all.
constexpr uint64_t kMaxHeaderLength = 100'000'000;
// Each JSON value costs ~100 bytes in json::Value, so a 100 MB header of "[0,0,0,..." would need ~5 GB.
// Real headers need ~10 values per tensor: 4M allows 400k tensors and bounds the parse to a few hundred MB.
constexpr size_t kMaxJsonValues = 4'000'000;
// torch's own limit is 64 dimensions; model tensors have at most 4.
constexpr size_t kMaxRank = 16;

struct Dtype {
    const char *name;
    c10::ScalarType type;
    int64_t itemSize;
};

const Dtype kDtypes[] = {
    {"F64", torch::kFloat64, 8},   {"F32", torch::kFloat32, 4}, {"F16", torch::kFloat16, 2},
    {"BF16", torch::kBFloat16, 2}, {"I64", torch::kInt64, 8},   {"I32", torch::kInt32, 4},
    {"I16", torch::kInt16, 2},     {"I8", torch::kInt8, 1},     {"U8", torch::kUInt8, 1},
    {"BOOL", torch::kBool, 1},
};

struct Entry {
    std::string name;
    const Dtype *dtype = nullptr;
    std::vector<int64_t> shape;
    int64_t begin = 0;
    int64_t end = 0;
};

/// Text fit for a one-line message: control characters escaped, long texts shortened.
std::string escaped(const std::string &name)
{
    std::string out;
    for (size_t i = 0; i < name.size() && i < 200; ++i) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (name.size() > 200) {
        out += "...";
    }
    return out;
}

/// A name fit for a one-line message, in quotes.
std::string quoted(const std::string &name)
{
    return "'" + escaped(name) + "'";
}

std::string listText(const std::vector<int64_t> &values)
{
    std::string s = "[";
    for (size_t i = 0; i < values.size(); ++i) {
        s += (i ? ", " : "") + std::to_string(values[i]);
    }
    return s + "]";
}

/// JSON array of non-negative integers (exactly `expectedSize` of them unless it is -1).
bool readIntList(const json::Value &v, long expectedSize, std::vector<int64_t> *out)
{
    if (!v.isArray() || (expectedSize >= 0 && v.size() != static_cast<size_t>(expectedSize))) {
        return false;
    }
    out->clear();
    for (const json::Value &item : v.array()) {
        if (!item.isInteger() || item.toInt() < 0) {
            return false;
        }
        out->push_back(item.toInt());
    }
    return true;
}

bool setProblem(std::string *problem, const std::string &what)
{
    *problem = what;
    return false;
}

bool parseEntry(const std::string &name, const json::Value &v, Entry *entry, std::string *problem)
{
    const std::string tensor = "tensor " + quoted(name);
    entry->name = name;
    if (!v.isObject()) {
        return setProblem(problem, tensor + ": entry is not a JSON object");
    }
    const json::Value &dtype = v["dtype"];
    if (!dtype.isString()) {
        return setProblem(problem, tensor + " has no dtype string");
    }
    for (const Dtype &d : kDtypes) {
        if (dtype.toString() == d.name) {
            entry->dtype = &d;
        }
    }
    if (!entry->dtype) {
        return setProblem(problem, tensor + " has unsupported dtype " + quoted(dtype.toString()));
    }
    if (!readIntList(v["shape"], -1, &entry->shape)) {
        return setProblem(problem, tensor + ": shape is not a list of non-negative integers");
    }
    std::vector<int64_t> offsets;
    if (!readIntList(v["data_offsets"], 2, &offsets)) {
        return setProblem(problem, tensor + ": data_offsets is not a pair of non-negative integers");
    }
    entry->begin = offsets[0];
    entry->end = offsets[1];
    if (entry->begin > entry->end) {
        return setProblem(problem, tensor + ": data_offsets " + listText(offsets) + " end before they begin");
    }

    // Byte size from the shape, with overflow checks: hostile dims such as [2^62, 2^62] must not wrap around,
    // and neither may [2^40, 2^40, 0], whose product only looks small because of the zero.
    if (entry->shape.size() > kMaxRank) {
        return setProblem(problem, tensor + ": shape has " + std::to_string(entry->shape.size()) + " dimensions");
    }
    int64_t bytes = entry->dtype->itemSize;
    int64_t bound = entry->dtype->itemSize;
    for (int64_t dim : entry->shape) {
        if (dim > 1 && bound > std::numeric_limits<int64_t>::max() / dim) {
            return setProblem(problem, tensor + ": shape " + listText(entry->shape) + " is too large");
        }
        bound *= dim > 1 ? dim : 1;
        bytes *= dim;
    }
    if (entry->end - entry->begin != bytes) {
        return setProblem(problem, tensor + ": data_offsets " + listText(offsets) + " do not match shape "
                                       + listText(entry->shape) + " of " + entry->dtype->name + " ("
                                       + std::to_string(bytes) + " bytes)");
    }
    return true;
}

bool fail(std::string *error, const std::string &path, const std::string &problem)
{
    *error = path + ": " + problem;
    return false;
}

bool readImpl(const std::shared_ptr<const FileBytes> &bytes, const std::string &path, SafetensorsFile *out,
              std::string *error)
{
    // The format is little-endian; the views below reinterpret bytes in place, which is only right on
    // little-endian hosts (every machine ClipFind targets).
    const uint16_t probe = 1;
    if (*reinterpret_cast<const unsigned char *>(&probe) != 1) {
        return fail(error, path, "big-endian hosts are not supported");
    }

    const uint64_t fileSize = bytes->size();
    if (fileSize < 8) {
        return fail(error, path, "file is too short (" + std::to_string(fileSize) + " bytes) to hold a header length");
    }

    const unsigned char *lengthBytes = bytes->data();
    uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i) {
        headerLength = (headerLength << 8) | lengthBytes[i];
    }
    if (headerLength < 2) {
        return fail(error, path, "header length " + std::to_string(headerLength) + " is too small");
    }
    if (headerLength > kMaxHeaderLength) {
        return fail(error, path,
                    "header length " + std::to_string(headerLength)
                        + " exceeds the 100 MB limit (not a safetensors file?)");
    }
    if (headerLength > fileSize - 8) {
        return fail(error, path,
                    "truncated: header length is " + std::to_string(headerLength) + " bytes but only "
                        + std::to_string(fileSize - 8) + " follow");
    }

    std::string header(reinterpret_cast<const char *>(bytes->data() + 8), static_cast<size_t>(headerLength));
    const size_t structural = static_cast<size_t>(
        std::count_if(header.begin(), header.end(), [](char c) { return c == ',' || c == '[' || c == '{'; }));
    if (structural > kMaxJsonValues) {
        return fail(error, path, "header has too many JSON values (" + std::to_string(structural) + ")");
    }
    json::Value root;
    std::string jsonError;
    if (!json::parse(header, &root, &jsonError)) {
        return fail(error, path, "header is not valid JSON (" + escaped(jsonError) + ")"); // it may quote the input
    }
    header = std::string(); // a large header is no longer needed; the data section may be huge
    if (!root.isObject()) {
        return fail(error, path, "header is not a JSON object");
    }

    SafetensorsFile result;
    std::vector<Entry> entries;
    entries.reserve(root.size());
    for (const auto &[name, value] : root.members()) {
        if (name == "__metadata__") {
            if (!value.isObject()) {
                return fail(error, path, "__metadata__ is not a JSON object");
            }
            for (const auto &[key, item] : value.members()) {
                if (!item.isString()) {
                    return fail(error, path, "__metadata__ value " + quoted(key) + " is not a string");
                }
                result.metadata[key] = item.toString();
            }
            continue;
        }
        Entry entry;
        std::string problem;
        if (!parseEntry(name, value, &entry, &problem)) {
            return fail(error, path, problem);
        }
        entries.push_back(std::move(entry));
    }

    // All bounds checks before allocating anything the size of the data.
    const uint64_t available = fileSize - 8 - headerLength;
    const Entry *furthest = nullptr;
    for (const Entry &e : entries) {
        if (!furthest || e.end > furthest->end) {
            furthest = &e;
        }
    }
    const int64_t dataSize = furthest ? furthest->end : 0;
    if (static_cast<uint64_t>(dataSize) > available) {
        return fail(error, path,
                    "truncated: header declares " + std::to_string(dataSize) + " bytes of tensor data but only "
                        + std::to_string(available) + " follow (tensor " + quoted(furthest->name) + " ends at byte "
                        + std::to_string(furthest->end) + ")");
    }
    std::vector<const Entry *> byOffset;
    for (const Entry &e : entries) {
        if (e.end > e.begin) { // empty tensors occupy no bytes and cannot overlap anything
            byOffset.push_back(&e);
        }
    }
    std::sort(byOffset.begin(), byOffset.end(), [](const Entry *a, const Entry *b) { return a->begin < b->begin; });
    for (size_t i = 1; i < byOffset.size(); ++i) {
        const Entry &a = *byOffset[i - 1], &b = *byOffset[i];
        if (b.begin < a.end) {
            return fail(error, path,
                        "tensors " + quoted(a.name) + " " + listText({a.begin, a.end}) + " and " + quoted(b.name) + " "
                            + listText({b.begin, b.end}) + " overlap");
        }
    }

    // Tensors are views over the file's bytes (mapped, or read into memory) and keep them alive.
    const unsigned char *base = bytes->data() + 8 + headerLength;
    (void)dataSize; // inside the file: checked above
    result.tensors.reserve(entries.size());
    for (const Entry &e : entries) {
        const auto options = torch::TensorOptions().dtype(e.dtype->type);
        auto *data = const_cast<unsigned char *>(base + e.begin); // read-only memory: nothing writes weights in place
        if (e.dtype->type == torch::kBool
            && std::any_of(base + e.begin, base + e.end, [](uint8_t b) { return b > 1; })) {
            return fail(error, path, "tensor " + quoted(e.name) + ": BOOL data holds bytes other than 0 and 1");
        }
        torch::Tensor t;
        if (e.end == e.begin) {
            t = torch::empty(e.shape, options);
        } else if (reinterpret_cast<uintptr_t>(data) % static_cast<uintptr_t>(e.dtype->itemSize) == 0) {
            t = torch::from_blob(
                data, e.shape, [bytes](void *) {}, options);
        } else {
            t = torch::from_blob(data, e.shape, options).clone(); // misaligned for its dtype: copy
        }
        result.tensors.emplace_back(e.name, std::move(t));
    }
    *out = std::move(result);
    return true;
}

} // namespace

bool looksLikeSafetensors(const std::string &firstBytes)
{
    if (firstBytes.size() < 9) {
        return false;
    }
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) {
        n = (n << 8) | static_cast<unsigned char>(firstBytes[static_cast<size_t>(i)]);
    }
    return n >= 2 && n <= kMaxHeaderLength && firstBytes[8] == '{';
}

bool readSafetensors(const std::string &path, SafetensorsFile *out, std::string *error)
{
    std::string problem;
    const std::shared_ptr<const FileBytes> bytes = FileBytes::open(path, FileAccess::Auto, &problem);
    if (!bytes) {
        if (error) {
            *error = path + ": " + problem;
        }
        return false;
    }
    return readSafetensors(bytes, path, out, error);
}

bool readSafetensors(const std::shared_ptr<const FileBytes> &bytes, const std::string &path, SafetensorsFile *out,
                     std::string *error)
{
    std::string localError;
    if (!error) {
        error = &localError;
    }
    SafetensorsFile localOut;
    if (!out) {
        out = &localOut;
    }
    try {
        return readImpl(bytes, path, out, error);
    } catch (const std::bad_alloc &) {
        return fail(error, path, "out of memory while reading the file");
    } catch (const std::exception &e) {
        // c10::Error messages carry a backtrace on later lines; the contract is one line.
        return fail(error, path, "unexpected error: " + firstLine(e.what()));
    } catch (...) {
        return fail(error, path, "unexpected error");
    }
}

} // namespace clipfind::clip
