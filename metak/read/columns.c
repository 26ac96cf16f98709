/* columns.c: the canonical columns metak reads (events_t, mean_c, ri,
 * estimate, yi, study, retracted, ...), found in a table's header once
 * (through --map, else by name, else by the names spreadsheet and RevMan
 * exports give them) and kept with the table, so that the many small
 * tables of --each, which share one header, are not searched again; and
 * the closest header name when one is missing. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/internal.h"

static const char *const names[MK_NCOLS] = {
	/* an arm's summary: the treatment arm, then the control arm */
	"mean_t", "sd_t", "n_t", "se_t", "ci_low_t", "ci_high_t",
	"median_t", "q1_t", "q3_t", "min_t", "max_t",
	"mean_c", "sd_c", "n_c", "se_c", "ci_low_c", "ci_high_c",
	"median_c", "q1_c", "q3_c", "min_c", "max_c",
	"events_t", "events_c", "ri", "ni", "events", "n", "time_t",
	"time_c", "time", "estimate", "ci_low", "ci_high", "se", "p", "yi",
	"vi", "sei", "study", "retracted", "concern",
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

/* Export spellings, compared as lower-case letters and digits only: RevMan
 * 5's exported columns, R meta's argument names (event.e, n.e, ...), and
 * the usual spreadsheet variants. Generic names ("Mean", "N") are left
 * out: which arm they belong to is not in the name. */
static const struct alias {
	mk_colid id;
	const char *spell;
} aliases[] = {
	{ MK_C_EVENTS_T, "experimentalevents" }, { MK_C_EVENTS_T, "eventsexperimental" },
	{ MK_C_EVENTS_T, "treatmentevents" }, { MK_C_EVENTS_T, "eventstreatment" },
	{ MK_C_EVENTS_T, "interventionevents" }, { MK_C_EVENTS_T, "evente" },
	{ MK_C_N_T, "experimentaltotal" }, { MK_C_N_T, "totalexperimental" },
	{ MK_C_N_T, "treatmenttotal" }, { MK_C_N_T, "interventiontotal" },
	{ MK_C_N_T, "experimentaln" }, { MK_C_N_T, "treatmentn" }, { MK_C_N_T, "ne" },
	{ MK_C_EVENTS_C, "controlevents" }, { MK_C_EVENTS_C, "eventscontrol" },
	{ MK_C_EVENTS_C, "eventc" },
	{ MK_C_N_C, "controltotal" }, { MK_C_N_C, "totalcontrol" },
	{ MK_C_N_C, "controln" }, { MK_C_N_C, "nc" },
	{ MK_C_ARM_T + MK_ARM_MEAN, "experimentalmean" },
	{ MK_C_ARM_T + MK_ARM_MEAN, "treatmentmean" },
	{ MK_C_ARM_T + MK_ARM_MEAN, "interventionmean" },
	{ MK_C_ARM_T + MK_ARM_MEAN, "meane" },
	{ MK_C_ARM_T + MK_ARM_SD, "experimentalsd" },
	{ MK_C_ARM_T + MK_ARM_SD, "treatmentsd" },
	{ MK_C_ARM_T + MK_ARM_SD, "interventionsd" },
	{ MK_C_ARM_T + MK_ARM_SD, "sde" },
	{ MK_C_ARM_C + MK_ARM_MEAN, "controlmean" },
	{ MK_C_ARM_C + MK_ARM_MEAN, "meanc" },
	{ MK_C_ARM_C + MK_ARM_SD, "controlsd" }, { MK_C_ARM_C + MK_ARM_SD, "sdc" },
	{ MK_C_STUDY, "studyorsubgroup" }, { MK_C_STUDY, "studlab" },
	{ MK_C_STUDY, "studyid" },
	{ MK_C_SEI, "sete" },
};

/* s as lower-case letters and digits only, into out (n > 0). */
static void
squeeze(const char *s, char *out, size_t n)
{
	size_t j = 0;

	for (; *s && j + 1 < n; s++)
		if (isalnum((unsigned char)*s))
			out[j++] = (char)tolower((unsigned char)*s);
	out[j] = '\0';
}

void
mk_squeeze(const char *s, char *out, size_t n)
{
	squeeze(s, out, n);
}

static int
colid(const char *name)
{
	for (int i = 0; i < MK_NCOLS; i++)
		if (strcasecmp(names[i], name) == 0)
			return i;
	return -1;
}

int
mk_alias_col(const mk_table *t, const char *name)
{
	int id = colid(name);
	char h[64] = "";

	if (id < 0)
		return -1;
	for (size_t i = 0; i < t->ncol; i++) {
		squeeze(t->names[i], h, sizeof(h));
		for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]); a++)
			if ((int)aliases[a].id == id && strcmp(aliases[a].spell,
			    h) == 0)
				return (int)i;
	}
	return -1;
}

int
mk_alias_note(const mk_table *t, const int *col, char *out, size_t n)
{
	int any = 0;
	size_t l = 0;

	out[0] = '\0';
	for (int i = 0; i < MK_NCOLS && l + 1 < n; i++) {
		if (col[i] < 0 || strcasecmp(t->names[col[i]], names[i]) == 0 ||
		    mk_alias_col(t, names[i]) != col[i])
			continue;
		int w = snprintf(out + l, n - l, "%s%s = \"%.60s\"", any ? ", " :
		    "", names[i], t->names[col[i]]);
		if (w < 0 || (size_t)w >= n - l)
			break;
		l += (size_t)w;
		any = 1;
	}
	return any;
}

static int
is_alias(const char *squeezed)
{
	for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]); a++)
		if (strcmp(aliases[a].spell, squeezed) == 0)
			return 1;
	return 0;
}

int
mk_col_suggest(const mk_table *t, const char *name, char *out, size_t n)
{
	int id = colid(name);
	char want[64] = "", h[64] = "";
	size_t best = SIZE_MAX;

	out[0] = '\0';
	for (size_t i = 0; i < t->ncol; i++) {
		squeeze(t->names[i], h, sizeof(h));
		if (h[0] == '\0' || colid(t->names[i]) >= 0 || is_alias(h))
			continue;	/* read as a column of its own */
		/* against the canonical name and each of its spellings */
		for (size_t a = 0; a <= sizeof(aliases) / sizeof(aliases[0]);
		    a++) {
			if (a < sizeof(aliases) / sizeof(aliases[0]) &&
			    (int)aliases[a].id != id)
				continue;
			squeeze(a < sizeof(aliases) / sizeof(aliases[0]) ?
			    aliases[a].spell : name, want, sizeof(want));
			size_t d = mk_edit_distance(want, h), lim = strlen(want) / 3;
			if (d <= (lim > 2 ? lim : 2) && d < best) {
				best = d;
				snprintf(out, n, "%s", t->names[i]);
			}
		}
	}
	return out[0] != '\0';
}

int
mk_table_check_maps(const mk_table *t, const mk_map *maps, size_t nmaps,
    mk_err *err)
{
	for (size_t m = 0; m < nmaps; m++)
		if (mk_table_col(t, maps[m].column, NULL, 0) < 0) {
			mk_err_set(err, t->file, t->header_line, maps[m].column, "no such column "
			    "(--map %s=%s)", maps[m].name, maps[m].column);
			return -1;
		}
	return 0;
}

int
mk_table_col(const mk_table *t, const char *name, const mk_map *maps,
    size_t nmaps)
{
	int c;

	for (size_t m = 0; m < nmaps; m++)
		if (strcasecmp(maps[m].name, name) == 0) {
			name = maps[m].column;
			break;
		}
	c = mk_table_find(t, name);
	return c >= 0 ? c : mk_alias_col(t, name);
}
