/*
 * crc32.c -- CRC-32 (IEEE) at memory speed: PCLMULQDQ folding on x86-64
 * CPUs that have it (checked at run time), slice-by-8 tables elsewhere.
 *
 * The folding follows Intel's white paper "Fast CRC Computation for Generic
 * Polynomials Using PCLMULQDQ" (4 x 128-bit lanes, then fold to 128, to
 * 64, Barrett reduction to 32 bits); constants are those of the reflected
 * polynomial 0x1db710641.
 */
#include <stdbool.h>
#include <string.h>

#include "crc32.h"

static uint32_t crc_tab[8][256];
static bool crc_ready;

static void
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^
			    crc_tab[0][crc_tab[t - 1][i] & 0xff];
	__atomic_store_n(&crc_ready, true, __ATOMIC_RELEASE);
}

/* crc is the raw (already inverted) register. */
static uint32_t
crc_slice8(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n > 0 && ((uintptr_t)p & 7) != 0) {
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
		n--;
	}
	while (n >= 8) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		a = __builtin_bswap32(a);
		b = __builtin_bswap32(b);
#endif
		a ^= crc;
		crc = crc_tab[7][a & 0xff] ^ crc_tab[6][(a >> 8) & 0xff] ^
		    crc_tab[5][(a >> 16) & 0xff] ^ crc_tab[4][a >> 24] ^
		    crc_tab[3][b & 0xff] ^ crc_tab[2][(b >> 8) & 0xff] ^
		    crc_tab[1][(b >> 16) & 0xff] ^ crc_tab[0][b >> 24];
		p += 8;
		n -= 8;
	}
	while (n-- > 0)
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

uint32_t
evtx_crc32_table(uint32_t crc, const void *p, size_t n)
{
	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc_init();	/* idempotent: concurrent callers write the same */
	return ~crc_slice8(~crc, p, n);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define CLMUL_TARGET __attribute__((target("pclmul,sse4.1")))

/* n >= 64 and a multiple of 16; crc is the raw register. */
CLMUL_TARGET static uint32_t
crc_clmul(uint32_t crc, const uint8_t *buf, size_t len)
{
	const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
	const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
	const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124);
	const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
	__m128i x0, x1, x2, x3, x4, x5, x6, x7, x8;

	x1 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x00));
	x2 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x10));
	x3 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x20));
	x4 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x30));
	x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
	x0 = k1k2;
	buf += 64;
	len -= 64;
	while (len >= 64) {
		x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
		x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
		x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
		x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
		x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
		x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
		x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
		x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
		x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), _mm_loadu_si128(
		    (const __m128i *)(const void *)(buf + 0x00)));
		x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), _mm_loadu_si128(
		    (const __m128i *)(const void *)(buf + 0x10)));
		x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), _mm_loadu_si128(
		    (const __m128i *)(const void *)(buf + 0x20)));
		x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), _mm_loadu_si128(
		    (const __m128i *)(const void *)(buf + 0x30)));
		buf += 64;
		len -= 64;
	}
	/* fold the four lanes into one */
	x0 = k3k4;
	x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
	x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
	x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
	x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
	x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
	x1 = _mm_xor_si128(_mm_xor_si128(x1, x3), x5);
	x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
	x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
	x1 = _mm_xor_si128(_mm_xor_si128(x1, x4), x5);
	while (len >= 16) {
		x2 = _mm_loadu_si128((const __m128i *)(const void *)buf);
		x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
		x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
		x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
		buf += 16;
		len -= 16;
	}
	/* 128 -> 64 bits */
	x2 = _mm_clmulepi64_si128(x1, x0, 0x10);
	x3 = _mm_setr_epi32(~0, 0, ~0, 0);
	x1 = _mm_srli_si128(x1, 8);
	x1 = _mm_xor_si128(x1, x2);
	x0 = k5k0;
	x2 = _mm_srli_si128(x1, 4);
	x1 = _mm_and_si128(x1, x3);
	x1 = _mm_clmulepi64_si128(x1, x0, 0x00);
	x1 = _mm_xor_si128(x1, x2);
	/* Barrett reduction to 32 bits */
	x0 = poly;
	x2 = _mm_and_si128(x1, x3);
	x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
	x2 = _mm_and_si128(x2, x3);
	x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
	x1 = _mm_xor_si128(x1, x2);
	return (uint32_t)_mm_extract_epi32(x1, 1);
}

static int
have_clmul(void)
{
	static int have = -1;

	if (__atomic_load_n(&have, __ATOMIC_RELAXED) == -1) {
		__builtin_cpu_init();
		__atomic_store_n(&have, __builtin_cpu_supports("pclmul") &&
		    __builtin_cpu_supports("sse4.1"), __ATOMIC_RELAXED);
	}
	return have;
}

uint32_t
evtx_crc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t c = ~crc;

	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc_init();
	if (n >= 64 && have_clmul()) {
		size_t m = n & ~(size_t)15;

		c = crc_clmul(c, b, m);
		b += m;
		n -= m;
	}
	return ~crc_slice8(c, b, n);
}
#else
uint32_t
evtx_crc32(uint32_t crc, const void *p, size_t n)
{
	return evtx_crc32_table(crc, p, n);
}
#endif
