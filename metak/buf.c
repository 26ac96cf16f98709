/* buf.c: a growable byte buffer that every renderer writes into, so that
 * output is produced whole and written once by main.c; and XML escaping
 * into it for the SVG renderers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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

void
mk_buf_xml(mk_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': mk_buf_printf(b, "&amp;"); break;
		case '<': mk_buf_printf(b, "&lt;"); break;
		case '>': mk_buf_printf(b, "&gt;"); break;
		case '"': mk_buf_printf(b, "&quot;"); break;
		case '\'': mk_buf_printf(b, "&#39;"); break;
		default:	/* XML 1.0 forbids most control characters */
			mk_buf_put(b, c < 0x20 && c != '\t' ? " " : s, 1);
		}
	}
}
