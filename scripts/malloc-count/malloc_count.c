// A malloc counter for benchmarks: LD_PRELOAD this library and read solarb_malloc_count() (found with dlsym)
// before and after the code under test. Every allocation entry point counts once and forwards to glibc.
// Build: cc -O2 -shared -fPIC -o malloc_count.so malloc_count.c   (scripts/bench-engine.sh does it)
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_ulong solarb_count;

unsigned long solarb_malloc_count(void) { return atomic_load_explicit(&solarb_count, memory_order_relaxed); }

static inline void bump(void) { atomic_fetch_add_explicit(&solarb_count, 1, memory_order_relaxed); }

void *malloc(size_t n) { bump(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { bump(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { bump(); return __libc_realloc(p, n); }
void *memalign(size_t align, size_t n) { bump(); return __libc_memalign(align, n); }
void *aligned_alloc(size_t align, size_t n) { bump(); return __libc_memalign(align, n); }
int posix_memalign(void **out, size_t align, size_t n) {
    bump();
    void *p = __libc_memalign(align, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
