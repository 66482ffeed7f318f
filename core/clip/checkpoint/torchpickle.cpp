// SPDX-License-Identifier: MIT
// Why this file is long: the bounded interpreter for the pickle subset torch.save writes is one opcode switch, read as
// a whole to check that every opcode is bounded; splitting it would scatter the checks.
#include "core/clip/checkpoint/torchpickle.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace clipfind::clip::pickle {

namespace {

// Bounds. A ViT-L/14 data.pkl has ~10k values, a stack a few dozen deep and ~3k memo entries; these leave two
// orders of magnitude of room while bounding what a forged pickle can make us allocate (~100 MB of values).
constexpr size_t kMaxValues = size_t(1) << 20;
constexpr size_t kMaxStack = size_t(1) << 20;
constexpr size_t kMaxMarks = 1024;
constexpr size_t kMaxMemo = size_t(1) << 20;
constexpr size_t kMaxString = size_t(1) << 20;
constexpr size_t kMaxGlobalLine = 256;
constexpr size_t kMaxStorageKey = 64;
constexpr size_t kMaxRank = 16;

// What an allowed global is for. Anything not listed here is refused when GLOBAL names it.
enum class Role : int64_t {
    RebuildTensor,    // torch._utils._rebuild_tensor_v2
    RebuildParameter, // torch._utils._rebuild_parameter
    OrderedDict,      // collections.OrderedDict (backward-hook dicts; built empty)
    Storage,          // torch.<Type>Storage inside a persistent id
    ListBuilder,      // torch.jit._pickle.build_intlist & co.: return their list argument
    TypeTag,          // torch.jit._pickle.restore_type_tag: returns its first argument
    TorchClass,       // __torch__.*: a TorchScript class, rebuilt as a plain attribute holder
};

struct StorageTypeInfo {
    const char *name;
    c10::ScalarType dtype;
    int64_t itemSize;
};

const StorageTypeInfo kStorageTypes[] = {
    {"FloatStorage", c10::ScalarType::Float, 4},       {"HalfStorage", c10::ScalarType::Half, 2},
    {"BFloat16Storage", c10::ScalarType::BFloat16, 2}, {"DoubleStorage", c10::ScalarType::Double, 8},
    {"LongStorage", c10::ScalarType::Long, 8},         {"IntStorage", c10::ScalarType::Int, 4},
    {"ShortStorage", c10::ScalarType::Short, 2},       {"CharStorage", c10::ScalarType::Char, 1},
    {"ByteStorage", c10::ScalarType::Byte, 1},         {"BoolStorage", c10::ScalarType::Bool, 1},
};

const char *opcodeName(unsigned char op)
{
    switch (op) {
    case '(': return "MARK";
    case '.': return "STOP";
    case '0': return "POP";
    case '1': return "POP_MARK";
    case '2': return "DUP";
    case 'F': return "FLOAT";
    case 'I': return "INT";
    case 'J': return "BININT";
    case 'K': return "BININT1";
    case 'L': return "LONG";
    case 'M': return "BININT2";
    case 'N': return "NONE";
    case 'P': return "PERSID";
    case 'Q': return "BINPERSID";
    case 'R': return "REDUCE";
    case 'S': return "STRING";
    case 'T': return "BINSTRING";
    case 'U': return "SHORT_BINSTRING";
    case 'V': return "UNICODE";
    case 'X': return "BINUNICODE";
    case 'a': return "APPEND";
    case 'b': return "BUILD";
    case 'c': return "GLOBAL";
    case 'd': return "DICT";
    case '}': return "EMPTY_DICT";
    case 'e': return "APPENDS";
    case 'g': return "GET";
    case 'h': return "BINGET";
    case 'i': return "INST";
    case 'j': return "LONG_BINGET";
    case 'l': return "LIST";
    case ']': return "EMPTY_LIST";
    case 'o': return "OBJ";
    case 'p': return "PUT";
    case 'q': return "BINPUT";
    case 'r': return "LONG_BINPUT";
    case 's': return "SETITEM";
    case 't': return "TUPLE";
    case ')': return "EMPTY_TUPLE";
    case 'u': return "SETITEMS";
    case 'G': return "BINFLOAT";
    case 'B': return "BINBYTES";
    case 'C': return "SHORT_BINBYTES";
    case 0x80: return "PROTO";
    case 0x81: return "NEWOBJ";
    case 0x82: return "EXT1";
    case 0x83: return "EXT2";
    case 0x84: return "EXT4";
    case 0x85: return "TUPLE1";
    case 0x86: return "TUPLE2";
    case 0x87: return "TUPLE3";
    case 0x88: return "NEWTRUE";
    case 0x89: return "NEWFALSE";
    case 0x8a: return "LONG1";
    case 0x8b: return "LONG4";
    case 0x8c: return "SHORT_BINUNICODE";
    case 0x8d: return "BINUNICODE8";
    case 0x8e: return "BINBYTES8";
    case 0x8f: return "EMPTY_SET";
    case 0x90: return "ADDITEMS";
    case 0x91: return "FROZENSET";
    case 0x92: return "NEWOBJ_EX";
    case 0x93: return "STACK_GLOBAL";
    case 0x94: return "MEMOIZE";
    case 0x95: return "FRAME";
    case 0x96: return "BYTEARRAY8";
    case 0x97: return "NEXT_BUFFER";
    case 0x98: return "READONLY_BUFFER";
    }
    return "unknown";
}

const char *kindName(Kind kind)
{
    switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Object: return "object";
    case Kind::Storage: return "storage";
    case Kind::Tensor: return "tensor";
    }
    return "value";
}

bool isIdentifier(const std::string &s, size_t begin, size_t end)
{
    if (begin >= end || (s[begin] >= '0' && s[begin] <= '9')) {
        return false;
    }
    for (size_t i = begin; i < end; ++i) {
        const char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

bool isDottedIdentifier(const std::string &s)
{
    size_t begin = 0;
    while (true) {
        const size_t dot = s.find('.', begin);
        const size_t end = dot == std::string::npos ? s.size() : dot;
        if (!isIdentifier(s, begin, end)) {
            return false;
        }
        if (dot == std::string::npos) {
            return true;
        }
        begin = dot + 1;
    }
}

bool classifyGlobal(const std::string &module, const std::string &name, Role *role)
{
    if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
        *role = Role::RebuildTensor;
        return true;
    }
    if (module == "torch._utils" && name == "_rebuild_parameter") {
        *role = Role::RebuildParameter;
        return true;
    }
    if (module == "collections" && name == "OrderedDict") {
        *role = Role::OrderedDict;
        return true;
    }
    c10::ScalarType dtype;
    int64_t itemSize = 0;
    if (module == "torch" && storageType(name, &dtype, &itemSize)) {
        *role = Role::Storage;
        return true;
    }
    if (module == "torch.jit._pickle") {
        for (const char *builder :
             {"build_intlist", "build_floatlist", "build_doublelist", "build_boollist", "build_tensorlist"}) {
            if (name == builder) {
                *role = Role::ListBuilder;
                return true;
            }
        }
        if (name == "restore_type_tag") {
            *role = Role::TypeTag;
            return true;
        }
        return false;
    }
    if ((module == "__torch__" || module.compare(0, 10, "__torch__.") == 0) && isDottedIdentifier(module)
        && isIdentifier(name, 0, name.size())) {
        *role = Role::TorchClass;
        return true;
    }
    return false;
}

bool storageKeyIsSafe(const std::string &key)
{
    if (key.empty() || key.size() > kMaxStorageKey) {
        return false;
    }
    for (const char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

class Machine
{
public:
    Machine(const unsigned char *data, size_t size, PickleData *out)
        : m_data(data)
        , m_size(size)
        , m_out(out)
    {
    }

    bool run(std::string *problem)
    {
        const bool ok = loop();
        if (!ok) {
            *problem = m_problem;
        }
        return ok;
    }

private:
    bool loop()
    {
        while (m_pos < m_size) {
            m_opStart = m_pos;
            const unsigned char op = m_data[m_pos++];
            bool ok = false;
            switch (op) {
            case 0x80: // PROTO
                if (!need(1)) {
                    return false;
                }
                if (m_data[m_pos] > 5) {
                    return fail("pickle protocol " + std::to_string(m_data[m_pos]) + " is not supported");
                }
                ++m_pos;
                ok = true;
                break;
            case '.': // STOP
                if (!m_marks.empty() || m_stack.size() != 1) {
                    return fail("STOP with " + std::to_string(m_stack.size()) + " values on the stack");
                }
                m_out->root = m_stack.back();
                return true;
            case '(': // MARK
                if (m_marks.size() >= kMaxMarks) {
                    return fail("MARKs nested deeper than " + std::to_string(kMaxMarks));
                }
                m_marks.push_back(m_stack.size());
                ok = true;
                break;
            case 'N': ok = pushNew(Value{}); break;
            case 0x88: // NEWTRUE
            case 0x89: // NEWFALSE
                ok = pushBool(op == 0x88);
                break;
            case 'J': // BININT
                ok = need(4) && pushInt(static_cast<int32_t>(readLe(4)));
                break;
            case 'K': // BININT1
                ok = need(1) && pushInt(static_cast<int64_t>(readLe(1)));
                break;
            case 'M': // BININT2
                ok = need(2) && pushInt(static_cast<int64_t>(readLe(2)));
                break;
            case 0x8a: // LONG1
                ok = long1();
                break;
            case 'G': // BINFLOAT
                ok = binFloat();
                break;
            case 'X': // BINUNICODE
                ok = binUnicode();
                break;
            case ')': // EMPTY_TUPLE
                ok = pushContainer(Kind::Tuple, {});
                break;
            case 't': { // TUPLE
                std::vector<uint32_t> items;
                ok = popToMark(&items) && pushContainer(Kind::Tuple, std::move(items));
                break;
            }
            case 0x85: // TUPLE1
            case 0x86: // TUPLE2
            case 0x87: // TUPLE3
                ok = smallTuple(op - 0x84);
                break;
            case ']': // EMPTY_LIST
                ok = pushContainer(Kind::List, {});
                break;
            case 'a': // APPEND
            case 'e': // APPENDS
                ok = append(op == 'e');
                break;
            case '}': // EMPTY_DICT
                ok = pushContainer(Kind::Dict, {});
                break;
            case 's': // SETITEM
            case 'u': // SETITEMS
                ok = setItems(op == 'u');
                break;
            case 'c': ok = global(); break;
            case 'R': ok = reduce(); break;
            case 0x81: ok = newObject(); break;
            case 'b': ok = build(); break;
            case 'Q': ok = persistentId(); break;
            case 'h': // BINGET
                ok = need(1) && get(readLe(1));
                break;
            case 'j': // LONG_BINGET
                ok = need(4) && get(readLe(4));
                break;
            case 'q': // BINPUT
                ok = need(1) && put(readLe(1));
                break;
            case 'r': // LONG_BINPUT
                ok = need(4) && put(readLe(4));
                break;
            default: {
                char code[8];
                std::snprintf(code, sizeof code, "0x%02X", op);
                return fail(std::string("pickle opcode ") + code + " (" + opcodeName(op)
                            + ") is not one a tensor archive needs: refused");
            }
            }
            if (!ok) {
                return false;
            }
        }
        m_opStart = m_size;
        return fail("no STOP opcode before the end (truncated?)");
    }

    bool fail(const std::string &what)
    {
        if (m_problem.empty()) {
            m_problem = "byte " + std::to_string(m_opStart) + ": " + what;
        }
        return false;
    }

    bool need(size_t n) { return n <= m_size - m_pos || fail("the data ends in the middle of an opcode"); }

    uint64_t readLe(size_t n)
    {
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) {
            v |= uint64_t(m_data[m_pos + i]) << (8 * i);
        }
        m_pos += n;
        return v;
    }

    Value &at(uint32_t index) { return m_out->values[index]; }

    bool newValue(Value value, uint32_t *index)
    {
        if (m_out->values.size() >= kMaxValues) {
            return fail("more than " + std::to_string(kMaxValues) + " values");
        }
        *index = static_cast<uint32_t>(m_out->values.size());
        m_out->values.push_back(std::move(value));
        return true;
    }

    bool push(uint32_t index)
    {
        if (m_stack.size() >= kMaxStack) {
            return fail("stack deeper than " + std::to_string(kMaxStack));
        }
        m_stack.push_back(index);
        return true;
    }

    bool pushNew(Value value)
    {
        uint32_t index = 0;
        return newValue(std::move(value), &index) && push(index);
    }

    bool pushBool(bool b)
    {
        Value v;
        v.kind = Kind::Bool;
        v.flag = b;
        return pushNew(std::move(v));
    }

    bool pushInt(int64_t i)
    {
        Value v;
        v.kind = Kind::Int;
        v.integer = i;
        return pushNew(std::move(v));
    }

    bool pushContainer(Kind kind, std::vector<uint32_t> items)
    {
        Value v;
        v.kind = kind;
        v.items = std::move(items);
        return pushNew(std::move(v));
    }

    /// Pops one value, never below the innermost MARK.
    bool pop(uint32_t *index)
    {
        const size_t floor = m_marks.empty() ? 0 : m_marks.back();
        if (m_stack.size() <= floor) {
            return fail("an opcode pops from an empty stack");
        }
        *index = m_stack.back();
        m_stack.pop_back();
        return true;
    }

    bool top(uint32_t *index)
    {
        const size_t floor = m_marks.empty() ? 0 : m_marks.back();
        if (m_stack.size() <= floor) {
            return fail("an opcode reads from an empty stack");
        }
        *index = m_stack.back();
        return true;
    }

    bool popToMark(std::vector<uint32_t> *items)
    {
        if (m_marks.empty()) {
            return fail("an opcode needs a MARK that is not there");
        }
        const size_t mark = m_marks.back();
        m_marks.pop_back();
        items->assign(m_stack.begin() + static_cast<std::ptrdiff_t>(mark), m_stack.end());
        m_stack.resize(mark);
        return true;
    }

    bool long1()
    {
        if (!need(1)) {
            return false;
        }
        const size_t n = m_data[m_pos++];
        if (n > 8) {
            return fail("an integer wider than 64 bits");
        }
        if (!need(n)) {
            return false;
        }
        uint64_t v = readLe(n);
        if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) {
            v |= ~uint64_t(0) << (8 * n); // sign-extend
        }
        return pushInt(static_cast<int64_t>(v));
    }

    bool binFloat()
    {
        if (!need(8)) {
            return false;
        }
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) {
            bits = (bits << 8) | m_data[m_pos++]; // big-endian
        }
        Value v;
        v.kind = Kind::Float;
        std::memcpy(&v.real, &bits, sizeof bits);
        return pushNew(std::move(v));
    }

    bool binUnicode()
    {
        if (!need(4)) {
            return false;
        }
        const uint64_t length = readLe(4);
        if (length > kMaxString) {
            return fail("a string of " + std::to_string(length) + " bytes (more than 1 MiB)");
        }
        if (!need(static_cast<size_t>(length))) {
            return false;
        }
        Value v;
        v.kind = Kind::String;
        v.text.assign(reinterpret_cast<const char *>(m_data + m_pos), static_cast<size_t>(length));
        m_pos += static_cast<size_t>(length);
        return pushNew(std::move(v));
    }

    bool smallTuple(int n)
    {
        std::vector<uint32_t> items(static_cast<size_t>(n));
        for (int i = n - 1; i >= 0; --i) {
            if (!pop(&items[static_cast<size_t>(i)])) {
                return false;
            }
        }
        return pushContainer(Kind::Tuple, std::move(items));
    }

    bool append(bool many)
    {
        std::vector<uint32_t> items(1);
        if (many ? !popToMark(&items) : !pop(&items[0])) {
            return false;
        }
        uint32_t list = 0;
        if (!top(&list)) {
            return false;
        }
        if (at(list).kind != Kind::List) {
            return fail(std::string("APPEND to a ") + kindName(at(list).kind));
        }
        at(list).items.insert(at(list).items.end(), items.begin(), items.end());
        return true;
    }

    bool setItems(bool many)
    {
        std::vector<uint32_t> items(2);
        if (many) {
            if (!popToMark(&items)) {
                return false;
            }
            if (items.size() % 2 != 0) {
                return fail("SETITEMS with an odd number of values");
            }
        } else if (!pop(&items[1]) || !pop(&items[0])) {
            return false;
        }
        uint32_t dict = 0;
        if (!top(&dict)) {
            return false;
        }
        if (at(dict).kind != Kind::Dict) {
            return fail(std::string("SETITEM on a ") + kindName(at(dict).kind));
        }
        at(dict).items.insert(at(dict).items.end(), items.begin(), items.end());
        return true;
    }

    bool readLine(std::string *line)
    {
        const size_t limit = std::min(m_size - m_pos, kMaxGlobalLine + 1);
        const void *newline = std::memchr(m_data + m_pos, '\n', limit);
        if (!newline) {
            return fail("GLOBAL name is not a line of at most " + std::to_string(kMaxGlobalLine) + " bytes");
        }
        const size_t length = static_cast<size_t>(static_cast<const unsigned char *>(newline) - (m_data + m_pos));
        line->assign(reinterpret_cast<const char *>(m_data + m_pos), length);
        m_pos += length + 1;
        for (const char c : *line) {
            if (c < 0x20 || c > 0x7E) {
                return fail("GLOBAL name is not printable text");
            }
        }
        return true;
    }

    bool global()
    {
        std::string module;
        std::string name;
        if (!readLine(&module) || !readLine(&name)) {
            return false;
        }
        Role role;
        if (!classifyGlobal(module, name, &role)) {
            return fail("the Python global " + module + "." + name
                        + " is neither a tensor nor a module attribute: refused (ClipFind never runs code from model "
                          "files)");
        }
        Value v;
        v.kind = Kind::Global;
        v.integer = static_cast<int64_t>(role);
        v.text = module + "." + name;
        return pushNew(std::move(v));
    }

    Role roleOf(uint32_t global) { return static_cast<Role>(at(global).integer); }

    bool isEmptyDict(uint32_t index) { return at(index).kind == Kind::Dict && at(index).items.empty(); }

    bool reduce()
    {
        uint32_t args = 0;
        uint32_t callable = 0;
        if (!pop(&args) || !pop(&callable)) {
            return false;
        }
        if (at(callable).kind != Kind::Global) {
            return fail(std::string("REDUCE calls a ") + kindName(at(callable).kind));
        }
        if (at(args).kind != Kind::Tuple) {
            return fail("REDUCE arguments for " + at(callable).text + " are not a tuple");
        }
        const std::vector<uint32_t> a = at(args).items;
        switch (roleOf(callable)) {
        case Role::RebuildTensor: return rebuildTensor(a);
        case Role::RebuildParameter:
            if (a.size() != 3 || at(a[0]).kind != Kind::Tensor || at(a[1]).kind != Kind::Bool || !isEmptyDict(a[2])) {
                return fail("_rebuild_parameter needs (tensor, requires_grad, {})");
            }
            return push(a[0]);
        case Role::OrderedDict:
            if (!a.empty()) {
                return fail("OrderedDict is built with arguments");
            }
            return pushContainer(Kind::Dict, {});
        case Role::ListBuilder:
            if (a.size() != 1 || at(a[0]).kind != Kind::List) {
                return fail(at(callable).text + " needs one list");
            }
            return push(a[0]);
        case Role::TypeTag:
            if (a.size() != 2 || at(a[1]).kind != Kind::String) {
                return fail("restore_type_tag needs (value, type name)");
            }
            return push(a[0]);
        case Role::Storage:
        case Role::TorchClass: break;
        }
        return fail("REDUCE calls " + at(callable).text + ", which is not a function it allows");
    }

    bool intTuple(uint32_t index, const char *what, std::vector<int64_t> *out)
    {
        if (at(index).kind != Kind::Tuple || at(index).items.size() > kMaxRank) {
            return fail(std::string("tensor ") + what + " is not a tuple of at most " + std::to_string(kMaxRank)
                        + " integers");
        }
        out->clear();
        for (const uint32_t item : at(index).items) {
            if (at(item).kind != Kind::Int || at(item).integer < 0) {
                return fail(std::string("tensor ") + what + " holds a negative or non-integer value");
            }
            out->push_back(at(item).integer);
        }
        return true;
    }

    bool rebuildTensor(const std::vector<uint32_t> &a)
    {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (a.size() != 6 && a.size() != 7) {
            return fail("_rebuild_tensor_v2 with " + std::to_string(a.size()) + " arguments");
        }
        if (at(a[0]).kind != Kind::Storage) {
            return fail("_rebuild_tensor_v2 without a storage");
        }
        if (at(a[1]).kind != Kind::Int || at(a[1]).integer < 0) {
            return fail("tensor storage offset is not a non-negative integer");
        }
        TensorRef tensor;
        tensor.storage = static_cast<size_t>(at(a[0]).integer);
        tensor.offset = at(a[1]).integer;
        if (!intTuple(a[2], "size", &tensor.sizes) || !intTuple(a[3], "stride", &tensor.strides)) {
            return false;
        }
        if (tensor.sizes.size() != tensor.strides.size()) {
            return fail("tensor size and stride differ in length");
        }
        if (at(a[4]).kind != Kind::Bool) {
            return fail("tensor requires_grad is not a bool");
        }
        if (!isEmptyDict(a[5])) {
            return fail("tensor has backward hooks");
        }
        if (a.size() == 7 && at(a[6]).kind != Kind::None && !isEmptyDict(a[6])) {
            return fail("tensor carries metadata ClipFind does not read");
        }
        // Every view must lie inside its storage, and no product or sum may overflow: a shape whose product
        // wraps around would otherwise pass as small.
        int64_t bound = 1;
        int64_t numel = 1;
        int64_t last = tensor.offset;
        for (size_t i = 0; i < tensor.sizes.size(); ++i) {
            const int64_t size = tensor.sizes[i];
            int64_t reach = 0;
            if (__builtin_mul_overflow(bound, size > 0 ? size : 1, &bound)
                || (size > 0
                    && (__builtin_mul_overflow(size - 1, tensor.strides[i], &reach)
                        || __builtin_add_overflow(last, reach, &last)))) {
                return fail("tensor shape is too large");
            }
            numel *= size;
        }
        const StorageRef &storage = m_out->storages[tensor.storage];
        if (numel > 0 ? last >= storage.numel : tensor.offset > storage.numel) {
            return fail("tensor view reaches element " + std::to_string(last) + " of storage " + storage.key
                        + ", which holds " + std::to_string(storage.numel));
        }
        if (m_out->tensors.size() >= kMaxValues) {
            return fail("too many tensors");
        }
        Value v;
        v.kind = Kind::Tensor;
        v.integer = static_cast<int64_t>(m_out->tensors.size());
        m_out->tensors.push_back(std::move(tensor));
        return pushNew(std::move(v));
    }

    bool newObject()
    {
        uint32_t args = 0;
        uint32_t cls = 0;
        if (!pop(&args) || !pop(&cls)) {
            return false;
        }
        if (at(cls).kind != Kind::Global || roleOf(cls) != Role::TorchClass) {
            return fail("NEWOBJ creates " + (at(cls).kind == Kind::Global ? at(cls).text : std::string("a value"))
                        + ", which is not a TorchScript class");
        }
        if (at(args).kind != Kind::Tuple || !at(args).items.empty()) {
            return fail("NEWOBJ of " + at(cls).text + " with arguments");
        }
        Value v;
        v.kind = Kind::Object;
        v.text = at(cls).text;
        return pushNew(std::move(v));
    }

    bool build()
    {
        uint32_t state = 0;
        uint32_t object = 0;
        if (!pop(&state) || !top(&object)) {
            return false;
        }
        if (at(object).kind != Kind::Object) {
            return fail(std::string("BUILD on a ") + kindName(at(object).kind));
        }
        if (at(state).kind != Kind::Dict) {
            // A TorchScript class with its own __setstate__ pickles whatever __getstate__ returned; rebuilding it
            // means running that code.
            return fail("object of class " + at(object).text + " has a custom __setstate__ (its state is a "
                        + kindName(at(state).kind) + ", not an attribute dict): refused, it would run archive code");
        }
        if (at(object).built) {
            return fail("object of class " + at(object).text + " is built twice");
        }
        at(object).items = {state};
        at(object).built = true;
        return true;
    }

    bool persistentId()
    {
        uint32_t pid = 0;
        if (!pop(&pid)) {
            return false;
        }
        const std::vector<uint32_t> &p = at(pid).items;
        if (at(pid).kind != Kind::Tuple || p.size() != 5 || at(p[0]).kind != Kind::String || at(p[0]).text != "storage"
            || at(p[1]).kind != Kind::Global || roleOf(p[1]) != Role::Storage || at(p[2]).kind != Kind::String
            || at(p[3]).kind != Kind::String || at(p[4]).kind != Kind::Int) {
            return fail("persistent id is not ('storage', torch.<Type>Storage, key, location, numel)");
        }
        StorageRef storage;
        storage.key = at(p[2]).text;
        storage.typeName = at(p[1]).text.substr(6); // after "torch."
        storageType(storage.typeName, &storage.dtype, &storage.itemSize);
        storage.numel = at(p[4]).integer;
        if (!storageKeyIsSafe(storage.key)) {
            return fail("storage key is not 1-64 letters, digits or '_'");
        }
        if (storage.numel < 0 || storage.numel > std::numeric_limits<int64_t>::max() / storage.itemSize) {
            return fail("storage " + storage.key + " claims " + std::to_string(storage.numel) + " elements");
        }
        if (m_out->storages.size() >= kMaxValues) {
            return fail("too many storages");
        }
        Value v;
        v.kind = Kind::Storage;
        v.integer = static_cast<int64_t>(m_out->storages.size());
        m_out->storages.push_back(std::move(storage));
        return pushNew(std::move(v));
    }

    bool get(uint64_t key)
    {
        const auto it = m_memo.find(static_cast<uint32_t>(key));
        if (it == m_memo.end()) {
            return fail("memo entry " + std::to_string(key) + " is read before it is written");
        }
        return push(it->second);
    }

    bool put(uint64_t key)
    {
        uint32_t index = 0;
        if (!top(&index)) {
            return false;
        }
        if (m_memo.size() >= kMaxMemo && !m_memo.count(static_cast<uint32_t>(key))) {
            return fail("memo larger than " + std::to_string(kMaxMemo) + " entries");
        }
        m_memo[static_cast<uint32_t>(key)] = index;
        return true;
    }

    const unsigned char *m_data;
    size_t m_size;
    size_t m_pos = 0;
    size_t m_opStart = 0;
    PickleData *m_out;
    std::vector<uint32_t> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint32_t, uint32_t> m_memo;
    std::string m_problem;
};

} // namespace

bool storageType(const std::string &name, c10::ScalarType *dtype, int64_t *itemSize)
{
    for (const StorageTypeInfo &type : kStorageTypes) {
        if (name == type.name) {
            *dtype = type.dtype;
            *itemSize = type.itemSize;
            return true;
        }
    }
    return false;
}

bool unpickle(const unsigned char *data, size_t size, PickleData *out, std::string *problem)
{
    *out = PickleData();
    Machine machine(data, size, out);
    try {
        return machine.run(problem);
    } catch (const std::bad_alloc &) {
        *problem = "out of memory while unpickling";
        return false;
    }
}

} // namespace clipfind::clip::pickle
