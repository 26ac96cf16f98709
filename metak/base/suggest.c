/* suggest.c: "did you mean": the edit distance of two words and the
 * nearest of a list of names to a word that is none of them. Callers say
 * what the names are (options, columns, values) and word the message. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

/* Levenshtein's distance (insertions, deletions and substitutions, one
 * each; Levenshtein 1966, Soviet Physics Doklady 10:707), ignoring case,
 * over one row of the table: O(|a| |b|) time, O(|b|) memory. SIZE_MAX
 * when memory runs out. */
size_t
mk_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *row, d;

	row = malloc((lb + 1) * sizeof(*row));
	if (row == NULL)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag +
			    (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

size_t
mk_suggest_limit(const char *word)
{
	size_t n = strlen(word);

	return n <= 4 ? 1 : n / 3 > 2 ? n / 3 : 2;
}

const char *
mk_closest(const char *word, const char *const *names, size_t n)
{
	size_t best = SIZE_MAX, lim = mk_suggest_limit(word);
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		if (names[i] == NULL || strcmp(names[i], word) == 0)
			continue;
		size_t d = mk_edit_distance(word, names[i]);
		if (d <= lim && d < best) {
			best = d;
			found = names[i];
		}
	}
	return found;
}
