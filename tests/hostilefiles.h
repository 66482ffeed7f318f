// SPDX-License-Identifier: MIT
#pragma once

// Test support for issue 11: decompression bombs made at run time (the committed ones in tests/data/hostile are the
// small kinds; these are too large to commit), and the peak memory of a child process.

#include <QByteArray>
#include <QFile>

#include <zlib.h>

#include "sanitizerbuild.h"

#include <sys/resource.h>

#if defined(CLIPFIND_TEST_TSAN)
#include <atomic>
#include <cstddef>

// From the sanitizers' allocator_interface.h, which GCC 12 does not install (libtsan exports both).
extern "C" {
size_t __sanitizer_get_current_allocated_bytes(void);
int __sanitizer_install_malloc_and_free_hooks(void (*mallocHook)(const volatile void *, size_t),
                                              void (*freeHook)(const volatile void *));
}
#endif

namespace clipfind::test {

inline QByteArray bigEndian32Bytes(quint32 v)
{
    const char bytes[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    return QByteArray(bytes, 4);
}

inline QByteArray pngChunkOf(const QByteArray &type, const QByteArray &payload)
{
    const QByteArray typed = type + payload;
    const quint32 crc = quint32(crc32(0, reinterpret_cast<const Bytef *>(typed.constData()), uInt(typed.size())));
    return bigEndian32Bytes(quint32(payload.size())) + typed + bigEndian32Bytes(crc);
}

/// A zlib stream of `count` zero bytes, made from one compressed MiB repeated: full flushes make the pieces
/// byte-aligned and independent, so a gigabyte stream costs no more to make than a megabyte (as
/// tests/data/hostile/make_hostile_images.py does).
inline QByteArray zlibOfZeros(qint64 count)
{
    const auto deflateZeros = [](qint64 bytes, int flush, bool withHeader) {
        z_stream stream{};
        deflateInit(&stream, 9);
        const QByteArray zeros(int(bytes), '\0');
        QByteArray out(int(deflateBound(&stream, uLong(bytes))) + 64, '\0');
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(zeros.constData()));
        stream.avail_in = uInt(zeros.size());
        stream.next_out = reinterpret_cast<Bytef *>(out.data());
        stream.avail_out = uInt(out.size());
        deflate(&stream, flush);
        out.resize(int(stream.total_out));
        deflateEnd(&stream);
        return withHeader ? out : out.mid(2); // without the 2-byte zlib header
    };
    constexpr qint64 kPiece = 1 << 20;
    const QByteArray first = deflateZeros(kPiece, Z_FULL_FLUSH, true);
    const QByteArray header = first.left(2);
    const QByteArray piece = first.mid(2);
    QByteArray tail = deflateZeros(count % kPiece, Z_FINISH, false);
    tail.chop(4); // its own Adler-32
    // Adler-32 of zeros: a stays 1, b grows by one per byte.
    const quint32 adler = (quint32(count % 65521) << 16) | 1u;
    return header + piece.repeated(int(count / kPiece)) + tail + bigEndian32Bytes(adler);
}

/// A PNG of black pixels: `channels` samples of `bitDepth` bits per pixel, PNG color type `colorType`.
inline QByteArray pngOfZeros(quint32 width, quint32 height, int bitDepth, int colorType, int channels)
{
    const qint64 rowBytes = (qint64(width) * channels * bitDepth + 7) / 8;
    QByteArray ihdr = bigEndian32Bytes(width) + bigEndian32Bytes(height);
    ihdr += char(bitDepth);
    ihdr += char(colorType);
    ihdr += QByteArray(3, '\0');
    return QByteArray("\x89PNG\r\n\x1A\n", 8) + pngChunkOf("IHDR", ihdr)
           + pngChunkOf("IDAT", zlibOfZeros(qint64(height) * (1 + rowBytes))) + pngChunkOf("IEND", {});
}

/// The largest resident set of any waited-for child process so far, in bytes (getrusage's ru_maxrss).
inline qint64 childrenPeakRssBytes()
{
    struct rusage usage {};
    getrusage(RUSAGE_CHILDREN, &usage);
    return qint64(usage.ru_maxrss) * 1024;
}

/// This process's peak resident set (VmHWM), in bytes; resetPeakRss() first makes it the current size.
inline qint64 peakRssBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:")) {
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
        }
    }
    return -1;
}

inline qint64 currentRssBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
        }
    }
    return -1;
}

/// Resets VmHWM to the current resident size (Linux: "5" to /proc/self/clear_refs).
inline bool resetPeakRss()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

#if defined(CLIPFIND_TEST_TSAN)
namespace detail {
// The most heap ThreadSanitizer's allocator held for live blocks, sampled at every allocation (relaxed: the hook
// must not order the threads that allocate).
inline std::atomic<size_t> heapPeak{0};
inline void noteHeapPeak(const volatile void *, size_t)
{
    const size_t now = __sanitizer_get_current_allocated_bytes();
    size_t peak = heapPeak.load(std::memory_order_relaxed);
    while (now > peak && !heapPeak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {}
}
inline void ignoreFree(const volatile void *)
{
}
// Installed before main(), as the runtime asks: before any other thread exists.
inline const bool heapHooked = __sanitizer_install_malloc_and_free_hooks(&noteHeapPeak, &ignoreFree) > 0;
} // namespace detail
#endif

// The memory this process holds, for bounds on what a piece of code may use: the resident set (VmRSS, VmHWM), except
// under ThreadSanitizer, whose shadow memory (two bytes or more for each byte instrumented code touches or allocates)
// makes the resident set say little about the code's own memory. There it is the heap in use as TSan's allocator counts
// it: every live malloc and new of the process (Qt's, OpenCV's and libtorch's too), the peak sampled at each
// allocation. resetPeakMemory() makes the peak the current value.
inline bool resetPeakMemory()
{
#if defined(CLIPFIND_TEST_TSAN)
    detail::heapPeak.store(__sanitizer_get_current_allocated_bytes(), std::memory_order_relaxed);
    return detail::heapHooked;
#else
    return resetPeakRss();
#endif
}

inline qint64 currentMemoryBytes()
{
#if defined(CLIPFIND_TEST_TSAN)
    return qint64(__sanitizer_get_current_allocated_bytes());
#else
    return currentRssBytes();
#endif
}

inline qint64 peakMemoryBytes()
{
#if defined(CLIPFIND_TEST_TSAN)
    return qint64(detail::heapPeak.load(std::memory_order_relaxed));
#else
    return peakRssBytes();
#endif
}

} // namespace clipfind::test
