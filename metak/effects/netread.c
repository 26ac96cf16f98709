/* netread.c: a table's rows as the studies of a network: one row per arm
 * (study, treatment, events, n or mean, sd, n) or one row per contrast
 * (study, treat1, treat2, yi, vi or sei), each study's rows together; the
 * checks of its shape, with errors at their line and column. Each study's
 * contrasts and covariance are netstudy.c's. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "effects/internal.h"

enum { C_STUDY, C_TRT, C_T1, C_T2, C_EVENTS, C_N, C_MEAN, C_SD, C_YI, C_VI,
    C_SEI, NCOL };
static const char *const colname[NCOL] = { "study", "treatment", "treat1",
    "treat2", "events", "n", "mean", "sd", "yi", "vi", "sei" };

int
mk_net_column(const char *name)
{
	static const char *const own[] = { "treatment", "treat1", "treat2",
	    "mean", "sd" };

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcasecmp(name, own[i]) == 0)
			return 1;
	return 0;
}

/* The reading: the table, the columns, the treatments and studies met so
 * far, the network being built, and the rows of the current study. */
struct reader {
	const mk_table *t;
	const mk_opts *o;
	mk_warn *w;
	mk_err *err;
	int col[NCOL];
	mk_strmap trts, studies;
	size_t *stamp;		/* per treatment: 1 + the study that last
				 * listed it */
	size_t *local;		/* per treatment: its arm in that study */
	size_t stampcap;
	mk_netdata *d;
	size_t capk, capa, capv;
	size_t *rows;		/* the current study's table rows */
	size_t nrows, caprows;
	double *buf;		/* its scratch */
	size_t capbuf;
	size_t *ibuf;		/* and its arms' treatments and pairs */
	size_t capibuf;
	size_t seq;		/* studies finished: the stamp of this one */
	long *first;		/* per study label: its first line */
	size_t capfirst;
};

static int
oom(struct reader *R)
{
	mk_err_set(R->err, R->t->file, 0, "", "out of memory");
	return -1;
}

/* Room for n more elements of size sz in *p (capacity *cap). */
static int
room(void **p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * sz);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* The number in column c of row r: 1 with *x, 0 when empty, -1 (err at
 * the cell) when not a number in range. */
static int
num(struct reader *R, size_t r, int c, double *x)
{
	const char *why = "";
	const char *s = mk_table_cell(R->t, r, R->col[c]);
	int st = mk_parse_num(s, x, &why);

	if (st == MK_NUM_OK && !mk_in_range(*x)) {
		st = MK_NUM_BAD;
		why = MK_RANGE_MSG;
	}
	if (st == MK_NUM_BAD) {
		mk_err_set(R->err, R->t->file, R->t->line[r],
		    R->t->names[R->col[c]], "%s, got \"%.40s\"", why, s);
		return -1;
	}
	return st == MK_NUM_OK;
}

static int
bad(struct reader *R, size_t r, int c, const char *why)
{
	mk_err_set(R->err, R->t->file, R->t->line[r], R->t->names[R->col[c]],
	    "%s, got \"%.40s\"", why, mk_table_cell(R->t, r, R->col[c]));
	return -1;
}

/* The id of the treatment named in column c of row r (new ones added). */
static int
treatment(struct reader *R, size_t r, int c, size_t *id)
{
	const char *s = mk_table_cell(R->t, r, R->col[c]);

	if (s[0] == '\0') {
		mk_err_set(R->err, R->t->file, R->t->line[r],
		    R->t->names[R->col[c]], "empty treatment");
		return -1;
	}
	size_t before = R->trts.n;
	*id = mk_strmap_id(&R->trts, s, strlen(s), 1);
	if (*id == MK_STRMAP_OOM)
		return oom(R);
	if (R->trts.n > R->stampcap) {	/* local[] follows stamp[] */
		size_t cap = R->stampcap;
		if (room((void **)&R->stamp, &cap, R->trts.n,
		    sizeof(size_t)) != 0)
			return oom(R);
		void *l = realloc(R->local, cap * sizeof(size_t));
		if (l == NULL)
			return oom(R);
		R->local = l;
		R->stampcap = cap;
	}
	if (R->trts.n > before)
		R->stamp[*id] = 0;	/* new: in no study yet */
	return 0;
}

/* A finished study: arms a, their treatments, participants n (NaN),
 * contrasts y and covariance V, its own Q. */
static int
add_study(struct reader *R, size_t first, size_t a, const size_t *trt,
    const double *n, const double *y, const double *V, double q)
{
	mk_netdata *d = R->d;
	size_t m = a - 1, s = d->k;

	if (s + 2 > R->capk) {	/* the per-study arrays, grown together */
		size_t ck = R->capk;
		void *p;
		if (room((void **)&d->study, &ck, s + 2, sizeof(char *)) != 0 ||
		    (p = realloc(d->line, ck * sizeof(long))) == NULL)
			return oom(R);
		d->line = p;
		if ((p = realloc(d->arm0, ck * sizeof(size_t))) == NULL)
			return oom(R);
		d->arm0 = p;
		if ((p = realloc(d->voff, ck * sizeof(size_t))) == NULL)
			return oom(R);
		d->voff = p;
		if ((p = realloc(d->qin, ck * sizeof(double))) == NULL)
			return oom(R);
		d->qin = p;
		R->capk = ck;
	}
	if (d->narms + a > R->capa) {	/* the per-arm arrays */
		size_t ca = R->capa;
		void *p;
		if (room((void **)&d->trt_of, &ca, d->narms + a,
		    sizeof(size_t)) != 0 ||
		    (p = realloc(d->n, ca * sizeof(double))) == NULL)
			return oom(R);
		d->n = p;
		if ((p = realloc(d->y, ca * sizeof(double))) == NULL)
			return oom(R);
		d->y = p;
		R->capa = ca;
	}
	size_t vo = d->k ? d->voff[d->k] : 0;
	if (room((void **)&d->v, &R->capv, vo + m * m, sizeof(double)) != 0)
		return oom(R);
	const char *label = mk_table_cell(R->t, first, R->col[C_STUDY]);
	if ((d->study[s] = strdup(label)) == NULL)
		return oom(R);
	if (s == 0)
		d->arm0[0] = d->voff[0] = 0;
	d->line[s] = R->t->line[first];
	d->qin[s] = q;
	for (size_t i = 0; i < a; i++) {
		d->trt_of[d->narms + i] = trt[i];
		d->n[d->narms + i] = n ? n[i] : NAN;
		d->y[d->narms + i] = i ? y[i - 1] : 0;
	}
	memcpy(d->v + vo, V, m * m * sizeof(double));
	d->narms += a;
	d->k++;
	d->arm0[d->k] = d->narms;
	d->voff[d->k] = vo + m * m;
	return 0;
}

/* Scratch for the current study: need doubles. */
static double *
scratch(struct reader *R, size_t need)
{
	if (room((void **)&R->buf, &R->capbuf, need, sizeof(double)) != 0) {
		oom(R);
		return NULL;
	}
	return R->buf;
}

/* And need indices. */
static size_t *
iscratch(struct reader *R, size_t need)
{
	if (room((void **)&R->ibuf, &R->capibuf, need, sizeof(size_t)) != 0) {
		oom(R);
		return NULL;
	}
	return R->ibuf;
}

static const char *
label_of(const struct reader *R, size_t r)
{
	return mk_table_cell(R->t, r, R->col[C_STUDY]);
}

/* The current study from its arm rows. */
static int
study_arms(struct reader *R)
{
	int cont = R->d->measure == MK_MD;
	size_t nr = R->nrows, a = 0, sid = R->seq;
	size_t r0 = R->rows[0];
	double *x, *sd, *n, *y, *V;
	size_t *trt;

	if (nr == 1) {
		mk_err_set(R->err, R->t->file, R->t->line[r0],
		    R->t->names[R->col[C_STUDY]], "study \"%.60s\" has one arm "
		    "only; each study of a network compares two or more "
		    "treatments", label_of(R, r0));
		return -1;
	}
	if ((x = scratch(R, nr * 4 + (nr - 1) * (nr - 1))) == NULL ||
	    (trt = iscratch(R, nr)) == NULL)
		return -1;
	sd = x + nr;
	n = sd + nr;
	y = n + nr;
	V = y + nr;
	for (size_t i = 0; i < nr; i++) {
		size_t r = R->rows[i], id;
		double ev = NAN, mean = NAN, s = NAN, nn = NAN;
		int ok = 1, st;
		if (treatment(R, r, C_TRT, &id) != 0)
			return -1;
		if (R->stamp[id] == sid + 1) {
			mk_err_set(R->err, R->t->file, R->t->line[r],
			    R->t->names[R->col[C_TRT]], "study \"%.60s\" lists "
			    "treatment \"%.60s\" twice (lines %ld and %ld)",
			    label_of(R, r), R->trts.key[id],
			    R->t->line[R->rows[R->local[id]]], R->t->line[r]);
			return -1;
		}
		R->stamp[id] = sid + 1;
		R->local[id] = i;
		if ((st = num(R, r, C_N, &nn)) < 0)
			return -1;
		ok &= st;
		if (st && !(nn > 0))
			return bad(R, r, C_N, "must be positive");
		if (cont) {
			if ((st = num(R, r, C_MEAN, &mean)) < 0)
				return -1;
			ok &= st;
			if ((st = num(R, r, C_SD, &s)) < 0)
				return -1;
			ok &= st;
			if (st && !(s > 0))
				return bad(R, r, C_SD, "must be positive");
		} else {
			if ((st = num(R, r, C_EVENTS, &ev)) < 0)
				return -1;
			ok &= st;
			if (st && !(ev >= 0))
				return bad(R, r, C_EVENTS, "must not be negative");
			if (st && nn > 0 && ev > nn)
				return bad(R, r, C_EVENTS, "must not exceed n");
		}
		if (!ok) {
			mk_warn_add(R->w, "%s:%ld: study \"%s\": arm \"%s\" has "
			    "an empty value; left out", R->t->file,
			    R->t->line[r], label_of(R, r), R->trts.key[id]);
			continue;
		}
		trt[a] = id;
		x[a] = cont ? mean : ev;
		sd[a] = s;
		n[a++] = nn;
	}
	if (a < 2) {
		mk_warn_add(R->w, "%s:%ld: study \"%s\": fewer than two arms "
		    "with complete data; left out", R->t->file,
		    R->t->line[r0], label_of(R, r0));
		R->d->nleft++;
		return 0;
	}
	int drop, corr;
	mk_net_study_arms(R->d->measure, R->o->cc, a, x, cont ? sd : NULL, n,
	    y, V, &drop, &corr);
	if (drop) {
		mk_warn_add(R->w, "%s:%ld: study \"%s\": no events%s in every "
		    "arm: it tells nothing about the %s; left out, as netmeta "
		    "does", R->t->file, R->t->line[r0], label_of(R, r0),
		    R->d->measure == MK_OR ? " (or only events)" : "",
		    mk_measure_get(R->d->measure)->name);
		R->d->nleft++;
		return 0;
	}
	R->d->ncc += corr != 0;
	return add_study(R, r0, a, trt, n, y, V, 0);
}

/* The pair's arms in the current study, (j, k), found or added. */
static int
pair_arm(struct reader *R, size_t r, int c, size_t sid, size_t *trt,
    size_t *a, size_t *arm)
{
	size_t id;

	if (treatment(R, r, c, &id) != 0)
		return -1;
	if (R->stamp[id] != sid + 1) {
		R->stamp[id] = sid + 1;
		R->local[id] = (*a)++;
		trt[R->local[id]] = id;
	}
	*arm = R->local[id];
	return 0;
}

/* The current study from its contrast rows: every pair of its a arms
 * once (a (a - 1) / 2 rows). */
static int
study_pairs(struct reader *R)
{
	size_t nr = R->nrows, a = 0, sid = R->seq, r0 = R->rows[0];
	size_t *trt, *ja, *ka;
	int complete = 1;

	/* trt: each row can name two arms not met before, and the check
	 * below comes after a row's two */
	if ((ja = iscratch(R, 4 * (nr + 1))) == NULL)
		return -1;
	ka = ja + nr + 1;
	trt = ka + nr + 1;	/* 2 (nr + 1) entries */
	for (size_t i = 0; i < nr; i++) {	/* the arms, in order met */
		size_t r = R->rows[i];
		if (pair_arm(R, r, C_T1, sid, trt, &a, &ja[i]) != 0 ||
		    pair_arm(R, r, C_T2, sid, trt, &a, &ka[i]) != 0)
			return -1;
		if (ja[i] == ka[i])
			return bad(R, r, C_T2, "a contrast of a treatment with "
			    "itself");
		if (a > nr + 1) {	/* more arms than the rows can pair */
			mk_err_set(R->err, R->t->file, R->t->line[r],
			    R->t->names[R->col[C_T2]], "study \"%.60s\": %zu "
			    "treatments in %zu contrasts; a study's contrast "
			    "rows must give every pair of its treatments",
			    label_of(R, r), a, i + 1);
			return -1;
		}
	}
	if (a * (a - 1) / 2 != nr) {
		mk_err_set(R->err, R->t->file, R->t->line[r0],
		    R->t->names[R->col[C_STUDY]], "study \"%.60s\" has %zu "
		    "treatments and %zu contrast rows; its rows must give every "
		    "pair of its treatments once (%zu rows)", label_of(R, r0),
		    a, nr, a * (a - 1) / 2);
		return -1;
	}
	double *Y = scratch(R, 2 * a * a + a + (a - 1) * (a - 1));
	if (Y == NULL)
		return -1;
	double *D = Y + a * a, *y = D + a * a, *V = y + a;
	for (size_t i = 0; i < a * a; i++)
		D[i] = Y[i] = 0;
	for (size_t i = 0; i < nr; i++) {
		size_t r = R->rows[i], j = ja[i], k = ka[i];
		double yi, vi = NAN, se;
		int sy, sv = 0, ss = 0;
		if (D[j * a + k] != 0) {
			mk_err_set(R->err, R->t->file, R->t->line[r],
			    R->t->names[R->col[C_T2]], "study \"%.60s\" gives "
			    "the contrast of \"%.60s\" and \"%.60s\" twice",
			    label_of(R, r), R->trts.key[trt[j]],
			    R->trts.key[trt[k]]);
			return -1;
		}
		if ((sy = num(R, r, C_YI, &yi)) < 0)
			return -1;
		if (R->col[C_VI] >= 0 && (sv = num(R, r, C_VI, &vi)) < 0)
			return -1;
		if (sv && !(vi > 0))
			return bad(R, r, C_VI, "must be positive");
		if (!sv && R->col[C_SEI] >= 0) {
			if ((ss = num(R, r, C_SEI, &se)) < 0)
				return -1;
			if (ss && !(se > 0))
				return bad(R, r, C_SEI, "must be positive");
			vi = se * se;
		}
		if (!sy || !(sv || ss)) {
			complete = 0;
			vi = INFINITY;	/* seen, for the check of twice */
			yi = 0;
		}
		Y[j * a + k] = yi;
		Y[k * a + j] = -yi;
		D[j * a + k] = D[k * a + j] = vi;
	}
	if (!complete) {
		mk_warn_add(R->w, "%s:%ld: study \"%s\": a contrast row has an "
		    "empty value; the study is left out", R->t->file,
		    R->t->line[r0], label_of(R, r0));
		R->d->nleft++;
		return 0;
	}
	double q, dev;
	int st = mk_net_study_pairs(a, Y, D, y, V, &q, &dev);
	if (st == -2)
		return oom(R);
	if (st != 0) {
		mk_err_set(R->err, R->t->file, R->t->line[r0],
		    R->t->names[R->col[C_STUDY]], "study \"%.60s\": the "
		    "variances of its contrasts cannot come from one trial "
		    "(their covariance is not positive definite)",
		    label_of(R, r0));
		return -1;
	}
	if (dev > 0)
		mk_warn_add(R->w, "%s:%ld: study \"%s\": its contrasts do not "
		    "add up (by up to %.3g: rounded values?); fitted as given, "
		    "as netmeta does, their misfit Q = %.4g counted in Q",
		    R->t->file, R->t->line[r0], label_of(R, r0), dev, q);
	return add_study(R, r0, a, trt, NULL, y, V, q);
}

void
mk_netdata_free(mk_netdata *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->ntrt; i++)
		free(d->trt[i]);
	for (size_t s = 0; s < d->k; s++)
		free(d->study[s]);
	free(d->trt);
	free(d->study);
	free(d->line);
	free(d->arm0);
	free(d->trt_of);
	free(d->n);
	free(d->y);
	free(d->voff);
	free(d->v);
	free(d->qin);
	free(d);
}

/* The measure the rows give: from the columns present, or as asked (a
 * usage error when the rows cannot give it). */
static int
choose_measure(struct reader *R, int contrasts)
{
	mk_measure m = R->o->measure;
	int bin = R->col[C_EVENTS] >= 0 && R->col[C_N] >= 0;
	int cont = R->col[C_MEAN] >= 0 && R->col[C_SD] >= 0 && R->col[C_N] >= 0;

	if (contrasts) {
		if (R->col[C_YI] < 0 || (R->col[C_VI] < 0 && R->col[C_SEI] < 0)) {
			mk_err_set(R->err, R->t->file, R->t->header_line, "", "contrast rows "
			    "(treat1, treat2) need yi and vi or sei columns");
			return -1;
		}
		if (m == MK_MEASURE_AUTO)
			m = MK_GEN;
		mk_family f = mk_measure_get(m)->fam;
		if (f != MK_FAM_ANY && f != MK_FAM_2X2 && f != MK_FAM_ARMS &&
		    f != MK_FAM_RATE2) {
			mk_err_set(R->err, "", 0, "", "--measure %s is not a "
			    "comparison of two treatments",
			    mk_measure_get(m)->name);
			R->err->usage = 1;
			return -1;
		}
		R->d->measure = m;
		return 0;
	}
	if (m == MK_MEASURE_AUTO)
		m = bin ? MK_OR : cont ? MK_MD : MK_MEASURE_AUTO;
	if (m == MK_MEASURE_AUTO) {
		mk_err_set(R->err, R->t->file, R->t->header_line, "", "arm rows (treatment) "
		    "need events and n columns (OR, RR, RD) or mean, sd and n "
		    "(MD)");
		return -1;
	}
	if (m != MK_OR && m != MK_RR && m != MK_RD && m != MK_MD) {
		mk_err_set(R->err, "", 0, "", "--measure %s: metak network "
		    "computes OR, RR, RD or MD from arm rows (other measures: "
		    "give contrast rows with yi)", mk_measure_get(m)->name);
		R->err->usage = 1;
		return -1;
	}
	if (m == MK_MD ? !cont : !bin) {
		mk_err_set(R->err, R->t->file, R->t->header_line, "", "--measure %s needs %s "
		    "columns in arm rows", mk_measure_get(m)->name, m == MK_MD ?
		    "mean, sd and n" : "events and n");
		return -1;
	}
	R->d->measure = m;
	return 0;
}

/* The study of the rows gathered so far, if any. */
static int
finish(struct reader *R, int contrasts)
{
	int st;

	if (R->nrows == 0)
		return 0;
	st = contrasts ? study_pairs(R) : study_arms(R);
	R->seq++;
	R->nrows = 0;
	return st;
}

static int
by_name(const void *a, const void *b, void *keys)
{
	const char *const *k = keys;
	return strcmp(k[*(const size_t *)a], k[*(const size_t *)b]);
}

/* The treatments of the kept studies, renumbered in byte order. */
static int
sort_treatments(struct reader *R)
{
	mk_netdata *d = R->d;
	size_t nt = R->trts.n, *ord, *rank, used = 0;

	if ((ord = malloc((2 * nt + 1) * sizeof(size_t))) == NULL)
		return oom(R);
	rank = ord + nt;
	for (size_t i = 0; i < nt; i++)
		rank[i] = SIZE_MAX;
	for (size_t i = 0; i < d->narms; i++)
		rank[d->trt_of[i]] = 0;
	for (size_t i = 0; i < nt; i++)
		if (rank[i] == 0)
			ord[used++] = i;
	for (size_t gap = used / 2; gap > 0; gap /= 2)	/* Shell sort */
		for (size_t i = gap; i < used; i++)
			for (size_t j = i; j >= gap && by_name(&ord[j - gap],
			    &ord[j], R->trts.key) > 0; j -= gap) {
				size_t tmp = ord[j];
				ord[j] = ord[j - gap];
				ord[j - gap] = tmp;
			}
	if ((d->trt = calloc(used ? used : 1, sizeof(char *))) == NULL) {
		free(ord);
		return oom(R);
	}
	for (size_t i = 0; i < used; i++) {
		rank[ord[i]] = i;
		if ((d->trt[i] = strdup(R->trts.key[ord[i]])) == NULL) {
			d->ntrt = i;
			free(ord);
			return oom(R);
		}
	}
	d->ntrt = used;
	for (size_t i = 0; i < d->narms; i++)
		d->trt_of[i] = rank[d->trt_of[i]];
	free(ord);
	return 0;
}

mk_netdata *
mk_netdata_from_table(const mk_table *t, const mk_opts *o, mk_warn *w,
    mk_err *err)
{
	struct reader R;
	int contrasts, st = -1;
	size_t cur = SIZE_MAX;

	memset(&R, 0, sizeof(R));
	R.t = t;
	R.o = o;
	R.w = w;
	R.err = err;
	if ((R.d = calloc(1, sizeof(mk_netdata))) == NULL) {
		oom(&R);
		return NULL;
	}
	R.d->file = t->file;
	R.d->cc = o->cc;
	for (int c = 0; c < NCOL; c++)
		R.col[c] = mk_table_col(t, colname[c], o->maps, o->nmaps);
	contrasts = R.col[C_T1] >= 0 && R.col[C_T2] >= 0;
	R.d->contrasts = contrasts;
	if (R.col[C_STUDY] < 0) {
		mk_err_set(err, t->file, t->header_line, "", "no study column: network "
		    "input names the study of each row");
		goto done;
	}
	if (!contrasts && R.col[C_TRT] < 0) {
		mk_err_set(err, t->file, t->header_line, "", "no treatment column (one row "
		    "per arm) and no treat1 and treat2 columns (one row per "
		    "contrast)");
		goto done;
	}
	if (choose_measure(&R, contrasts) != 0)
		goto done;
	for (size_t r = 0; r < t->nrow; r++) {	/* each study's rows */
		const char *lab = mk_table_cell(t, r, R.col[C_STUDY]);
		size_t id;
		if (lab[0] == '\0') {
			mk_err_set(err, t->file, t->line[r],
			    t->names[R.col[C_STUDY]], "empty study label");
			goto done;
		}
		if ((id = mk_strmap_id(&R.studies, lab, strlen(lab), 1)) ==
		    MK_STRMAP_OOM) {
			oom(&R);
			goto done;
		}
		if (id != cur && id + 1 != R.studies.n) {
			mk_err_set(err, t->file, t->line[r],
			    t->names[R.col[C_STUDY]], "the rows of study "
			    "\"%.60s\" are not together (it began at line %ld); "
			    "keep each study's rows one after another", lab,
			    R.first[id]);
			goto done;
		}
		if (id != cur) {	/* a new study */
			if (finish(&R, contrasts) != 0)
				goto done;
			if (room((void **)&R.first, &R.capfirst, id + 1,
			    sizeof(long)) != 0) {
				oom(&R);
				goto done;
			}
			R.first[id] = t->line[r];
			cur = id;
		}
		if (room((void **)&R.rows, &R.caprows, R.nrows + 1,
		    sizeof(size_t)) != 0) {
			oom(&R);
			goto done;
		}
		R.rows[R.nrows++] = r;
	}
	if (finish(&R, contrasts) != 0)
		goto done;
	if (R.d->k == 0) {
		mk_err_set(err, t->file, 0, "", t->nrow == 0 ? "no data rows, "
		    "only a header" : "no study left to analyse (%zu left out)",
		    R.d->nleft);
		goto done;
	}
	st = sort_treatments(&R);
done:
	mk_strmap_free(&R.trts);
	mk_strmap_free(&R.studies);
	free(R.stamp);
	free(R.local);
	free(R.rows);
	free(R.buf);
	free(R.ibuf);
	free(R.first);
	if (st != 0) {
		mk_netdata_free(R.d);
		return NULL;
	}
	return R.d;
}
