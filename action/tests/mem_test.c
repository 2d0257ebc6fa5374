/*
 * The exhaustive test of action/c/mem.c, compiled with it by action/tests/it/mem.rs. The file's functions are
 * renamed here (-Dmemcpy=t_memcpy and so on) so that they are called, not the C library's or the compiler's,
 * and compared with byte-by-byte references:
 *   - memcpy: every length 0..600 and some longer ones, at every source and destination alignment 0..31;
 *     the bytes around the destination are checked to be untouched;
 *   - memmove: every length 0..300 at every distance -(n+1)..n+1 between the two areas (both overlaps),
 *     from four alignments; longer lengths at the distances where a piece boundary falls;
 *   - memcmp and bcmp: every length 0..96 and some longer ones, a difference at every position (or none),
 *     in both directions, with bytes on both sides of 0x80 (the comparison is unsigned), at alignments 0..15.
 * Prints the number of cases and exits 0, or prints the first failure and exits 1.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *t_memcpy(void *restrict d, const void *restrict s, size_t n);
void *t_memmove(void *d, const void *s, size_t n);
int t_memcmp(const void *a, const void *b, size_t n);
int t_bcmp(const void *a, const void *b, size_t n);

#define GUARD 64
#define MAX 70000

static unsigned char src[MAX + 2 * GUARD], dst[MAX + 2 * GUARD], want[MAX + 2 * GUARD];
/* memmove's areas: n + 1 bytes of room below the source and above the destination, guards on both ends. */
static unsigned char buf[3 * MAX + 4 * GUARD], ref[3 * MAX + 4 * GUARD];
static unsigned long cases;
static uint32_t seed = 2463534242u;

static unsigned char next(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return (unsigned char)seed;
}

static void fill(volatile unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = next();
}

static void fail(const char *what, size_t n, long a, long b)
{
	printf("FAIL %s: n=%zu %ld %ld\n", what, n, a, b);
	exit(1);
}

static void same(const volatile unsigned char *a, const volatile unsigned char *b, size_t len, const char *what,
		 size_t n, long x, long y)
{
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			fail(what, n, x, y);
}

static void check_memcpy(size_t n, size_t sa, size_t da)
{
	fill(src, n + 2 * GUARD);
	fill(dst, n + 2 * GUARD);
	volatile unsigned char *w = want;
	for (size_t i = 0; i < n + 2 * GUARD; i++)
		w[i] = dst[i];
	for (size_t i = 0; i < n; i++)
		w[GUARD + da + i] = src[GUARD + sa + i];
	if (t_memcpy(dst + GUARD + da, src + GUARD + sa, n) != dst + GUARD + da)
		fail("memcpy return", n, (long)sa, (long)da);
	same(dst, want, n + 2 * GUARD, "memcpy", n, (long)sa, (long)da);
	cases++;
}

static void check_memmove(size_t n, long delta, size_t base)
{
	size_t len = 3 * n + 4 * GUARD;
	size_t s = GUARD + n + 2 + base;
	size_t d = (size_t)((long)s + delta);
	fill(buf, len);
	volatile unsigned char *r = ref;
	for (size_t i = 0; i < len; i++)
		r[i] = buf[i];
	/* The reference copies through a scratch area: right for any overlap. */
	static unsigned char tmp[MAX];
	volatile unsigned char *t = tmp;
	for (size_t i = 0; i < n; i++)
		t[i] = r[s + i];
	for (size_t i = 0; i < n; i++)
		r[d + i] = t[i];
	if (t_memmove(buf + d, buf + s, n) != buf + d)
		fail("memmove return", n, delta, (long)base);
	same(buf, ref, len, "memmove", n, delta, (long)base);
	cases++;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void check_memcmp(size_t n, size_t at, unsigned char x, unsigned char y, size_t la, size_t ra)
{
	unsigned char *l = src + GUARD + la, *r = dst + GUARD + ra;
	fill(l, n);
	volatile unsigned char *rv = r;
	for (size_t i = 0; i < n; i++)
		rv[i] = l[i];
	int expect = 0;
	if (at < n) {
		l[at] = x;
		r[at] = y;
		expect = x < y ? -1 : x > y;
	}
	/* Bytes after the end may differ: they must not count. */
	l[n] = 1;
	r[n] = 2;
	if (sign(t_memcmp(l, r, n)) != expect)
		fail("memcmp", n, (long)at, (long)x * 256 + y);
	if ((t_bcmp(l, r, n) != 0) != (expect != 0))
		fail("bcmp", n, (long)at, (long)x * 256 + y);
	cases++;
}

int main(void)
{
	static const size_t longer[] = {700, 1000, 1023, 1024, 1025, 4095, 4096, 4097, 65536 + 3, MAX};
	for (size_t n = 0; n <= 600; n++)
		for (size_t sa = 0; sa < 32; sa++)
			for (size_t da = 0; da < 32; da++)
				check_memcpy(n, sa, da);
	for (size_t k = 0; k < sizeof longer / sizeof *longer; k++)
		for (size_t a = 0; a < 16; a++)
			check_memcpy(longer[k], a, 15 - a);

	static const size_t bases[] = {0, 1, 7, 13};
	for (size_t n = 0; n <= 300; n++)
		for (long delta = -(long)n - 1; delta <= (long)n + 1; delta++)
			for (size_t b = 0; b < 4; b++)
				check_memmove(n, delta, bases[b]);
	static const long deltas[] = {1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65};
	for (size_t k = 0; k < sizeof longer / sizeof *longer; k++) {
		long n = (long)longer[k];
		for (size_t i = 0; i < sizeof deltas / sizeof *deltas; i++)
			for (int s = -1; s <= 1; s += 2) {
				check_memmove((size_t)n, s * deltas[i], 3);
				check_memmove((size_t)n, s * (n - deltas[i]), 5);
				check_memmove((size_t)n, s * (n / 2), 0);
			}
	}

	static const unsigned char pairs[][2] = {{0, 1}, {0x7f, 0x80}, {0x01, 0xff}, {0x80, 0xff}, {0xfe, 0xff}};
	static const size_t cmp_longer[] = {127, 128, 129, 255, 256, 1000};
	for (size_t n = 0; n <= 96 + sizeof cmp_longer / sizeof *cmp_longer; n++) {
		size_t len = n <= 96 ? n : cmp_longer[n - 97];
		for (size_t at = 0; at <= len; at++)
			for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++)
				for (size_t a = 0; a < 16; a += (len > 96 ? 5 : 1)) {
					check_memcmp(len, at, pairs[p][0], pairs[p][1], a, (a * 7) % 16);
					check_memcmp(len, at, pairs[p][1], pairs[p][0], (a * 7) % 16, a);
				}
	}
	printf("ok: %lu cases\n", cases);
	return 0;
}
