// SPDX-License-Identifier: MIT
#pragma once

// Internal: an uninitialized, growable array for hundreds of megabytes of rows. Allocated 2 MiB-aligned and advised
// for transparent huge pages, so filling it takes a page fault per 2 MiB instead of per 4 KiB (on the development
// VM the 4 KiB faults alone made loading 100k rows take seconds), and never zero-filled first.

#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace clipfind::clip {

template<typename T>
class LargeBuffer
{
    static_assert(std::is_trivially_copyable_v<T>, "raw memory only");

public:
    static constexpr size_t kAlignment = 2 * 1024 * 1024;

    LargeBuffer() = default;
    ~LargeBuffer() { std::free(m_data); }
    LargeBuffer(const LargeBuffer &) = delete;
    LargeBuffer &operator=(const LargeBuffer &) = delete;

    T *data() { return m_data; }
    const T *data() const { return m_data; }
    size_t capacity() const { return m_capacity; }

    /// Makes room for `elements`, keeping the first `used` elements. New elements are uninitialized.
    void reserve(size_t elements, size_t used)
    {
        if (elements <= m_capacity) {
            return;
        }
        const size_t bytes = (elements * sizeof(T) + kAlignment - 1) / kAlignment * kAlignment;
        void *fresh = std::aligned_alloc(kAlignment, bytes);
        if (!fresh) {
            throw std::bad_alloc();
        }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        madvise(fresh, bytes, MADV_HUGEPAGE); // advice only: without THP it is ignored
#endif
        if (used > 0) {
            std::memcpy(fresh, m_data, used * sizeof(T));
        }
        std::free(m_data);
        m_data = static_cast<T *>(fresh);
        m_capacity = bytes / sizeof(T);
    }

    void release()
    {
        std::free(m_data);
        m_data = nullptr;
        m_capacity = 0;
    }

private:
    T *m_data = nullptr;
    size_t m_capacity = 0;
};

} // namespace clipfind::clip
