/* columns.c: the canonical columns metak reads (events_t, mean_c, ri,
 * estimate, yi, study, retracted, ...), found in a table's header once
 * (through --map) and kept with the table, so that the many small tables
 * of --each, which share one header, are not searched again. */
#include <strings.h>

#include "internal.h"

static const char *const names[MK_NCOLS] = {
	/* an arm's summary: the treatment arm, then the control arm */
	"mean_t", "sd_t", "n_t", "se_t", "ci_low_t", "ci_high_t",
	"median_t", "q1_t", "q3_t", "min_t", "max_t",
	"mean_c", "sd_c", "n_c", "se_c", "ci_low_c", "ci_high_c",
	"median_c", "q1_c", "q3_c", "min_c", "max_c",
	"events_t", "events_c", "ri", "ni", "events", "n", "time_t",
	"time_c", "time", "estimate", "ci_low", "ci_high", "se", "p", "yi",
	"vi", "sei", "study", "retracted",
};

const char *
mk_col_name(mk_colid id)
{
	return names[id];
}

int
mk_canonical(const char *name)
{
	for (int i = 0; i < MK_NCOLS; i++)
		if (strcasecmp(names[i], name) == 0)
			return 1;
	return 0;
}

const int *
mk_columns(const mk_table *t, const struct mk_opts *o)
{
	mk_colcache *cc = t->cache;

	if (cc->found && cc->maps == o->maps && cc->nmaps == o->nmaps)
		return cc->col;
	for (int i = 0; i < MK_NCOLS; i++)
		cc->col[i] = mk_table_col(t, names[i], o->maps, o->nmaps);
	cc->maps = o->maps;
	cc->nmaps = o->nmaps;
	cc->found = 1;
	return cc->col;
}
