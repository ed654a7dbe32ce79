#ifndef CMALLOC_COUNTER_H
#define CMALLOC_COUNTER_H
#include <stdint.h>

/// Number of malloc-family allocation calls (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign)
/// made by the calling thread since it started. Works on Linux/glibc, where this target interposes those
/// functions in the executable that links it; returns UINT64_MAX elsewhere (counting unavailable).
uint64_t solarb_thread_allocation_count(void);

#endif
