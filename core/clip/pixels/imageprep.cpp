// SPDX-License-Identifier: MIT
#include "core/clip/pixels/imageprep.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Hot loops the compiler vectorizes get an AVX2 clone chosen at load time (GNU ifunc), so a portable
// x86-64 build still runs them at full speed. Results are identical: integer arithmetic only.
#if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && defined(__GNUC__)                               \
    && !defined(__SANITIZE_THREAD__)
#define CLIPFIND_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLIPFIND_VECTOR_CLONES
#endif

namespace clipfind::clip {
namespace {

constexpr int kPrecisionBits = 22; // Pillow's PRECISION_BITS (32 - 8 - 2)
constexpr int32_t kRoundHalf = 1 << (kPrecisionBits - 1);
// The exact sums need 31-bit products (8-bit pixel x 23-bit signed weight). Splitting each weight into
// a high part (weight >> 11) and a low part (weight & 2047), both int16, lets the dot products run on
// 16-bit multiply-add instructions (SSE2 pmaddwd) and still add up to exactly Pillow's sum.
constexpr int kSplitBits = 11;
constexpr int kSplitMask = (1 << kSplitBits) - 1;
constexpr int kTapBlock = 8;    // taps are padded to a multiple of this so the inner loops vectorize cleanly
constexpr int kChunkTaps = 256; // 255 * 32767 * 256 < 2^31: int32 partial sums of int16 weight halves cannot overflow

// The filter weights must come from exactly the double operations Pillow performs: a fused multiply-add
// (the default with -mfma/-march=native or on ARM) rounds differently and can move a 22-bit weight by one.
// Scoped to the weight computation; the hot loops below are integer-only.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

// Pillow's bicubic_filter (a = -0.5), same operation order.
double bicubicFilter(double x)
{
    constexpr double a = -0.5;
    if (x < 0.0) {
        x = -x;
    }
    if (x < 1.0) {
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
        return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
}

// Fixed-point filter of one axis, for the outputs [outFirst, outFirst + outCount) of an inSize -> outSize
// resize. Each output only depends on its own filter, so a window of the resize is exact.
struct AxisFilter {
    int taps = 0;                 // per-output stride of `weights`, a multiple of kTapBlock
    std::vector<int> first;       // first source index (Pillow's xmin)
    std::vector<int> count;       // source samples used (Pillow's xmax after `xmax -= xmin`)
    std::vector<int32_t> weights; // outCount x taps, Pillow's rounded 22-bit weights, zero padded
};

// Pillow 9.4 precompute_coeffs() + normalize_coeffs_8bpc(), computed once per axis.
AxisFilter computeAxisFilter(int inSize, int outSize, int outFirst, int outCount)
{
    // Pillow gets the source extent from a float box: (double)(in1 - in0) with in0 = 0.f, in1 = (float)inSize.
    const double scale = double(float(inSize)) / outSize;
    const double filterScale = std::max(scale, 1.0);
    const double support = 2.0 * filterScale;
    const int ksize = int(std::ceil(support)) * 2 + 1;
    const double ss = 1.0 / filterScale; // Pillow multiplies by the reciprocal; dividing may differ in the last bit

    AxisFilter filter;
    filter.taps = (ksize + kTapBlock - 1) / kTapBlock * kTapBlock;
    filter.first.resize(size_t(outCount));
    filter.count.resize(size_t(outCount));
    filter.weights.assign(size_t(outCount) * size_t(filter.taps), 0);
    std::vector<double> k(static_cast<size_t>(ksize));
    for (int i = 0; i < outCount; ++i) {
        const int xx = outFirst + i;
        const double center = (xx + 0.5) * scale;
        const int xmin = std::max(0, int(center - support + 0.5));
        const int xmax = std::min(inSize, int(center + support + 0.5)) - xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; ++x) {
            const double w = bicubicFilter((x + xmin - center + 0.5) * ss);
            k[size_t(x)] = w;
            ww += w;
        }
        int32_t *out = &filter.weights[size_t(i) * size_t(filter.taps)];
        for (int x = 0; x < xmax; ++x) {
            const double w = ww != 0.0 ? k[size_t(x)] / ww : k[size_t(x)];
            out[x] = w < 0 ? int32_t(-0.5 + w * (1 << kPrecisionBits)) : int32_t(0.5 + w * (1 << kPrecisionBits));
        }
        filter.first[size_t(i)] = xmin;
        filter.count[size_t(i)] = std::max(0, xmax);
    }
    return filter;
}

#if !defined(__clang__) && defined(__GNUC__)
#pragma GCC pop_options
#endif

// Pillow's clip8 on an accumulator that already holds the rounding half.
inline uint8_t clip8(int64_t acc)
{
    const int64_t v = acc >> kPrecisionBits;
    return uint8_t(v < 0 ? 0 : (v > 255 ? 255 : v));
}

// RGB bytes -> three int16 planes. Memory bound with byte shuffles (SSSE3/AVX2); about 2.5x slower with
// the baseline x86-64 instruction set, hence the clone.
CLIPFIND_VECTOR_CLONES void splitChannels(const uint8_t *in, int count, int16_t *red, int16_t *green, int16_t *blue)
{
    for (int x = 0; x < count; ++x) {
        red[x] = in[3 * x];
        green[x] = in[3 * x + 1];
        blue[x] = in[3 * x + 2];
    }
}

// sums[c] += sum over t < taps of plane_c[t] * (hi[t] * 2048 + lo[t]); taps is a multiple of kTapBlock.
// Partial sums are int32 per chunk of kChunkTaps taps (more than that only for > 64x downscales).
inline void dotRgb(const int16_t *pr, const int16_t *pg, const int16_t *pb, const int16_t *hi, const int16_t *lo,
                   int taps, int64_t sums[3])
{
    for (int chunk = 0; chunk < taps; chunk += kChunkTaps) {
        const int chunkEnd = std::min(taps, chunk + kChunkTaps);
        int32_t part[6];
#if defined(__SSE2__)
        __m128i acc[6];
        for (__m128i &a : acc) {
            a = _mm_setzero_si128();
        }
        for (int t = chunk; t < chunkEnd; t += kTapBlock) {
            const __m128i kh = _mm_loadu_si128(reinterpret_cast<const __m128i *>(hi + t));
            const __m128i kl = _mm_loadu_si128(reinterpret_cast<const __m128i *>(lo + t));
            const __m128i r = _mm_loadu_si128(reinterpret_cast<const __m128i *>(pr + t));
            const __m128i g = _mm_loadu_si128(reinterpret_cast<const __m128i *>(pg + t));
            const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(pb + t));
            acc[0] = _mm_add_epi32(acc[0], _mm_madd_epi16(r, kh));
            acc[1] = _mm_add_epi32(acc[1], _mm_madd_epi16(r, kl));
            acc[2] = _mm_add_epi32(acc[2], _mm_madd_epi16(g, kh));
            acc[3] = _mm_add_epi32(acc[3], _mm_madd_epi16(g, kl));
            acc[4] = _mm_add_epi32(acc[4], _mm_madd_epi16(b, kh));
            acc[5] = _mm_add_epi32(acc[5], _mm_madd_epi16(b, kl));
        }
        for (int j = 0; j < 6; ++j) {
            __m128i v = _mm_add_epi32(acc[j], _mm_shuffle_epi32(acc[j], _MM_SHUFFLE(1, 0, 3, 2)));
            v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
            part[j] = _mm_cvtsi128_si32(v);
        }
#else
        std::fill(part, part + 6, 0);
        for (int t = chunk; t < chunkEnd; ++t) {
            part[0] += pr[t] * hi[t];
            part[1] += pr[t] * lo[t];
            part[2] += pg[t] * hi[t];
            part[3] += pg[t] * lo[t];
            part[4] += pb[t] * hi[t];
            part[5] += pb[t] * lo[t];
        }
#endif
        for (int c = 0; c < 3; ++c) {
            // A multiplication, not a shift: the high part may be negative, and shifting a negative value left is
            // undefined before C++20 (UBSan, issue 11). The compiler emits the same shift.
            sums[c] += int64_t(part[2 * c]) * (int64_t(1) << kSplitBits) + part[2 * c + 1];
        }
    }
}

// Horizontal pass over source rows [rowFirst, rowFirst + rowCount) into a tightly packed 3-channel image
// of filter.first.size() columns.
void horizontalPass(const RgbView &src, int rowFirst, int rowCount, const AxisFilter &filter, uint8_t *dst)
{
    const int outCount = int(filter.first.size());
    const int taps = filter.taps;
    std::vector<int16_t> hi(filter.weights.size());
    std::vector<int16_t> lo(filter.weights.size());
    for (size_t i = 0; i < filter.weights.size(); ++i) {
        const int32_t w = filter.weights[i];
        hi[i] = int16_t(w >> kSplitBits); // arithmetic shift: floor division, so hi * 2048 + lo == w
        lo[i] = int16_t(w & kSplitMask);
    }

    // Planar int16 copy of the used columns, long enough for the padded taps of the last output
    // (the padding is zero and has zero weight).
    const int colFirst = filter.first[0];
    const int span = filter.first[size_t(outCount) - 1] - colFirst + taps;
    const int used = std::min(span, src.width - colFirst);
    std::vector<int16_t> planes(size_t(span) * 3, 0);
    int16_t *const red = planes.data();
    int16_t *const green = red + span;
    int16_t *const blue = green + span;

    for (int r = 0; r < rowCount; ++r) {
        const uint8_t *in = src.data + int64_t(rowFirst + r) * src.stride + int64_t(colFirst) * 3;
        splitChannels(in, used, red, green, blue);
        uint8_t *out = dst + int64_t(r) * outCount * 3;
        for (int i = 0; i < outCount; ++i) {
            const int offset = filter.first[size_t(i)] - colFirst;
            const int16_t *kh = &hi[size_t(i) * size_t(taps)];
            const int16_t *kl = &lo[size_t(i) * size_t(taps)];
            const int16_t *pr = red + offset;
            const int16_t *pg = green + offset;
            const int16_t *pb = blue + offset;
            int64_t sum[3] = {kRoundHalf, kRoundHalf, kRoundHalf};
            dotRgb(pr, pg, pb, kh, kl, taps, sum);
            out[3 * i] = clip8(sum[0]);
            out[3 * i + 1] = clip8(sum[1]);
            out[3 * i + 2] = clip8(sum[2]);
        }
    }
}

// acc[x] += in[x] * weight: one tap of the vertical pass (vpmulld in the AVX2 clone, emulated with SSE2).
CLIPFIND_VECTOR_CLONES void accumulateRow(int32_t *acc, const uint8_t *in, int count, int32_t weight)
{
    for (int x = 0; x < count; ++x) {
        acc[x] += int32_t(in[x]) * weight;
    }
}

// Vertical pass: each output row is a weighted sum of whole source rows, which vectorizes along the row.
// `src` row 0 corresponds to source row `rowOffset`.
void verticalPass(const RgbView &src, int rowOffset, const AxisFilter &filter, uint8_t *dst)
{
    const int rowBytes = src.width * 3;
    std::vector<int32_t> acc(static_cast<size_t>(rowBytes));
    for (size_t i = 0; i < filter.first.size(); ++i) {
        std::fill(acc.begin(), acc.end(), kRoundHalf);
        const int32_t *k = &filter.weights[i * size_t(filter.taps)];
        for (int y = 0; y < filter.count[i]; ++y) {
            const uint8_t *in = src.data + int64_t(filter.first[i] - rowOffset + y) * src.stride;
            accumulateRow(acc.data(), in, rowBytes, k[y]);
        }
        uint8_t *out = dst + int64_t(i) * rowBytes;
        for (int x = 0; x < rowBytes; ++x) {
            out[x] = clip8(acc[size_t(x)]);
        }
    }
}

// Output pixels [x0, x0 + cw) x [y0, y0 + ch) of Pillow's resize of `src` to outWidth x outHeight:
// horizontal pass first (only if the width changes), uint8 intermediate, then vertical (only if the height
// changes), as ImagingResampleInner does.
RgbImage resizeWindow(const RgbView &src, int outWidth, int outHeight, int x0, int y0, int cw, int ch)
{
    RgbImage result;
    if (!src.data || src.width <= 0 || src.height <= 0 || cw <= 0 || ch <= 0) {
        return result;
    }
    const bool needHorizontal = outWidth != src.width;
    const bool needVertical = outHeight != src.height;

    AxisFilter vertical;
    int rowFirst = y0;
    int rowEnd = y0 + ch;
    if (needVertical) {
        vertical = computeAxisFilter(src.height, outHeight, y0, ch);
        rowFirst = vertical.first.front();
        rowEnd = vertical.first.back() + vertical.count.back();
    }

    // The image the vertical pass reads: the horizontal pass output, or a window of the source.
    std::vector<uint8_t> temp;
    RgbView mid;
    if (needHorizontal) {
        const AxisFilter horizontal = computeAxisFilter(src.width, outWidth, x0, cw);
        temp.resize(size_t(cw) * 3 * size_t(rowEnd - rowFirst));
        horizontalPass(src, rowFirst, rowEnd - rowFirst, horizontal, temp.data());
        mid = {temp.data(), cw, rowEnd - rowFirst, int64_t(cw) * 3};
    } else {
        mid = {src.data + int64_t(rowFirst) * src.stride + int64_t(x0) * 3, cw, rowEnd - rowFirst, src.stride};
    }

    result.width = cw;
    result.height = ch;
    if (needVertical) {
        result.pixels.resize(size_t(cw) * size_t(ch) * 3);
        verticalPass(mid, rowFirst, vertical, result.pixels.data());
    } else if (needHorizontal && rowFirst == y0) {
        result.pixels = std::move(temp);
    } else {
        result.pixels.resize(size_t(cw) * size_t(ch) * 3);
        for (int y = 0; y < ch; ++y) {
            std::memcpy(&result.pixels[size_t(y) * size_t(cw) * 3], mid.data + int64_t(y) * mid.stride, size_t(cw) * 3);
        }
    }
    return result;
}

} // namespace

RgbImage resizeBicubicPillow(const RgbView &source, int outWidth, int outHeight)
{
    return resizeWindow(source, outWidth, outHeight, 0, 0, outWidth, outHeight);
}

void clipResizeTarget(int width, int height, int size, int *outWidth, int *outHeight)
{
    // torchvision Resize(int): the short side becomes `size`, the long side int(size * long / short)
    // (exact integer product, double division, truncation). Clamped to int for absurd aspect ratios.
    const auto longSide = [size](int longer, int shorter) {
        const double v = double(int64_t(size) * longer) / shorter;
        return v >= double(std::numeric_limits<int>::max()) ? std::numeric_limits<int>::max() : int(v);
    };
    if (width <= 0 || height <= 0) {
        *outWidth = 0;
        *outHeight = 0;
    } else if (width <= height) {
        *outWidth = size;
        *outHeight = longSide(height, width);
    } else {
        *outWidth = longSide(width, height);
        *outHeight = size;
    }
}

RgbImage clipCenterCrop(const RgbView &source, int size)
{
    if (!source.data || source.width <= 0 || source.height <= 0 || size <= 0) {
        return {};
    }
    int resizedWidth = 0;
    int resizedHeight = 0;
    clipResizeTarget(source.width, source.height, size, &resizedWidth, &resizedHeight);
    // torchvision CenterCrop: int(round((h - size) / 2.0)) with Python's round half to even, which is
    // nearbyint under the default rounding mode (std::round would round half away from zero).
    const int top = int(std::nearbyint((double(resizedHeight) - size) / 2.0));
    const int left = int(std::nearbyint((double(resizedWidth) - size) / 2.0));
    // Only the cropped window is resampled: same pixels, less work (and no giant intermediate for panoramas).
    return resizeWindow(source, resizedWidth, resizedHeight, left, top, size, size);
}

void normalizeForClip(const RgbImage &crop, std::vector<float> &out)
{
    if (crop.width <= 0 || crop.width != crop.height) {
        return;
    }
    const int size = crop.width;
    // x / 255 then (x - mean) / std in float32, as ToTensor + Normalize; tabulated per channel and byte value.
    float table[3][256];
    for (int c = 0; c < 3; ++c) {
        for (int v = 0; v < 256; ++v) {
            table[c][v] = (float(v) / 255.0f - kClipMean[c]) / kClipStd[c];
        }
    }
    const size_t plane = size_t(size) * size_t(size);
    const size_t base = out.size();
    out.resize(base + 3 * plane);
    float *dst = out.data() + base;
    for (size_t i = 0; i < plane; ++i) {
        dst[i] = table[0][crop.pixels[3 * i]];
        dst[plane + i] = table[1][crop.pixels[3 * i + 1]];
        dst[2 * plane + i] = table[2][crop.pixels[3 * i + 2]];
    }
}

void preprocessForClip(const RgbView &source, int size, std::vector<float> &out)
{
    normalizeForClip(clipCenterCrop(source, size), out);
}

} // namespace clipfind::clip
