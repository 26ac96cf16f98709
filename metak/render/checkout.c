/* checkout.c: renders metak check: each refit against the claim and the
 * verdict (text, or the contract's JSON), or the consistency of a claim
 * checked without data. */
#include <math.h>
#include <stdio.h>

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

/* The answer in one line: which variants reproduce the claim, or the
 * closest one. */
static void
answer(mk_buf *b, const mk_claim *c, const mk_check_row *rows, size_t n)
{
	size_t nm = 0, best = n;

	for (size_t i = 0; i < n; i++) {
		if (rows[i].match) {
			mk_buf_printf(b, "%s", nm++ ? ", " : "Reproduced by: ");
			variant_name(b, &rows[i]);
		}
		if (rows[i].fitted && (best == n || distance(c, &rows[i]) <
		    distance(c, &rows[best])))
			best = i;
	}
	if (nm > 0) {
		mk_buf_printf(b, "\n");
		return;
	}
	if (best == n) {
		mk_buf_printf(b, "Not reproduced: no variant could be fitted\n");
		return;
	}
	mk_buf_printf(b, "Not reproduced; closest: ");
	variant_name(b, &rows[best]);
	mk_buf_printf(b, " %.*f [%.*f, %.*f]\n", c->dec_est, rows[best].est,
	    c->dec_lo, rows[best].lo, c->dec_hi, rows[best].hi);
}

void
mk_render_check_json(mk_buf *b, const mk_claim *c, const mk_check_row *rows,
    size_t n)
{
	size_t nm = 0, tried = 0;

	for (size_t i = 0; i < n; i++) {
		nm += rows[i].match;
		tried += rows[i].fitted;
	}
	mk_buf_printf(b, "{\"reproduced\": %s, \"measure\": \"%s\", "
	    "\"claim\": {\"estimate\": %.*f, \"ci_low\": %.*f, \"ci_high\": "
	    "%.*f}, \"matches\": [", nm ? "true" : "false",
	    mk_measure_get(c->measure)->name, c->dec_est, c->est, c->dec_lo,
	    c->lo, c->dec_hi, c->hi);
	for (size_t i = 0, j = 0; i < n; i++) {
		if (!rows[i].match)
			continue;
		mk_buf_printf(b, "%s{\"method\": \"%s\", \"ci\": \"%s\", "
		    "\"cc\": \"%s\"%s", j++ ? ", " : "",
		    mk_method_get(rows[i].method)->name, rows[i].ci ==
		    MK_CI_HKSJ ? "hksj" : "z", cc_name(&rows[i]), rows[i].mhq ?
		    ", \"dl_q\": \"mh\"" : "");
		mk_json_key(b, "estimate", rows[i].est, 1);
		mk_json_key(b, "ci_low", rows[i].lo, 1);
		mk_json_key(b, "ci_high", rows[i].hi, 1);
		mk_buf_printf(b, ", \"k\": %zu}", rows[i].k);
	}
	mk_buf_printf(b, "], \"tried\": %zu, \"results\": [", tried);
	for (size_t i = 0; i < n; i++) {
		mk_buf_printf(b, "%s{\"method\": \"%s\", \"ci\": \"%s\", "
		    "\"cc\": \"%s\"%s, \"fitted\": %s", i ? ", " : "",
		    mk_method_get(rows[i].method)->name, rows[i].ci ==
		    MK_CI_HKSJ ? "hksj" : "z", cc_name(&rows[i]), rows[i].mhq ?
		    ", \"dl_q\": \"mh\"" : "", rows[i].fitted ? "true" :
		    "false");
		mk_json_key(b, "estimate", rows[i].est, 1);
		mk_json_key(b, "ci_low", rows[i].lo, 1);
		mk_json_key(b, "ci_high", rows[i].hi, 1);
		mk_buf_printf(b, ", \"match\": %s}", rows[i].match ? "true" :
		    "false");
	}
	mk_buf_printf(b, "]}\n");
}

void
mk_render_check_text(mk_buf *b, const char *file, const mk_claim *c,
    const mk_check_row *rows, size_t n)
{
	size_t nm = 0;
	const char *me = mk_measure_get(c->measure)->name;

	answer(b, c, rows, n);
	mk_buf_printf(b, "Claim: %s %.*f (%.*f to %.*f); trial data: %s\n\n",
	    me, c->dec_est, c->est, c->dec_lo, c->lo, c->dec_hi, c->hi, file);
	mk_buf_printf(b, "%-6s %-5s %-6s %4s  %-32s %s\n", "method", "ci",
	    "cc", "k", "recomputed, at the printed precision", "match");
	for (size_t i = 0; i < n; i++) {
		const mk_check_row *r = &rows[i];
		char v[96];
		if (r->fitted)
			snprintf(v, sizeof(v), "%.*f (%.*f to %.*f)", c->dec_est,
			    r->est, c->dec_lo, r->lo, c->dec_hi, r->hi);
		else
			snprintf(v, sizeof(v), "not fitted: %.60s", r->why);
		mk_buf_printf(b, "%-6s %-5s %-6s %4zu  %-32s %s\n",
		    method_name(r), r->ci == MK_CI_HKSJ ?
		    "hksj" : "z", cc_name(r), r->k, v, r->match ? "yes" : "");
		nm += r->match;
	}
	if (nm > 0)
		mk_buf_printf(b, "\nREPRODUCED by %zu of %zu variants (marked "
		    "yes).\n", nm, n);
	else
		mk_buf_printf(b, "\nNOT REPRODUCED: no method, interval or "
		    "continuity correction tried gives %s %.*f (%.*f to "
		    "%.*f) from these data.\n", me, c->dec_est, c->est,
		    c->dec_lo, c->lo, c->dec_hi, c->hi);
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
