/*
 * memcpy, memmove, memcmp and bcmp for the x86-64 musl build of static-build (action/build.rs links this file
 * into that target only; every other build uses its C library's).
 *
 * Why: the release binary links musl statically, and musl's x86-64 memcpy copies with `rep movsq` plus one
 * `movsb` per byte that is not a multiple of eight, its backward memmove with `std; rep movsb`, and its memcmp
 * compares one byte at a time. Rust code copies and compares short pieces all the time (names, strings, small
 * structures): over /usr/bin, `inspect` calls memcpy 200 times a file, most of them under 32 bytes, and the
 * three functions took a tenth of its CPU time (BENCHMARKS.md).
 *
 * How: a copy of up to 64 bytes loads everything it copies before it stores anything, in at most four
 * overlapping 16-byte pieces (two 8-, 4- or 2-byte pieces below 16 bytes), so it is right whichever way the
 * two areas overlap. A longer one goes 32 bytes, then 16, at a time in the direction that overlap allows,
 * with the 16-byte piece at the far end loaded first and stored last. memcmp compares eight bytes at a time
 * and finds the first byte that differs by byte-swapping the two words (x86-64 is little-endian).
 *
 * Only SSE2 (the x86-64 baseline) through GCC's vector extension: no instruction a CPU could lack. Compiled
 * with -ffreestanding and -fno-tree-loop-distribute-patterns (build.rs), so that the compiler does not turn
 * these loops back into calls to the functions they define.
 *
 * The exhaustive test is action/tests/mem_test.c (run by action/tests/it/mem.rs): every length up to 600 at
 * every alignment, both overlaps, against byte-by-byte references.
 */
#include <stddef.h>
#include <stdint.h>

typedef unsigned char v16 __attribute__((vector_size(16), aligned(1), may_alias));
typedef uint64_t u64 __attribute__((aligned(1), may_alias));
typedef uint32_t u32 __attribute__((aligned(1), may_alias));
typedef uint16_t u16 __attribute__((aligned(1), may_alias));

static inline __attribute__((always_inline)) void copy(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n <= 16) {
		if (n >= 8) {
			uint64_t a = *(const u64 *)s, b = *(const u64 *)(s + n - 8);
			*(u64 *)d = a;
			*(u64 *)(d + n - 8) = b;
		} else if (n >= 4) {
			uint32_t a = *(const u32 *)s, b = *(const u32 *)(s + n - 4);
			*(u32 *)d = a;
			*(u32 *)(d + n - 4) = b;
		} else if (n >= 2) {
			uint16_t a = *(const u16 *)s, b = *(const u16 *)(s + n - 2);
			*(u16 *)d = a;
			*(u16 *)(d + n - 2) = b;
		} else if (n == 1) {
			*d = *s;
		}
		return;
	}
	if (n <= 32) {
		v16 a = *(const v16 *)s, b = *(const v16 *)(s + n - 16);
		*(v16 *)d = a;
		*(v16 *)(d + n - 16) = b;
		return;
	}
	if (n <= 64) {
		v16 a = *(const v16 *)s, b = *(const v16 *)(s + 16);
		v16 c = *(const v16 *)(s + n - 32), e = *(const v16 *)(s + n - 16);
		*(v16 *)d = a;
		*(v16 *)(d + 16) = b;
		*(v16 *)(d + n - 32) = c;
		*(v16 *)(d + n - 16) = e;
		return;
	}
	if ((uintptr_t)d - (uintptr_t)s >= n) {
		/* d is below s, or at or past the end of s: forward. A store at d + i can only overwrite source
		 * bytes below s + i + 16, which are loaded already; the last piece was loaded before any store. */
		v16 last = *(const v16 *)(s + n - 16);
		size_t i = 0;
		for (; i + 32 <= n - 16; i += 32) {
			v16 a = *(const v16 *)(s + i), b = *(const v16 *)(s + i + 16);
			*(v16 *)(d + i) = a;
			*(v16 *)(d + i + 16) = b;
		}
		for (; i < n - 16; i += 16)
			*(v16 *)(d + i) = *(const v16 *)(s + i);
		*(v16 *)(d + n - 16) = last;
	} else {
		/* d lies inside s, above it: backward, the mirror image. */
		v16 first = *(const v16 *)s;
		size_t i = n;
		for (; i >= 48; i -= 32) {
			v16 a = *(const v16 *)(s + i - 16), b = *(const v16 *)(s + i - 32);
			*(v16 *)(d + i - 16) = a;
			*(v16 *)(d + i - 32) = b;
		}
		for (; i > 16; i -= 16)
			*(v16 *)(d + i - 16) = *(const v16 *)(s + i - 16);
		*(v16 *)d = first;
	}
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	copy(d, s, n);
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	copy(d, s, n);
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *l = a, *r = b;
	for (; n >= 8; n -= 8, l += 8, r += 8) {
		uint64_t x = *(const u64 *)l, y = *(const u64 *)r;
		if (x != y) {
			x = __builtin_bswap64(x);
			y = __builtin_bswap64(y);
			return x < y ? -1 : 1;
		}
	}
	for (; n; n--, l++, r++)
		if (*l != *r)
			return *l < *r ? -1 : 1;
	return 0;
}

int bcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}
