// SPDX-License-Identifier: MIT
#include "core/clip/formats/npy.h"

#include "core/clip/formats/binaryfile.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <system_error>
#include <utility>

// Format reference: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
// "\x93NUMPY", major, minor, header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0), then an ASCII (3.0: UTF-8)
// Python dict literal padded with spaces and ended by '\n', then the raw data.

namespace clipfind::clip {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

bool hostIsLittleEndian()
{
    const uint16_t probe = 1;
    unsigned char first = 0;
    std::memcpy(&first, &probe, 1);
    return first == 1;
}

// Text from the file in a message: at most 64 bytes, control bytes as \xNN, so an error stays one short line (a key
// holding a newline made a two-line error; found by fuzzing, tests/data/hostile/npy-newline-key.npy).
std::string quoted(const std::string &text)
{
    constexpr size_t kMaxShown = 64;
    std::string out;
    for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7F) {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += char(c);
        }
    }
    return text.size() > kMaxShown ? out + "..." : out;
}

bool failWith(std::string *error, const std::string &path, const std::string &what)
{
    if (error) {
        *error = path + ": " + what;
    }
    return false;
}

/// Just enough of a Python literal parser for the header dict NumPy writes: {'key': value, ...} with string,
/// True/False and tuple-of-int values. Tolerates either quote style and any whitespace, as numpy.load does.
class HeaderParser
{
public:
    explicit HeaderParser(const std::string &text)
        : m_text(text)
    {
    }

    bool parse(std::string *descr, bool *fortranOrder, std::vector<int64_t> *shape, std::string *problem)
    {
        bool haveDescr = false, haveOrder = false, haveShape = false;
        skipSpace();
        if (!eat('{')) {
            return fail(problem, "header is not a Python dict");
        }
        for (;;) {
            skipSpace();
            if (eat('}')) {
                break;
            }
            std::string key;
            if (!readString(&key)) {
                return fail(problem, "header dict has a non-string key");
            }
            skipSpace();
            if (!eat(':')) {
                return fail(problem, "header dict is malformed after key '" + quoted(key) + "'");
            }
            skipSpace();
            if (key == "descr") {
                haveDescr = readString(descr);
                if (!haveDescr) {
                    return fail(problem,
                                "header 'descr' is not a simple dtype string (structured dtypes are unsupported)");
                }
            } else if (key == "fortran_order") {
                if (m_text.compare(m_pos, 4, "True") == 0) {
                    *fortranOrder = true;
                    m_pos += 4;
                } else if (m_text.compare(m_pos, 5, "False") == 0) {
                    *fortranOrder = false;
                    m_pos += 5;
                } else {
                    return fail(problem, "header 'fortran_order' is not True or False");
                }
                haveOrder = true;
            } else if (key == "shape") {
                if (!readShape(shape)) {
                    return fail(problem, "header 'shape' is not a tuple of non-negative integers");
                }
                haveShape = true;
            } else {
                return fail(problem, "header has unexpected key '" + quoted(key) + "'");
            }
            skipSpace();
            if (eat('}')) {
                break;
            }
            if (!eat(',')) {
                return fail(problem, "header dict is malformed");
            }
        }
        skipSpace();
        if (m_pos != m_text.size()) {
            return fail(problem, "header has data after the dict");
        }
        if (!haveDescr || !haveOrder || !haveShape) {
            return fail(problem, "header lacks one of 'descr', 'fortran_order', 'shape'");
        }
        return true;
    }

private:
    static bool fail(std::string *problem, const std::string &what)
    {
        *problem = what;
        return false;
    }
    void skipSpace()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\t')) {
            ++m_pos;
        }
    }
    bool eat(char c)
    {
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    bool readString(std::string *out)
    {
        if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"')) {
            return false;
        }
        const char quote = m_text[m_pos];
        const size_t end = m_text.find(quote, m_pos + 1);
        if (end == std::string::npos) {
            return false;
        }
        *out = m_text.substr(m_pos + 1, end - m_pos - 1);
        m_pos = end + 1;
        return true;
    }
    bool readShape(std::vector<int64_t> *shape)
    {
        shape->clear();
        if (!eat('(')) {
            return false;
        }
        for (;;) {
            skipSpace();
            if (eat(')')) {
                return true;
            }
            int64_t dim = 0;
            bool any = false;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
                if (dim > (std::numeric_limits<int64_t>::max() - 9) / 10) {
                    return false;
                }
                dim = dim * 10 + (m_text[m_pos++] - '0');
                any = true;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == 'L') { // Python 2 longs, as very old NumPy wrote them
                ++m_pos;
            }
            if (!any) {
                return false;
            }
            shape->push_back(dim);
            skipSpace();
            if (eat(')')) {
                return true;
            }
            if (!eat(',')) {
                return false;
            }
        }
    }

    const std::string &m_text;
    size_t m_pos = 0;
};

/// Element count, or -1 when the product does not fit in int64.
int64_t elementCount(const std::vector<int64_t> &shape)
{
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0) {
            return -1;
        }
        if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) {
            return -1;
        }
        n *= d;
    }
    return n;
}

std::string shapeRepr(const std::vector<int64_t> &shape)
{
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) {
            s += ", ";
        }
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) {
        s += ",";
    }
    return s + ")";
}

void byteSwapFloats(float *values, size_t count)
{
    auto *bytes = reinterpret_cast<unsigned char *>(values);
    for (size_t i = 0; i < count; ++i) {
        unsigned char *p = bytes + 4 * i;
        std::swap(p[0], p[3]);
        std::swap(p[1], p[2]);
    }
}

} // namespace

bool readNpy(const std::string &path, NpyArray *out, std::string *error)
{
    std::ifstream in;
    uint64_t fileSize = 0;
    std::string problem;
    if (!openBinaryFile(path, ".npy file", &in, &fileSize, &problem)) {
        return failWith(error, path, problem);
    }

    char prefix[10] = {};
    in.read(prefix, sizeof prefix);
    if (in.gcount() < static_cast<std::streamsize>(kMagicSize) || std::memcmp(prefix, kMagic, kMagicSize) != 0) {
        return failWith(error, path, "not a .npy file (bad magic)");
    }
    if (in.gcount() < 10) {
        return failWith(error, path, "truncated header");
    }
    const auto u8 = [&](int i) { return static_cast<unsigned char>(prefix[i]); };
    const int major = u8(6), minor = u8(7);
    if (major < 1 || major > 3 || minor != 0) {
        return failWith(error, path, "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor));
    }
    uint64_t headerLength = 0;
    uint64_t dataStart = 0;
    if (major == 1) {
        headerLength = u8(8) | (u8(9) << 8);
        dataStart = 10 + headerLength;
    } else {
        char more[2] = {};
        in.read(more, 2);
        if (in.gcount() < 2) {
            return failWith(error, path, "truncated header");
        }
        headerLength = uint64_t(u8(8)) | (uint64_t(u8(9)) << 8) | (uint64_t(static_cast<unsigned char>(more[0])) << 16)
                       | (uint64_t(static_cast<unsigned char>(more[1])) << 24);
        dataStart = 12 + headerLength;
    }
    if (dataStart > fileSize) {
        return failWith(error, path,
                        "truncated header: declares " + std::to_string(headerLength) + " bytes, file has "
                            + std::to_string(fileSize) + " bytes");
    }
    std::string header(headerLength, '\0');
    in.read(header.data(), static_cast<std::streamsize>(headerLength));
    if (in.gcount() != static_cast<std::streamsize>(headerLength)) {
        return failWith(error, path, "truncated header");
    }

    std::string descr;
    problem.clear();
    bool fortranOrder = false;
    std::vector<int64_t> shape;
    if (!HeaderParser(header).parse(&descr, &fortranOrder, &shape, &problem)) {
        return failWith(error, path, problem);
    }
    // '<f4' is what NumPy writes for float32 on any machine; a big-endian '>f4' or float64 would need a
    // conversion that no ClipFind fixture needs, so it is reported rather than silently converted.
    if (descr != "<f4") {
        return failWith(error, path,
                        "unsupported dtype '" + quoted(descr) + "' (only '<f4', little-endian float32, is supported)");
    }
    if (fortranOrder) {
        return failWith(error, path, "Fortran-order arrays are not supported (need C order)");
    }
    const int64_t count = elementCount(shape);
    if (count < 0 || count > std::numeric_limits<int64_t>::max() / 4) {
        return failWith(error, path, "shape " + shapeRepr(shape) + " is too large");
    }
    const uint64_t needed = static_cast<uint64_t>(count) * 4;
    const uint64_t available = fileSize - dataStart;
    if (available < needed) {
        return failWith(error, path,
                        "truncated data: shape " + shapeRepr(shape) + " needs " + std::to_string(needed)
                            + " bytes, only " + std::to_string(available) + " follow the header");
    }
    if (available > needed) {
        return failWith(error, path, std::to_string(available - needed) + " unexpected bytes after the data");
    }

    NpyArray result;
    result.shape = shape;
    result.values.resize(static_cast<size_t>(count));
    in.read(reinterpret_cast<char *>(result.values.data()), static_cast<std::streamsize>(needed));
    if (static_cast<uint64_t>(in.gcount()) != needed) {
        return failWith(error, path, "read error (file changed while reading?)");
    }
    if (!hostIsLittleEndian()) {
        byteSwapFloats(result.values.data(), result.values.size());
    }
    if (out) {
        *out = std::move(result);
    }
    return true;
}

bool writeNpy(const std::string &path, const std::vector<int64_t> &shape, const float *values, std::string *error)
{
    const int64_t count = elementCount(shape);
    if (count < 0) {
        return failWith(error, path, "invalid shape " + shapeRepr(shape));
    }
    if (count > 0 && !values) {
        return failWith(error, path, "no data to write");
    }

    // Byte-identical to numpy 1.24's np.save: keys sorted, a trailing ", " before '}', then spare spaces
    // "so the header can grow in place" (21 minus the digits of the first dimension), then padding so that
    // magic + version + length + header is a multiple of 64 bytes, the last byte being '\n'.
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeRepr(shape) + ", }";
    if (!shape.empty()) {
        header.append(21 - std::min<size_t>(21, std::to_string(shape[0]).size()), ' ');
    }
    const size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');
    if (header.size() > 65535) {
        return failWith(error, path, "shape has too many dimensions for a version 1.0 header");
    }

    std::ofstream outFile(path, std::ios::binary | std::ios::trunc);
    if (!outFile) {
        return failWith(error, path, "cannot open for writing");
    }
    const char prefix[10] = {'\x93',
                             'N',
                             'U',
                             'M',
                             'P',
                             'Y',
                             1,
                             0,
                             static_cast<char>(header.size() & 0xFF),
                             static_cast<char>(header.size() >> 8)};
    outFile.write(prefix, sizeof prefix);
    outFile.write(header.data(), static_cast<std::streamsize>(header.size()));
    if (hostIsLittleEndian()) {
        outFile.write(reinterpret_cast<const char *>(values), static_cast<std::streamsize>(count * 4));
    } else {
        std::vector<float> swapped(values, values + count);
        byteSwapFloats(swapped.data(), swapped.size());
        outFile.write(reinterpret_cast<const char *>(swapped.data()), static_cast<std::streamsize>(count * 4));
    }
    outFile.close();
    if (!outFile) {
        return failWith(error, path, "write failed (disk full?)");
    }
    return true;
}

} // namespace clipfind::clip
