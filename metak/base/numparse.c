/* numparse.c: numbers in CSV cells: plain decimals only (no hex, inf or
 * nan), read exactly as strtod would but fast for short decimals; empty
 * cells, NA, N/A, null and #N/A (any case) are missing values. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/internal.h"

/* Clinger's fast path: a decimal with at most 15 significant digits and a
 * power of ten within 1e22 is m * 10^e or m / 10^-e with both operands
 * exact, so one correctly rounded operation gives strtod's answer. Returns
 * 0 when the string is outside that case (the caller uses strtod). */
static int
fast_decimal(const char *s, double *out)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
	    1e19, 1e20, 1e21, 1e22 };
	uint64_t m = 0;
	int neg = 0, digits = 0, e = 0, any = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, any = 1) {
		if (m == 0 && *s == '0')
			continue;	/* leading zeros are not significant */
		if (++digits > 15)
			return 0;
		m = m * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, any = 1) {
			e--;
			if (m == 0 && *s == '0')
				continue;
			if (++digits > 15)
				return 0;
			m = m * 10 + (uint64_t)(*s - '0');
		}
	if (!any || *s != '\0')
		return 0;	/* exponents and the rest: strtod */
	if (e < -22)
		return 0;
	*out = (double)m / p10[-e];
	if (neg)
		*out = -*out;
	return 1;
}

/* The words spreadsheets and R write for a missing value. */
static int
missing_word(const char *s, size_t n)
{
	static const char *const words[] = { "NA", "N/A", "null", "#N/A" };

	if (n == 0)
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
			return 1;
	return 0;
}

const char *
mk_trim(const char *s, size_t *n)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	*n = len;
	return s;
}

int
mk_missing(const char *s)
{
	size_t n;

	s = mk_trim(s, &n);
	return missing_word(s, n);
}

int
mk_where_match(const char *cell, const char *value)
{
	if (mk_missing(value))
		return mk_missing(cell);
	return strcmp(cell, value) == 0;
}

int
mk_parse_num(const char *s, double *out, const char **why)
{
	char buf[128], *end;
	size_t n;

	s = mk_trim(s, &n);
	if (missing_word(s, n))
		return MK_NUM_EMPTY;
	*why = "expected a number";
	if (n >= sizeof(buf))
		return MK_NUM_BAD;
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* strtod also takes hex, inf and nan: allow plain decimals only */
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == ',') {
			*why = "expected a number (decimal comma? read the "
			    "file with --decimal , or write 1.5, not 1,5)";
			return MK_NUM_BAD;
		}
		if (!isdigit((unsigned char)c) && c != '.' && c != '-' &&
		    c != '+' && c != 'e' && c != 'E') {
			if (strchr("nNiI", c) != NULL)
				*why = "expected a finite number";
			return MK_NUM_BAD;
		}
	}
	if (fast_decimal(buf, out))
		return MK_NUM_OK;
	errno = 0;
	*out = strtod(buf, &end);
	if (end == buf || *end != '\0')
		return MK_NUM_BAD;
	if (errno == ERANGE && !isfinite(*out)) {
		*why = "number out of range";
		return MK_NUM_BAD;
	}
	if (errno == ERANGE || (*out != 0 && fabs(*out) < DBL_MIN)) {
		*why = "number too close to 0: it underflows";
		return MK_NUM_BAD;
	}
	if (!isfinite(*out)) {
		*why = "expected a finite number";
		return MK_NUM_BAD;
	}
	return MK_NUM_OK;
}


int
mk_in_range(double x)
{
	double a = fabs(x);

	return a == 0 || (a >= 1e-60 && a <= 1e60);
}
