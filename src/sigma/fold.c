/*
 * fold.c -- Unicode simple case folding of UTF-8 text (see fold.h).
 */
#include <stdbool.h>
#include <string.h>

#include "../ev_util.h"
#include "fold.h"
#include "casefold_tab.h"

uint32_t
sigma_fold_cp(uint32_t c)
{
	size_t lo = 0, hi = sizeof(casefold_tab) / sizeof(casefold_tab[0]);

	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (casefold_tab[mid][0] == c)
			return casefold_tab[mid][1];
		if (casefold_tab[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return c;
}

size_t
sigma_utf8_dec(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; c &= 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; c &= 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; c &= 0x07; min = 0x10000;
	} else {
		*cp = s[0];
		return 1;
	}
	if (len < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = s[0];
	return 1;
}

/* ASCII upper case to lower case in 8 bytes none of which is >= 0x80. */
static inline uint64_t
lower8(uint64_t w)
{
	uint64_t ge_a = w + 0x3f3f3f3f3f3f3f3full;	/* >= 'A': bit 7 */
	uint64_t gt_z = w + 0x2525252525252525ull;	/* > 'Z': bit 7 */

	return w | ((ge_a & ~gt_z & 0x8080808080808080ull) >> 2);
}

size_t
sigma_fold(const char *s, size_t len, char *out)
{
	bool ascii;

	return sigma_fold_ascii(s, len, out, &ascii);
}

size_t
sigma_fold_ascii(const char *s, size_t len, char *out, bool *ascii)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	*ascii = true;
	while (i < len) {
		uint32_t c, f;
		size_t n;

		if (len - i >= 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ull) == 0) {
				w = lower8(w);
				memcpy(out + o, &w, 8);
				i += 8;
				o += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			unsigned char b = p[i++];

			out[o++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
			continue;
		}
		*ascii = false;
		n = sigma_utf8_dec(p + i, len - i, &c);
		if (n == 1) {		/* invalid byte: as is */
			out[o++] = (char)p[i++];
			continue;
		}
		f = sigma_fold_cp(c);
		if (f == c)
			memcpy(out + o, p + i, n), o += n;
		else
			o += ev_utf8_put(f, out + o);
		i += n;
	}
	return o;
}
