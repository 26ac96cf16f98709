/* buf.c: a growable byte buffer that every renderer writes into, so that
 * output is produced whole and written once by main.c; and XML escaping
 * into it for the SVG renderers. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

static int
reserve(mk_buf *b, size_t extra)
{
	size_t cap;
	char *p;

	if (b->oom)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->oom = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void
mk_buf_put(mk_buf *b, const char *s, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
mk_buf_printf(mk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
mk_buf_free(mk_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

size_t
mk_utf8_seq(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xC2 && u[0] <= 0xDF)
		n = 2;
	else if (u[0] >= 0xE0 && u[0] <= 0xEF)
		n = 3;
	else if (u[0] >= 0xF0 && u[0] <= 0xF4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((u[i] & 0xC0) != 0x80)
			return 0;
	if ((u[0] == 0xE0 && u[1] < 0xA0) || (u[0] == 0xED && u[1] >= 0xA0) ||
	    (u[0] == 0xF0 && u[1] < 0x90) || (u[0] == 0xF4 && u[1] >= 0x90))
		return 0;	/* overlong, surrogate or beyond U+10FFFF */
	return n;
}

void
mk_buf_xml(mk_buf *b, const char *s)
{
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = mk_utf8_seq(s);
		if (n == 0) {	/* not UTF-8: the replacement character */
			mk_buf_put(b, "\xEF\xBF\xBD", 3);
			s++;
			continue;
		}
		switch (c) {
		case '&': mk_buf_printf(b, "&amp;"); break;
		case '<': mk_buf_printf(b, "&lt;"); break;
		case '>': mk_buf_printf(b, "&gt;"); break;
		case '"': mk_buf_printf(b, "&quot;"); break;
		case '\'': mk_buf_printf(b, "&#39;"); break;
		default:	/* XML 1.0 forbids most control characters */
			mk_buf_put(b, c < 0x20 && c != '\t' ? " " : s, n);
		}
		s += n;
	}
}

size_t
mk_escape(const char *s, char *out, size_t n)
{
	size_t o = 0, bad = 0;

	while (*s && o + 5 < n) {
		unsigned char c = (unsigned char)*s;
		size_t len = mk_utf8_seq(s);
		if (len > 1 || (len == 1 && c >= 0x20 && c != 0x7f)) {
			memcpy(out + o, s, len);	/* printable */
			o += len;
			s += len;
			continue;
		}
		bad++;
		if (c == '\n' || c == '\r' || c == '\t') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else {
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
		}
		s++;
	}
	out[o] = '\0';
	return bad;
}

const char *
mk_label(const char *s, char *tmp, size_t n)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f || c >= 0x80) {
			if (c >= 0x80 && mk_utf8_seq(p) > 1) {
				p += mk_utf8_seq(p) - 1;
				continue;
			}
			mk_escape(s, tmp, n);
			return tmp;
		}
	}
	return s;
}

/* The 15 significant digits of |x| (> 0, finite) as an integer in
 * [1e14, 1e15) and its decimal exponent; long double arithmetic keeps the
 * scaling exact for the exponents metak prints. */
/* a * 10^n with one rounding: 10^|n| is exact in long double for |n| <=
 * 27 (5^27 < 2^63). */
static long double
scale10(long double a, int n)
{
	static const long double p[] = { 1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L,
	    1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L,
	    1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L,
	    1e25L, 1e26L, 1e27L };

	return n >= 0 ? a * p[n] : a / p[-n];
}

static int
digits15(double x, unsigned long long *m, int *e)
{
	long double a = fabsl((long double)x), s;
	int k = (int)floor(log10(fabs(x)));

	if (14 - k > 27 || 14 - k < -26)
		return -1;
	s = scale10(a, 14 - k);
	if (rintl(s) >= 1e15L && 13 - k >= -27) {	/* log10 one short */
		k++;
		s = scale10(a, 14 - k);
	} else if (rintl(s) < 1e14L && 15 - k <= 27) {
		k--;
		s = scale10(a, 14 - k);
	}
	if (rintl(s) >= 1e15L || rintl(s) < 1e14L)
		return -1;
	/* the product carries a rounding error: near a tie, let printf
	 * decide from the exact binary value */
	if (fabsl(s - floorl(s) - 0.5L) < 1e-3L)
		return -1;
	*m = (unsigned long long)rintl(s);
	*e = k;
	return 0;
}

/* x as printf's "%.15g" would write it, faster (no multi-precision
 * arithmetic); the tests compare the two on a million values. */
void
mk_fmt_g15(char *out, double x)
{
	unsigned long long m;
	char d[16];
	int e, nd = 15, n = 0;

	/* the fast path needs a long double of 64 bits or more */
	if (LDBL_MANT_DIG < 64 || !isfinite(x) || x == 0) {
		snprintf(out, 32, "%.15g", x);
		return;
	}
	if (digits15(x, &m, &e) != 0) {
		snprintf(out, 32, "%.15g", x);
		return;
	}
	for (int i = 14; i >= 0; i--, m /= 10)
		d[i] = (char)('0' + m % 10);
	while (nd > 1 && d[nd - 1] == '0')
		nd--;			/* %g drops trailing zeros */
	if (x < 0)
		out[n++] = '-';
	if (e < -4 || e >= 15) {	/* d.ddde+XX */
		out[n++] = d[0];
		if (nd > 1) {
			out[n++] = '.';
			for (int i = 1; i < nd; i++)
				out[n++] = d[i];
		}
		snprintf(out + n, 16, "e%c%02d", e < 0 ? '-' : '+', abs(e));
		return;
	}
	if (e < 0) {			/* 0.000ddd */
		out[n++] = '0';
		out[n++] = '.';
		for (int i = -1; i > e; i--)
			out[n++] = '0';
		for (int i = 0; i < nd; i++)
			out[n++] = d[i];
	} else {			/* ddd.ddd */
		for (int i = 0; i <= e; i++)
			out[n++] = i < nd ? d[i] : '0';
		if (nd > e + 1) {
			out[n++] = '.';
			for (int i = e + 1; i < nd; i++)
				out[n++] = d[i];
		}
	}
	out[n] = '\0';
}

void
mk_buf_g15(mk_buf *b, double x)
{
	char s[40];

	mk_fmt_g15(s, x);
	mk_buf_put(b, s, strlen(s));
}

void
mk_json_str(mk_buf *b, const char *s)
{
	mk_buf_put(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			mk_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			mk_buf_printf(b, "\\u%04x", c);
		else
			mk_buf_put(b, s, 1);
	}
	mk_buf_put(b, "\"", 1);
}

void
mk_json_key(mk_buf *b, const char *key, double x, int comma)
{
	mk_buf_printf(b, "%s\"%s\": ", comma ? ", " : "", key);
	if (!isfinite(x))
		mk_buf_printf(b, "null");
	else
		mk_buf_g15(b, x == 0 ? 0 : x);	/* no "-0" */
}

int
mk_utf8_width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += (*s & 0xC0) != 0x80;
	return n;
}

void
mk_buf_p(mk_buf *b, double p)
{
	if (!isfinite(p))
		mk_buf_printf(b, "p = NA");
	else if (p < 0.0001)
		mk_buf_printf(b, "p < 0.0001");
	else
		mk_buf_printf(b, "p = %.4f", p);
}
