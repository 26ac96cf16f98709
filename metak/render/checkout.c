/* checkout.c: renders metak check: each refit against the claim, the
 * verdict naming the figures that do not reproduce, the subsets of the
 * studies that do (text, or the contract's JSON), or the consistency of
 * a claim checked without data. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"

static const char *
cc_name(const mk_check_row *r)
{
	if (r->method == MK_MH || r->method == MK_PETO)
		return "none";
	return r->cc_to == MK_CC_ALL ? "all" : r->cc_to == MK_CC_NONE ?
	    "none" : "only0";
}

static const char *
method_name(const mk_check_row *r)
{
	return r->mhq ? "DL-MHQ" : mk_method_get(r->method)->name;
}

/* A variant in a few words: the method, then what is not the default. */
static void
variant_name(mk_buf *b, const mk_check_row *r)
{
	mk_buf_printf(b, "%s%s%s", r->mhq ? "DL (MH Q)" :
	    mk_method_get(r->method)->name, r->ci == MK_CI_HKSJ ? " hksj" :
	    "", r->cc_to == MK_CC_ALL ? " cc all" : "");
}

/* The claim's distance from a refit, in units of its printed precision
 * (the claim's last digits), summed over estimate and bounds. */
static double
distance(const mk_claim *c, const mk_check_row *r)
{
	return fabs(r->est - c->est) * pow(10, c->dec_est) +
	    fabs(r->lo - c->lo) * pow(10, c->dec_lo) +
	    fabs(r->hi - c->hi) * pow(10, c->dec_hi);
}

static int
nfail(unsigned f)
{
	return !!(f & MK_FIG_EST) + !!(f & MK_FIG_LO) + !!(f & MK_FIG_HI) +
	    !!(f & MK_FIG_P);
}

/* Is a closer to the claim than b: fewer figures differ, then nearer? */
static int
closer(const mk_claim *c, const mk_check_row *a, const mk_check_row *b)
{
	if (nfail(a->fail) != nfail(b->fail))
		return nfail(a->fail) < nfail(b->fail);
	return distance(c, a) < distance(c, b);
}

/* A refit's p at the claim's precision, or at 4 decimals (or "<0.0001")
 * where that precision shows 0. */
static void
p_shown(char *out, size_t n, const mk_claim *c, double p)
{
	int dec = c->p_dec;

	if (!isfinite(p))
		snprintf(out, n, "NA");
	else if (p >= 0.5 * pow(10, -dec))
		snprintf(out, n, "%.*f", dec, p);
	else if (p >= pow(10, -(dec > 4 ? dec : 4)))
		snprintf(out, n, "%.*f", dec > 4 ? dec : 4, p);
	else
		snprintf(out, n, "< %.*f", dec > 4 ? dec : 4,
		    pow(10, -(dec > 4 ? dec : 4)));
}

/* "the p-value", "the estimate and the upper limit", ... */
static void
figures(mk_buf *b, unsigned f)
{
	static const char *const name[] = { "the estimate", "the lower limit",
	    "the upper limit", "the p-value" };
	int n = nfail(f), i = 0;

	for (int j = 0; j < 4; j++)
		if (f & (1u << j)) {
			i++;
			mk_buf_printf(b, "%s%s", i == 1 ? "" : i == n ? " and " :
			    ", ", name[j]);
		}
}

/* The claim as printed: "OR 0.40 (0.25 to 0.65), p 0.03". */
static void
claim_text(mk_buf *b, const mk_claim *c)
{
	mk_buf_printf(b, "%s %.*f (%.*f to %.*f)", mk_measure_get(c->measure)->name,
	    c->dec_est, c->est, c->dec_lo, c->lo, c->dec_hi, c->hi);
	if (isfinite(c->p))
		mk_buf_printf(b, ", p %s%.*f", c->p_less ? "< " : "", c->p_dec,
		    c->p);
}

/* A refit's figures at the claim's precision. */
static void
refit_text(mk_buf *b, const mk_claim *c, const mk_check_row *r)
{
	char p[32];

	mk_buf_printf(b, "%.*f [%.*f, %.*f]", c->dec_est, r->est, c->dec_lo,
	    r->lo, c->dec_hi, r->hi);
	if (isfinite(c->p)) {
		p_shown(p, sizeof(p), c, r->p);
		mk_buf_printf(b, ", p %s", p);
	}
}

/* The subsets that reproduce the claim, each with its variants:
 * "without A: DL, REML; without B and C: DL". */
static int
same_subset(const mk_check_row *a, const mk_check_row *b)
{
	return a->ndrop == b->ndrop && strcmp(a->drop[0], b->drop[0]) == 0 &&
	    (a->ndrop < 2 || strcmp(a->drop[1], b->drop[1]) == 0);
}

/* The subsets that reproduce the claim, single studies first, each with
 * its variants: "without A: DL, REML; without B and C: DL". */
static void
subsets_text(mk_buf *b, const mk_check_row *rows, size_t n)
{
	int first = 1;
	size_t singles = 0, pairs = 0;

	for (size_t i = 0; i < n; i++) {
		singles += rows[i].ndrop == 1;
		pairs += rows[i].ndrop == 2;
	}
	for (size_t nd = 1; nd <= (singles ? 1 : 2); nd++)
		for (size_t i = 0; i < n; i++) {
			const mk_check_row *r = &rows[i];
			int seen = 0;
			if (r->ndrop != nd)
				continue;
			for (size_t j = 0; j < i && !seen; j++)
				seen = same_subset(&rows[j], r);
			if (seen)	/* listed already */
				continue;
			mk_buf_printf(b, "%swithout %s%s%s: ", first ? "" :
			    "; ", r->drop[0], nd > 1 ? " and " : "", nd > 1 ?
			    r->drop[1] : "");
			first = 0;
			for (size_t j = i, m = 0; j < n; j++)
				if (same_subset(&rows[j], r)) {
					mk_buf_printf(b, "%s", m++ ? ", " : "");
					variant_name(b, &rows[j]);
				}
		}
	if (singles && pairs)	/* the simpler answer first, pairs counted */
		mk_buf_printf(b, "; and %zu refit%s without two studies", pairs,
		    pairs == 1 ? "" : "s");
}

/* The answer in one or two lines: which variants reproduce the claim, or
 * the closest one and the figures it does not give; then the subsets of
 * the studies that do give it. */
static void
answer(mk_buf *b, const mk_claim *c, const mk_check_row *rows, size_t n,
    size_t found)
{
	size_t nm = 0, best = n;

	for (size_t i = 0; i < n; i++) {
		if (rows[i].ndrop > 0)
			continue;
		if (rows[i].match) {
			mk_buf_printf(b, "%s", nm++ ? ", " : "Reproduced by: ");
			variant_name(b, &rows[i]);
		}
		if (rows[i].fitted && (best == n || closer(c, &rows[i],
		    &rows[best])))
			best = i;
	}
	if (nm > 0) {
		mk_buf_printf(b, "\n");
		return;
	}
	if (best == n)
		mk_buf_printf(b, "Not reproduced: no variant could be fitted\n");
	else {
		mk_buf_printf(b, "Not reproduced: ");
		if (nfail(rows[best].fail) == 3 + isfinite(c->p))
			mk_buf_printf(b, "none of the claim's figures is what "
			    "the data give; closest: ");
		else {
			figures(b, rows[best].fail);
			mk_buf_printf(b, " %s not what the data give; closest: ",
			    nfail(rows[best].fail) > 1 ? "are" : "is");
		}
		variant_name(b, &rows[best]);
		mk_buf_printf(b, " ");
		refit_text(b, c, &rows[best]);
		mk_buf_printf(b, "\n");
	}
	if (found > 0) {
		mk_buf_printf(b, "Reproduced from a subset of the studies: ");
		subsets_text(b, rows, n);
		if (found > MK_SUBSETS_MAX)
			mk_buf_printf(b, "; and %zu more", found - MK_SUBSETS_MAX);
		mk_buf_printf(b, "\n");
	}
}

static void
fails_json(mk_buf *b, unsigned f)
{
	static const char *const name[] = { "estimate", "ci_low", "ci_high",
	    "p" };
	int i = 0;

	mk_buf_printf(b, ", \"fails\": [");
	for (int j = 0; j < 4; j++)
		if (f & (1u << j))
			mk_buf_printf(b, "%s\"%s\"", i++ ? ", " : "", name[j]);
	mk_buf_printf(b, "]");
}

/* A refit's keys (the caller opens and closes its object). */
static void
row_json(mk_buf *b, const mk_claim *c, const mk_check_row *r)
{
	mk_buf_printf(b, "\"method\": \"%s\", \"ci\": \"%s\", \"cc\": \"%s\"%s",
	    mk_method_get(r->method)->name, r->ci == MK_CI_HKSJ ? "hksj" : "z",
	    cc_name(r), r->mhq ? ", \"dl_q\": \"mh\"" : "");
	mk_json_key(b, "estimate", r->est, 1);
	mk_json_key(b, "ci_low", r->lo, 1);
	mk_json_key(b, "ci_high", r->hi, 1);
	if (isfinite(c->p))
		mk_json_key(b, "p", r->p, 1);
}

void
mk_render_check_json(mk_buf *b, const mk_claim *c, const mk_check_row *rows,
    size_t n, size_t found, size_t tried_subsets)
{
	size_t nm = 0, tried = 0;

	for (size_t i = 0; i < n; i++)
		if (rows[i].ndrop == 0) {
			nm += rows[i].match;
			tried += rows[i].fitted;
		}
	mk_buf_printf(b, "{\"reproduced\": %s, \"measure\": \"%s\", "
	    "\"claim\": {\"estimate\": %.*f, \"ci_low\": %.*f, \"ci_high\": "
	    "%.*f", nm ? "true" : "false",
	    mk_measure_get(c->measure)->name, c->dec_est, c->est, c->dec_lo,
	    c->lo, c->dec_hi, c->hi);
	if (isfinite(c->p))
		mk_buf_printf(b, ", \"p\": %s%.*f%s", c->p_less ? "\"<" : "",
		    c->p_dec, c->p, c->p_less ? "\"" : "");
	mk_buf_printf(b, "}, \"matches\": [");
	for (size_t i = 0, j = 0; i < n; i++) {
		if (!rows[i].match || rows[i].ndrop > 0)
			continue;
		mk_buf_printf(b, "%s{", j++ ? ", " : "");
		row_json(b, c, &rows[i]);
		mk_buf_printf(b, ", \"k\": %zu}", rows[i].k);
	}
	mk_buf_printf(b, "], \"tried\": %zu, \"results\": [", tried);
	for (size_t i = 0, j = 0; i < n; i++) {
		if (rows[i].ndrop > 0)
			continue;
		mk_buf_printf(b, "%s{", j++ ? ", " : "");
		row_json(b, c, &rows[i]);
		mk_buf_printf(b, ", \"fitted\": %s, \"match\": %s",
		    rows[i].fitted ? "true" : "false", rows[i].match ? "true" :
		    "false");
		if (rows[i].fitted)
			fails_json(b, rows[i].fail);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]");
	if (nm == 0) {
		mk_buf_printf(b, ", \"subsets_tried\": %zu, \"subsets_found\": "
		    "%zu, \"subsets\": [", tried_subsets, found);
		for (size_t i = 0, j = 0; i < n; i++) {
			if (rows[i].ndrop == 0)
				continue;
			mk_buf_printf(b, "%s{\"without\": [", j++ ? ", " : "");
			for (size_t d = 0; d < rows[i].ndrop; d++) {
				mk_buf_printf(b, "%s", d ? ", " : "");
				mk_json_str(b, rows[i].drop[d]);
			}
			mk_buf_printf(b, "], ");
			row_json(b, c, &rows[i]);
			mk_buf_printf(b, ", \"k\": %zu}", rows[i].k);
		}
		mk_buf_printf(b, "]");
	}
	mk_buf_printf(b, "}\n");
}

void
mk_render_check_text(mk_buf *b, const char *file, const mk_claim *c,
    const mk_check_row *rows, size_t n, size_t found, size_t tried_subsets)
{
	size_t nm = 0, nfull = 0;
	int hasp = isfinite(c->p);

	answer(b, c, rows, n, found);
	mk_buf_printf(b, "Claim: ");
	claim_text(b, c);
	mk_buf_printf(b, "; trial data: %s\n\n", file);
	mk_buf_printf(b, "%-6s %-5s %-6s %4s  %-32s %s%s\n", "method", "ci",
	    "cc", "k", "recomputed, at the printed precision", hasp ?
	    "p          " : "", "match");
	for (size_t i = 0; i < n; i++) {
		const mk_check_row *r = &rows[i];
		char v[96], p[32];
		if (r->ndrop > 0)
			continue;
		nfull++;
		if (r->fitted)
			snprintf(v, sizeof(v), "%.*f (%.*f to %.*f)", c->dec_est,
			    r->est, c->dec_lo, r->lo, c->dec_hi, r->hi);
		else
			snprintf(v, sizeof(v), "not fitted: %.60s", r->why);
		mk_buf_printf(b, "%-6s %-5s %-6s %4zu  %-32s ",
		    method_name(r), r->ci == MK_CI_HKSJ ?
		    "hksj" : "z", cc_name(r), r->k, v);
		if (hasp) {
			p_shown(p, sizeof(p), c, r->p);
			mk_buf_printf(b, "%-10s ", r->fitted ? p : "");
		}
		if (r->match)
			mk_buf_printf(b, "yes");
		else if (r->fitted && nfail(r->fail) < 3 + hasp) {
			mk_buf_printf(b, "no: ");	/* which figures */
			figures(b, r->fail);
		}
		while (b->len > 0 && b->data[b->len - 1] == ' ')
			b->data[--b->len] = '\0';
		mk_buf_printf(b, "\n");
		nm += r->match;
	}
	if (nm > 0) {
		mk_buf_printf(b, "\nREPRODUCED by %zu of %zu variants (marked "
		    "yes).\n", nm, nfull);
		return;
	}
	mk_buf_printf(b, "\nNOT REPRODUCED: no method, interval or continuity "
	    "correction tried gives ");
	claim_text(b, c);
	mk_buf_printf(b, " from these data.\n");
	if (found == 0)
		mk_buf_printf(b, "No refit without one study (or two, where k <= "
		    "30) reproduces it either (%zu refits).\n", tried_subsets);
	else
		mk_buf_printf(b, "%zu subset refit%s of %zu reproduce%s it: a "
		    "published pool that left out a study? Check which trials "
		    "it says it pooled.\n", found, found == 1 ? "" : "s",
		    tried_subsets, found == 1 ? "s" : "");
}

void
mk_render_consistency(mk_buf *b, const mk_claim *c, const mk_consistency *k,
    int json)
{
	/* the analysis scale, where the interval is symmetric */
	int tr = mk_measure_get(c->measure)->tr != MK_TR_NONE;
	int ok = k->centred && (!k->p_checked || k->p_ok);

	if (json) {
		mk_buf_printf(b, "{\"reproduced\": %s, \"consistent\": %s, "
		    "\"centred\": %s, \"scale\": \"%s\"",
		    ok ? "true" : "false", ok ? "true" : "false",
		    k->centred ? "true" : "false", tr ?
		    mk_scale_name(c->measure) : "identity");
		mk_json_key(b, "estimate", k->est, 1);
		mk_json_key(b, "ci_centre", k->centre, 1);
		mk_json_key(b, "se", k->se, 1);
		mk_json_key(b, "z", k->z, 1);
		mk_json_key(b, "p", k->p, 1);
		mk_json_key(b, "p_min", k->p_min, 1);
		mk_json_key(b, "p_max", k->p_max, 1);
		if (k->p_checked)
			mk_buf_printf(b, ", \"p_consistent\": %s",
			    k->p_ok ? "true" : "false");
		mk_buf_printf(b, ", \"matches\": [], \"tried\": 0}\n");
		return;
	}
	mk_buf_printf(b, "Claim: %s %.*f (%.*f to %.*f), no trial data: "
	    "internal consistency on the %s scale\n\n",
	    mk_measure_get(c->measure)->name, c->dec_est, c->est, c->dec_lo,
	    c->lo, c->dec_hi, c->hi, tr ? mk_scale_name(c->measure) :
	    "natural");
	mk_buf_printf(b, "  estimate %.4f; centre of the interval %.4f "
	    "(%.4f to %.4f allowing for rounding): %s\n", k->est, k->centre,
	    k->centre_min, k->centre_max, k->centred ? "consistent" :
	    "NOT at the centre");
	mk_buf_printf(b, "  implied SE %.4f, z %.2f, p %.2g (p between %.2g "
	    "and %.2g allowing for rounding)\n", k->se, k->z, k->p, k->p_min,
	    k->p_max);
	if (k->p_checked)
		mk_buf_printf(b, "  printed p %s%.*f: %s\n", c->p_less ? "< " :
		    "", c->p_dec, c->p, k->p_ok ? "consistent" :
		    "NOT consistent with the interval");
	mk_buf_printf(b, "\n%s\n", ok ? "CONSISTENT" : "NOT CONSISTENT");
}
