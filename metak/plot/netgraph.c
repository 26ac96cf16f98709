/* netgraph.c: the network graph: the treatments on a circle (byte order,
 * clockwise from the top), node area by participants (by studies when
 * the rows do not give them), an edge per pair compared directly, its
 * width proportional to the number of studies (2 px each, or 8 px for the
 * most). The circle grows until no label
 * overlaps another; the canvas is the drawing's extent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/internal.h"

#define PI 3.14159265358979323846
#define NODE_MAX 18.0	/* radius of the largest node */
#define NODE_MIN 3.0
#define EDGE_MAX 8.0	/* width of the thickest edge */
#define EDGE_ONE 2.0	/* and at most this per study */
#define LABEL_PX 11.0
#define ASCENT 9.0	/* of an 11 px line, about */
#define DESCENT 3.0

struct box {
	double x0, y0, x1, y1;
};

/* Where treatment i goes at circle radius R: node centre, node radius,
 * label anchor point, anchor and the label's box. */
struct place {
	double x, y, r, lx, ly;
	const char *anchor;
	struct box b;
};

static int
overlap(const struct box *a, const struct box *b)
{
	return a->x0 < b->x1 + 2 && b->x0 < a->x1 + 2 && a->y0 < b->y1 + 2 &&
	    b->y0 < a->y1 + 2;
}

static void
place(struct place *p, size_t i, size_t T, double R, double w)
{
	double th = -PI / 2 + 2 * PI * (double)i / (double)T;
	double c = cos(th), s = sin(th), d = R + p->r + 5;

	p->x = R * c;
	p->y = R * s;
	p->lx = d * c;
	p->ly = d * s;
	p->anchor = c > 0.25 ? "start" : c < -0.25 ? "end" : "middle";
	p->b.x0 = c > 0.25 ? p->lx : c < -0.25 ? p->lx - w : p->lx - w / 2;
	p->b.x1 = p->b.x0 + w;
	if (s > 0.25)	/* below the circle: the text hangs under the point */
		p->ly += ASCENT;
	else if (s > -0.25)	/* at the sides: centred on it */
		p->ly += ASCENT / 2 - 1;
	p->b.y0 = p->ly - ASCENT;
	p->b.y1 = p->ly + DESCENT;
}

/* The circle's radius: from the nodes' sizes, then grown until no two
 * labels overlap (and no label a node). */
static double
layout(struct place *pl, const double *w, size_t T)
{
	double R = fmax(60, (double)T * (2 * NODE_MAX + 6) / (2 * PI));

	for (int it = 0; it < 200; it++, R *= 1.1) {
		int ok = 1;
		for (size_t i = 0; i < T; i++)
			place(&pl[i], i, T, R, w[i]);
		for (size_t i = 0; i < T && ok; i++)
			for (size_t j = 0; j < T && ok; j++) {
				struct box nb = { pl[j].x - pl[j].r, pl[j].y - pl[j].r,
				    pl[j].x + pl[j].r, pl[j].y + pl[j].r };
				if (j != i && (overlap(&pl[i].b, &pl[j].b) ||
				    overlap(&pl[i].b, &nb)))
					ok = 0;
			}
		if (ok)
			break;
	}
	return R;
}

void
mk_render_network_graph(mk_buf *b, const mk_network *n,
    const mk_plot_opts *po)
{
	const mk_netdata *d = n->d;
	size_t T = n->T, kmax = 1;
	int part = 1;	/* node area by participants */
	double nmax = 0, *w = calloc(T, sizeof(double));
	struct place *pl = calloc(T, sizeof(struct place));
	char title[512], s[256];
	mk_buf tb = { 0 };
	const char *file = strrchr(d->file, '/') ? strrchr(d->file, '/') + 1 :
	    d->file;

	if (w == NULL || pl == NULL) {
		free(w);
		free(pl);
		b->oom = 1;
		return;
	}
	for (size_t t = 0; t < T; t++) {
		part &= isfinite(n->npart[t]) && n->npart[t] > 0;
		for (size_t u = 0; u < T; u++)
			if (n->direct[t * T + u] > kmax)
				kmax = n->direct[t * T + u];
	}
	for (size_t t = 0; t < T; t++) {
		double size = part ? n->npart[t] : (double)n->nstudies[t];
		nmax = fmax(nmax, size);
	}
	for (size_t t = 0; t < T; t++) {	/* area by size */
		double size = part ? n->npart[t] : (double)n->nstudies[t];
		pl[t].r = fmax(NODE_MIN, NODE_MAX * sqrt(size / nmax));
		w[t] = mk_text_px(d->trt[t], LABEL_PX, 0);
	}
	double R = layout(pl, w, T);
	/* the drawing's extent: nodes and labels, then the notes under it */
	struct box all = { -R, -R, R, R };
	for (size_t t = 0; t < T; t++) {
		all.x0 = fmin(all.x0, fmin(pl[t].b.x0, pl[t].x - pl[t].r));
		all.x1 = fmax(all.x1, fmax(pl[t].b.x1, pl[t].x + pl[t].r));
		all.y0 = fmin(all.y0, fmin(pl[t].b.y0, pl[t].y - pl[t].r));
		all.y1 = fmax(all.y1, fmax(pl[t].b.y1, pl[t].y + pl[t].r));
	}
	char note1[256], note2[256];
	snprintf(note1, sizeof(note1), "Node area: %s (largest %.15g); "
	    "orange: the reference", part ? "participants" : "studies", nmax);
	snprintf(note2, sizeof(note2), "Edge width: studies comparing the two "
	    "(most %zu); %zu studies, %zu treatments", kmax, d->k, T);
	double notew = fmax(mk_text_px(note1, 10, 0), mk_text_px(note2, 10, 0));
	double width = fmax(all.x1 - all.x0, notew) + 40;
	if (po && po->title)
		snprintf(title, sizeof(title), "%s", po->title);
	else
		snprintf(title, sizeof(title), "%s: network of treatments", file);
	width = fmax(width, fmin(mk_text_px(title, 14, 1) + 20, 600));
	size_t nl = mk_svg_title(&tb, title, 10, width - 20);
	double top = 24 + 18 * (double)nl;
	double ox = 20 - all.x0 + (width - 40 - (all.x1 - all.x0)) / 2;
	double oy = top - all.y0;
	double height = oy + all.y1 + 16 + 2 * 14 + 6;

	mk_svg_begin(b, ceil(width), ceil(height), title, &tb);
	for (size_t t = 0; t < T; t++)	/* edges under the nodes */
		for (size_t u = t + 1; u < T; u++) {
			size_t k = n->direct[t * T + u];
			if (k == 0)
				continue;
			mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#7f7f7f\" stroke-width=\"%.2f\">"
			    "<title>", ox + pl[t].x, oy + pl[t].y, ox + pl[u].x,
			    oy + pl[u].y, (double)k * fmin(EDGE_ONE, EDGE_MAX /
			    (double)kmax));
			snprintf(s, sizeof(s), "%zu stud%s", k, k == 1 ? "y" :
			    "ies");
			mk_buf_xml(b, s);
			mk_buf_printf(b, "</title></line>\n");
		}
	for (size_t t = 0; t < T; t++) {
		mk_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
		    "fill=\"%s\" stroke=\"black\"/>\n", ox + pl[t].x, oy +
		    pl[t].y, pl[t].r, t == n->ref ? "#c55a11" : "#1f4e79");
		mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
		    ox + pl[t].lx, oy + pl[t].ly, pl[t].anchor);
		mk_buf_xml(b, d->trt[t]);
		mk_buf_printf(b, "</text>\n");
	}
	double y = oy + all.y1 + 16 + 10;
	mk_buf_printf(b, "<text x=\"10\" y=\"%.1f\" font-size=\"10\">", y);
	mk_buf_xml(b, note1);
	mk_buf_printf(b, "</text>\n<text x=\"10\" y=\"%.1f\" font-size=\"10\">",
	    y + 14);
	mk_buf_xml(b, note2);
	mk_buf_printf(b, "</text>\n</svg>\n");
	if (tb.oom)
		b->oom = 1;
	mk_buf_free(&tb);
	free(w);
	free(pl);
}
