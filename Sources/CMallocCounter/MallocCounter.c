// Counts allocations per thread by interposing the malloc family where this code is linked or preloaded: the
// inference tests link it statically into the test executable; `solarb bench` preloads it as
// libSolArbMallocCounter.so (product SolArbMallocCounter) — the production `solarb` binary does not contain it.
// The dynamic linker resolves malloc to the executable's or the preloaded library's definition first. Each
// wrapper forwards to glibc's exported __libc_* entry points, so no dlsym bootstrap is needed.
#include "CMallocCounter.h"

#if defined(__linux__) && defined(__GLIBC__)
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

// initial-exec: a fixed offset from the thread pointer, so counting never calls __tls_get_addr (which may allocate).
// Valid for an executable and for a library loaded at startup (LD_PRELOAD), the two ways this code is used.
static __thread uint64_t solarb_allocations __attribute__((tls_model("initial-exec")));

uint64_t solarb_thread_allocation_count(void) { return solarb_allocations; }

void *malloc(size_t size) {
    solarb_allocations++;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
    solarb_allocations++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size) {
    solarb_allocations++;
    return __libc_realloc(p, size);
}

void free(void *p) { __libc_free(p); }

void *memalign(size_t alignment, size_t size) {
    solarb_allocations++;
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    solarb_allocations++;
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    solarb_allocations++;
    void *p = __libc_memalign(alignment, size);
    if (p == NULL && size != 0) return ENOMEM;
    *out = p;
    return 0;
}
#else
uint64_t solarb_thread_allocation_count(void) { return UINT64_MAX; }
#endif
