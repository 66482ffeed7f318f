// SPDX-License-Identifier: MIT
#pragma once

// Internal: a restricted unpickler for the data.pkl of PyTorch archives. It rebuilds values, tensors (as
// descriptions of storage views; no data is read here) and TorchScript objects (as plain attribute holders) and
// nothing else: it knows a fixed set of opcodes and globals, calls no Python and no TorchScript, and refuses
// everything else with one line naming the opcode or the global. Iterative, with every count and size bounded.

#include <c10/core/ScalarType.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace clipfind::clip::pickle {

enum class Kind : uint8_t { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Object, Storage, Tensor };

/// One unpickled value. Containers refer to other values by index (the memo lets values be shared).
struct Value {
    Kind kind = Kind::None;
    bool flag = false;           // Bool
    int64_t integer = 0;         // Int; index into storages / tensors for Storage / Tensor
    double real = 0;             // Float
    std::string text;            // String; Global: "module.name"; Object: its class ("__torch__.clip.model.CLIP")
    std::vector<uint32_t> items; // Tuple, List; Dict: key, value, key, value, ...; Object: its state dict, if built
    bool built = false;          // Object: BUILD gave it its state
};

/// ('storage', torch.<Type>Storage, key, location, numel): the record <archive>/data/<key>.
struct StorageRef {
    std::string key;      // letters, digits and '_' only (it becomes part of a record name)
    std::string typeName; // "HalfStorage", ...
    c10::ScalarType dtype = c10::ScalarType::Float;
    int64_t itemSize = 4;
    int64_t numel = 0; // elements, as the persistent id says
};

/// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...): a view that fits inside its storage's numel.
struct TensorRef {
    size_t storage = 0; // index into PickleData::storages
    int64_t offset = 0;
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
};

struct PickleData {
    std::vector<Value> values;
    std::vector<StorageRef> storages;
    std::vector<TensorRef> tensors;
    uint32_t root = 0; // the value STOP returned
};

/// Runs the restricted unpickler over `size` bytes. False with *problem (one line, without a file name) on
/// anything it does not know or allow, on malformed input and when a bound is exceeded.
bool unpickle(const unsigned char *data, size_t size, PickleData *out, std::string *problem);

/// The allowed torch.<Type>Storage names and their element types; false for anything else.
bool storageType(const std::string &name, c10::ScalarType *dtype, int64_t *itemSize);

} // namespace clipfind::clip::pickle
