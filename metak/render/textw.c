/* textw.c: how wide a line of text is drawn, for the SVG plots' layout:
 * the advance widths of Helvetica (Adobe's AFM, per 1000 em) for ASCII,
 * an em-wide allowance for CJK and other wide code points and 0.65 em for
 * the rest, scaled up to cover the wider fonts a browser may fall back to
 * (DejaVu Sans is about 12% wider than Helvetica); where lines break to
 * fit a width, and a plot's title written wrapped. */
#include <string.h>

#include "render/internal.h"

/* Helvetica, code points 32..126 */
static const unsigned short helv[95] = {
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,
	278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278,
	584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
	500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
	667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556,
	278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
	278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584
};

#define FALLBACK 1.15	/* a wider font than Helvetica */
#define BOLD 1.08	/* Helvetica-Bold over Helvetica, about */

/* The code point at s (valid UTF-8, or one byte); *len its length. */
static unsigned long
code_point(const unsigned char *s, int *len)
{
	unsigned long c = s[0];
	int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ?
	    3 : (c & 0xF8) == 0xF0 ? 4 : 1;

	if (n > 1)
		c &= 0x3F >> (n - 1);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			n = 1;	/* not UTF-8: counted as one byte */
			c = s[0];
			break;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*len = n;
	return c;
}

/* East Asian wide ranges (Hangul, CJK, kana, fullwidth forms), roughly. */
static int
wide(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
	    (c >= 0x20000 && c <= 0x3FFFD);
}

double
mk_text_px(const char *s, double size, int bold)
{
	const unsigned char *p = (const unsigned char *)s;
	double em = 0;	/* thousandths of an em */

	while (*p) {
		int len;
		unsigned long c = code_point(p, &len);
		if (c >= 32 && c <= 126)
			em += helv[c - 32];
		else if (wide(c))
			em += 1000;
		else if (c >= 0x300 && c <= 0x36F)
			em += 0;	/* combining marks */
		else
			em += 650;
		p += len;
	}
	return em / 1000 * size * FALLBACK * (bold ? BOLD : 1);
}

size_t
mk_text_fit(const char *s, double maxw, double size, int bold)
{
	char tmp[1024];
	size_t n = strlen(s), semi = 0, space = 0, cp = 0;

	if (n < sizeof(tmp) && mk_text_px(s, size, bold) <= maxw)
		return n;
	for (size_t i = 1; i <= n && i < sizeof(tmp); i++) {
		if (i < n && (s[i] & 0xC0) == 0x80)
			continue;	/* inside a code point */
		memcpy(tmp, s, i);
		tmp[i] = '\0';
		if (mk_text_px(tmp, size, bold) > maxw)
			break;
		cp = i;
		if (i < n && s[i] == ' ' && s[i - 1] == ';')
			semi = i;
		else if (i < n && s[i] == ' ')
			space = i;
	}
	if (semi)
		return semi;
	if (space)
		return space;
	if (cp)
		return cp;
	size_t one = 1;
	while (one < n && (s[one] & 0xC0) == 0x80)
		one++;
	return one;
}

size_t
mk_svg_title(mk_buf *b, const char *title, double x, double maxw)
{
	const char *p = title;
	size_t nl = 0;
	char line[1024];

	while (*p) {
		size_t n = mk_text_fit(p, maxw, 14, 1);
		size_t len = n < sizeof(line) ? n : sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		while (len > 0 && line[len - 1] == ' ')
			line[--len] = '\0';
		mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" "
		    "font-weight=\"bold\">", x, 24 + 18 * (double)nl);
		mk_buf_xml(b, line);
		mk_buf_printf(b, "</text>\n");
		nl++;
		p += n;
		while (*p == ' ')
			p++;
	}
	return nl;
}

void
mk_svg_begin(mk_buf *b, double w, double h, const char *title, mk_buf *tb)
{
	mk_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\""
	    "Helvetica, Arial, sans-serif\" font-size=\"11\">\n<title>", w, h,
	    w, h);
	mk_buf_xml(b, title);
	mk_buf_printf(b, "</title>\n<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"white\"/>\n");
	mk_buf_put(b, tb->data ? tb->data : "", tb->len);
	if (tb->oom)
		b->oom = 1;
	mk_buf_free(tb);
}
