/* convert.c: a plot's SVG as the file its name asks for: SVG as drawn (its
 * width and height in mm when a width is given), or PNG or PDF rendered
 * from that same SVG by librsvg onto a cairo surface, so that every format
 * shows the same drawing. The plots themselves are the other files'. Sizes:
 * the SVG's px are CSS px (96 per inch); without a width the plot keeps
 * that physical size, with one it is scaled to it, the height in
 * proportion. A PNG has round(width in inches x dpi) pixels across; a PDF
 * is sized in points (72 per inch), its fonts embedded (cairo embeds the
 * glyphs used) and its creation date fixed, so reruns give the same bytes. */
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <librsvg/rsvg.h>

#include "plot/internal.h"

#define MM_PER_IN 25.4
#define CSS_DPI 96.0
#define MAX_PIXELS 268435456.0	/* 2^28: a 1 GiB image */

static const struct {
	const char *ext;
	mk_plotfmt fmt;
} formats[] = {
	{ "svg", MK_PLOT_SVG }, { "png", MK_PLOT_PNG }, { "pdf", MK_PLOT_PDF },
};

/* Image formats metak does not write: named so that a typo of one is an
 * error, not an SVG under a misleading name. */
static const char *const others[] = {
	"jpg", "jpeg", "gif", "tif", "tiff", "bmp", "webp", "eps", "ps", "emf",
	"wmf", "svgz",
};

int
mk_plot_format(const char *path, mk_plotfmt *fmt)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	*fmt = MK_PLOT_SVG;
	if (dot == NULL || dot[1] == '\0')
		return 0;	/* no extension ("-", /dev/stdout): SVG */
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(dot + 1, formats[i].ext) == 0) {
			*fmt = formats[i].fmt;
			return 0;
		}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (strcasecmp(dot + 1, others[i]) == 0)
			return -1;
	return 0;		/* another name: SVG */
}

/* The number in the root element's attribute name="..." (px). */
static double
root_attr(const mk_buf *svg, const char *name, const char **at,
    const char **end)
{
	char key[32];
	const char *root = svg->data ? strstr(svg->data, "<svg ") : NULL;
	const char *close = root ? strchr(root, '>') : NULL;

	*at = *end = NULL;
	snprintf(key, sizeof(key), " %s=\"", name);
	const char *p = root ? strstr(root, key) : NULL;
	if (p == NULL || p > close)
		return NAN;
	*at = p + strlen(key);
	*end = strchr(*at, '"');
	if (*end == NULL)
		*at = NULL;
	return *end ? atof(*at) : NAN;
}

/* Size in px of the drawing (its root element's width and height). */
static int
svg_size(const mk_buf *svg, double *w, double *h)
{
	const char *a, *e;

	*w = root_attr(svg, "width", &a, &e);
	*h = root_attr(svg, "height", &a, &e);
	return isfinite(*w) && isfinite(*h) && *w > 0 && *h > 0 ? 0 : -1;
}

/* The SVG with its root's width and height given in mm. */
static int
svg_in_mm(const mk_buf *svg, double wmm, double hmm, mk_buf *out)
{
	const char *wa, *we, *ha, *he;

	if (!isfinite(root_attr(svg, "width", &wa, &we)) ||
	    !isfinite(root_attr(svg, "height", &ha, &he)) || ha < we)
		return -1;	/* (width comes first, as the plots write it) */
	mk_buf_put(out, svg->data, (size_t)(wa - svg->data));
	mk_buf_printf(out, "%.2fmm", wmm);
	mk_buf_put(out, we, (size_t)(ha - we));
	mk_buf_printf(out, "%.2fmm", hmm);
	mk_buf_put(out, he, svg->len - (size_t)(he - svg->data));
	return out->oom ? -1 : 0;
}

/* librsvg and cairo are loaded when the first PNG or PDF is made, not
 * linked: with glib, pango, fontconfig and freetype they are some 45 shared
 * libraries, whose loading took three times as long as a whole BCG
 * meta-analysis and doubled every run's time under valgrind. Each function
 * is looked up in librsvg's soname (Debian's librsvg2-2, which links
 * cairo); the headers give their types. */
#define RSVG_SONAME "librsvg-2.so.2"

#define RSVG_FUNCS(X) \
	X(cairo_create) X(cairo_destroy) X(cairo_image_surface_create) \
	X(cairo_pdf_surface_create_for_stream) \
	X(cairo_pdf_surface_set_metadata) X(cairo_status) \
	X(cairo_status_to_string) X(cairo_surface_destroy) \
	X(cairo_surface_finish) X(cairo_surface_flush) \
	X(cairo_surface_get_type) X(cairo_surface_status) \
	X(cairo_surface_write_to_png_stream) X(g_error_free) \
	X(g_object_unref) X(rsvg_handle_new_from_data) \
	X(rsvg_handle_render_document)
/* a declarator and a member name cannot be parenthesised: */
/* NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define RSVG_FIELD(f) __typeof__(&f) f;
/* NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define RSVG_ENTRY(f) { #f, (void **)&R.f },

static struct {
	RSVG_FUNCS(RSVG_FIELD)
} R;
static const char *R_error;	/* NULL: loaded */
static pthread_once_t R_once = PTHREAD_ONCE_INIT;

static void
load_rsvg(void)
{
	static const struct {
		const char *name;
		void **fn;
	} sym[] = { RSVG_FUNCS(RSVG_ENTRY) };
	void *lib = dlopen(RSVG_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (lib == NULL) {
		R_error = "librsvg (" RSVG_SONAME ") could not be loaded";
		return;
	}
	for (size_t i = 0; i < sizeof(sym) / sizeof(sym[0]); i++)
		if ((*sym[i].fn = dlsym(lib, sym[i].name)) == NULL) {
			R_error = "librsvg or cairo lacks a function metak uses";
			return;
		}
	/* lib stays loaded: its functions are used until exit */
}

static cairo_status_t
to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	mk_buf *b = closure;

	mk_buf_put(b, (const char *)data, len);
	return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Renders the parsed SVG onto surface s at w x h (its units), then
 * finishes s (a PDF's pages are then written; an image is only flushed,
 * to be written as PNG); 0, or -1 with err. */
static int
draw(RsvgHandle *h, cairo_surface_t *s, double w, double ht, mk_err *err)
{
	cairo_t *cr = R.cairo_create(s);
	RsvgRectangle vp = { 0, 0, w, ht };
	GError *ge = NULL;
	int rc = 0;

	if (!R.rsvg_handle_render_document(h, cr, &vp, &ge)) {
		mk_err_set(err, "", 0, "", "the plot could not be rendered: %s",
		    ge ? ge->message : "librsvg failed");
		rc = -1;
	}
	if (ge != NULL)
		R.g_error_free(ge);
	if (rc == 0 && R.cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		mk_err_set(err, "", 0, "", "the plot could not be rendered: %s",
		    R.cairo_status_to_string(R.cairo_status(cr)));
		rc = -1;
	}
	R.cairo_destroy(cr);
	if (R.cairo_surface_get_type(s) == CAIRO_SURFACE_TYPE_IMAGE)
		R.cairo_surface_flush(s);	/* written as PNG after */
	else
		R.cairo_surface_finish(s);
	if (rc == 0 && R.cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		mk_err_set(err, "", 0, "", "the plot could not be written: %s",
		    R.cairo_status_to_string(R.cairo_surface_status(s)));
		rc = -1;
	}
	return rc;
}

int
mk_plot_convert(const mk_buf *svg, mk_plotfmt fmt, double width_mm,
    double dpi, mk_buf *out, mk_err *err)
{
	double w, h;

	if (svg->oom) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	if (svg_size(svg, &w, &h) != 0) {
		mk_err_set(err, "", 0, "", "the plot has no size to render at");
		return -1;
	}
	double win = isfinite(width_mm) ? width_mm / MM_PER_IN : w / CSS_DPI;
	double hin = win * h / w;
	if (fmt == MK_PLOT_SVG) {
		if (!isfinite(width_mm)) {	/* as drawn */
			mk_buf_put(out, svg->data, svg->len);
			return out->oom ? (mk_err_set(err, "", 0, "",
			    "out of memory"), -1) : 0;
		}
		if (svg_in_mm(svg, win * MM_PER_IN, hin * MM_PER_IN, out) != 0) {
			mk_err_set(err, "", 0, "", "out of memory");
			return -1;
		}
		return 0;
	}
	double pw = fmt == MK_PLOT_PNG ? round(win * dpi) : win * 72;
	double ph = fmt == MK_PLOT_PNG ? round(pw * h / w) : hin * 72;
	if (fmt == MK_PLOT_PNG && (pw < 1 || ph < 1 || pw * ph > MAX_PIXELS)) {
		mk_err_set(err, "", 0, "", "a PNG of %.0f x %.0f pixels is %s; "
		    "choose another --width or --dpi", pw, ph, pw < 1 ||
		    ph < 1 ? "empty" : "too large (the limit is 2^28 pixels)");
		err->usage = 1;
		return -1;
	}
	if (pthread_once(&R_once, load_rsvg) != 0 || R_error != NULL) {
		mk_err_set(err, "", 0, "", "PNG and PDF cannot be written: %s",
		    R_error ? R_error : "librsvg could not be loaded");
		return -1;
	}
	GError *ge = NULL;
	RsvgHandle *rh = R.rsvg_handle_new_from_data((const guint8 *)svg->data,
	    svg->len, &ge);
	if (rh == NULL) {
		mk_err_set(err, "", 0, "", "the plot could not be rendered: %s",
		    ge ? ge->message : "librsvg could not read it");
		if (ge != NULL)
			R.g_error_free(ge);
		return -1;
	}
	cairo_surface_t *s = fmt == MK_PLOT_PNG ?
	    R.cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)pw, (int)ph) :
	    R.cairo_pdf_surface_create_for_stream(to_buf, out, pw, ph);
	int rc = -1;
	if (R.cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		mk_err_set(err, "", 0, "", "the plot could not be rendered: %s",
		    R.cairo_status_to_string(R.cairo_surface_status(s)));
	} else {
		if (fmt == MK_PLOT_PDF) {	/* the same bytes on each run */
			R.cairo_pdf_surface_set_metadata(s,
			    CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
			R.cairo_pdf_surface_set_metadata(s,
			    CAIRO_PDF_METADATA_CREATOR, "metak");
		}
		rc = draw(rh, s, pw, ph, err);
		if (rc == 0 && fmt == MK_PLOT_PNG &&
		    R.cairo_surface_write_to_png_stream(s, to_buf, out) !=
		    CAIRO_STATUS_SUCCESS) {
			mk_err_set(err, "", 0, "", "the PNG could not be written");
			rc = -1;
		}
		if (rc == 0 && out->oom) {
			mk_err_set(err, "", 0, "", "out of memory");
			rc = -1;
		}
	}
	R.cairo_surface_destroy(s);
	R.g_object_unref(rh);
	return rc;
}
