/* provenance.c: which row each study is and where its numbers came from,
 * in every output: its label (the study column, else its line),
 * the form it was read in and the conversion applied (JSON "from" and
 * "conversion", a CSV column, the text report's data section), the
 * integrity flags of studies kept in spite of them (a mark and a note),
 * and the rows left out with the reason (JSON "left_out", the text
 * report). */
#include <stdio.h>
#include <string.h>

#include "render/internal.h"

int
mk_from_direct(mk_from f)
{
	return f == MK_FROM_COUNTS || f == MK_FROM_MEANS_SD ||
	    f == MK_FROM_CORRELATION || f == MK_FROM_PROPORTION ||
	    f == MK_FROM_TWO_RATES || f == MK_FROM_ONE_RATE ||
	    f == MK_FROM_YI_VI || f == MK_FROM_YI_SEI;
}

int
mk_studies_plain(const mk_studies *s)
{
	for (size_t i = 0; i < s->k; i++)
		if (!mk_from_direct((mk_from)s->from[i]) || s->from[i] != s->from[0])
			return 0;
	return 1;
}

void
mk_json_from(mk_buf *b, const mk_studies *s, size_t i)
{
	char note[256];

	mk_from_note(s, i, note, sizeof(note));
	mk_buf_printf(b, ", \"from\": \"%s\", \"conversion\": ",
	    mk_from_name((mk_from)s->from[i]));
	if (note[0])
		mk_json_str(b, note);
	else
		mk_buf_printf(b, "null");
}

const char *
mk_row_label(const mk_result *r, size_t row, char *tmp, size_t tmpsz)
{
	const char *v = r->rows->label[row];

	if (v[0] != '\0')
		return v;
	snprintf(tmp, tmpsz, "line %ld", r->rows->line[row]);
	return tmp;
}

const char *
mk_study_label(const mk_result *r, const mk_studies *s, size_t i, char *tmp,
    size_t tmpsz)
{
	return mk_row_label(r, s->row[i], tmp, tmpsz);
}

const char *
mk_flag_mark(const mk_studies *s, size_t i)
{
	static const char *const mark[] = { "", " \xE2\x80\xA0",
	    " \xE2\x80\xA1", " \xE2\x80\xA0\xE2\x80\xA1" };

	return mark[s->flag[i] & 3];
}

const char *
mk_study_label_marked(const mk_result *r, const mk_studies *s, size_t i,
    char *buf, size_t n)
{
	char tmp[32];

	snprintf(buf, n, "%s%s", mk_study_label(r, s, i, tmp, sizeof(tmp)),
	    mk_flag_mark(s, i));
	return buf;
}

size_t
mk_flag_note(const mk_result *r, const mk_studies *s, size_t i, int marks,
    char *out, size_t n)
{
	const char *cn = r->rows->concern ? r->rows->concern[s->row[i]] : "";
	size_t len = 0;

	out[0] = '\0';
	if (s->flag[i] & MK_FLAG_RETRACTED)
		len += (size_t)snprintf(out, n, "%sretracted; kept "
		    "(--include-retracted)", marks ? "\xE2\x80\xA0 " : "");
	if ((s->flag[i] & MK_FLAG_CONCERN) && len < n)
		snprintf(out + len, n - len, "%s%sintegrity concern: %s; kept "
		    "(--include-flagged)", len ? "; " : "", marks ?
		    "\xE2\x80\xA1 " : "", cn);
	return strlen(out);
}

void
mk_json_flags(mk_buf *b, const mk_result *r, const mk_studies *s, size_t i)
{
	if (s->flag[i] & MK_FLAG_RETRACTED)
		mk_buf_printf(b, ", \"retracted\": true");
	if ((s->flag[i] & MK_FLAG_CONCERN) && r->rows->concern) {
		mk_buf_printf(b, ", \"concern\": ");
		mk_json_str(b, r->rows->concern[s->row[i]]);
	}
}

void
mk_json_left_out(mk_buf *b, const mk_result *r)
{
	const mk_studies *s = r->studies;
	char tmp[32];

	mk_buf_printf(b, "\n \"left_out\": [");
	for (size_t j = 0; j < s->nout; j++) {
		mk_buf_printf(b, "%s\n  {\"study\": ", j ? "," : "");
		mk_json_str(b, mk_row_label(r, s->out[j].row, tmp, sizeof(tmp)));
		mk_buf_printf(b, ", \"line\": %ld, \"reason\": ",
		    r->rows->line[s->out[j].row]);
		mk_json_str(b, s->out[j].why);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "],");
	if (s->nout_all > s->nout)
		mk_buf_printf(b, " \"left_out_not_listed\": %zu,",
		    s->nout_all - s->nout);
}

void
mk_render_provenance_text(mk_buf *b, const mk_result *r)
{
	const mk_studies *s = r->studies;
	char tmp[32], note[512], e[256];
	size_t count[MK_FROM_YI_SEI + 1] = { 0 };

	if (!mk_studies_plain(s)) {
		int first = 1;
		for (size_t i = 0; i < s->k; i++)
			count[s->from[i]]++;
		mk_buf_printf(b, "\nData:");
		for (int f = 0; f <= MK_FROM_YI_SEI; f++)
			if (count[f] > 0) {
				mk_buf_printf(b, "%s %zu stud%s from %s", first ? "" :
				    ",", count[f], count[f] == 1 ? "y" : "ies",
				    mk_from_name((mk_from)f));
				first = 0;
			}
		mk_buf_printf(b, "\n");
		for (size_t i = 0; i < s->k; i++) {
			mk_from_note(s, i, note, sizeof(note));
			if (note[0] == '\0')
				continue;
			mk_buf_printf(b, "  %s (%s): %s\n", mk_label(mk_row_label(r,
			    s->row[i], tmp, sizeof(tmp)), e, sizeof(e)),
			    mk_from_name((mk_from)s->from[i]), note);
		}
	}
	size_t nflag = 0;
	for (size_t i = 0; i < s->k; i++)
		if (s->flag[i] != 0) {
			if (nflag++ == 0)
				mk_buf_printf(b, "\nKept in spite of integrity "
				    "flags (a sensitivity analysis):\n");
			char en[600];
			mk_flag_note(r, s, i, 1, note, sizeof(note));
			mk_buf_printf(b, "  %s (line %ld): %s\n",
			    mk_label(mk_row_label(r, s->row[i], tmp,
			    sizeof(tmp)), e, sizeof(e)), r->rows->line[s->row[i]],
			    mk_label(note, en, sizeof(en)));
		}
	if (s->nout > 0) {
		mk_buf_printf(b, "\nLeft out (%zu row%s):\n", s->nout_all,
		    s->nout_all == 1 ? "" : "s");
		for (size_t j = 0; j < s->nout; j++)
			mk_buf_printf(b, "  %s (line %ld): %s\n",
			    mk_label(mk_row_label(r, s->out[j].row, tmp, sizeof(tmp)),
			    e, sizeof(e)), r->rows->line[s->out[j].row],
			    s->out[j].why);
		if (s->nout_all > s->nout)
			mk_buf_printf(b, "  and %zu more rows\n", s->nout_all -
			    s->nout);
	}
}
