/* test_csv.c: the CSV reader and the table: RFC 4180 quoting, BOM, CRLF,
 * line numbers of records, and the shape errors. */
#include <string.h>

#include "check.h"

static mk_table *
parse(const char *csv, mk_err *e)
{
	return mk_table_parse("t.csv", csv, strlen(csv), e);
}

static void
awkward_but_valid(void **state)
{
	mk_err e;
	(void)state;
	mk_table *t = parse("\xEF\xBB\xBFStudy,YI,vi\r\n"
	    "\"a, \"\"quoted\"\"\nname\",1,2\r\n\r\nb,3,4\n\n\n", &e);
	assert_non_null(t);
	assert_int_equal(t->nrow, 2);
	assert_string_equal(t->names[0], "Study");
	assert_int_equal(mk_table_col(t, "study", NULL, 0), 0);
	assert_int_equal(mk_table_col(t, "yi", NULL, 0), 1);
	assert_string_equal(mk_table_cell(t, 0, 0), "a, \"quoted\"\nname");
	assert_int_equal(t->line[0], 2);
	assert_int_equal(t->line[1], 5);	/* after a blank line */
	mk_map m = { "vi", "YI" };
	assert_int_equal(mk_table_col(t, "vi", &m, 1), 1);
	mk_table_free(t);
}

static void
shape_errors(void **state)
{
	static const struct { const char *csv; long line; const char *msg; }
	cases[] = {
		{ "", 0, "empty file" },
		{ "a,b\n1,2\n3\n", 3, "row has 1 field, the header has 2" },
		{ "a,b\n\"1,2\n", 2, "unterminated quoted field" },
		{ "a,b\n1\"x,2\n", 2, "malformed quoting" },
		{ "a,A\n1,2\n", 1, "duplicate column name" },
		{ "a,,b\n1,2,3\n", 1, "has no name" },
		{ "a,b\n\xff,2\n", 2, "invalid UTF-8" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mk_err e = { 0 };
		assert_null(parse(cases[i].csv, &e));
		assert_int_equal(e.line, cases[i].line);
		if (strstr(e.msg, cases[i].msg) == NULL) {
			print_error("case %zu: %s\n", i, e.msg);
			fail();
		}
	}
	mk_err e = { 0 };
	assert_null(mk_table_parse("t.csv", "a,b\n1,\0\n", 8, &e));
	assert_non_null(strstr(e.msg, "NUL byte"));
}

/* --decimal ,: a number with one decimal comma becomes one with a point;
 * anything else (labels, thousands separators, two commas) stays. */
static void
decimal_comma(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "1,5", "1.5" }, { "-0,25", "-0.25" }, { ",5", ".5" },
		{ "3,4E-2", "3.4E-2" }, { " 12,0 ", " 12.0 " }, { "+7,", "+7." },
		{ "1.5", "1.5" }, { "12", "12" }, { "1,2,3", "1,2,3" },
		{ "1.234,5", "1.234,5" }, { "Smith, 2001", "Smith, 2001" },
		{ ",", "," }, { "-,", "-," }, { "1,5e", "1,5e" }, { "", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char b[32];
		strcpy(b, cases[i].in);
		assert_int_equal(mk_decimal_comma(b), strcmp(cases[i].in,
		    cases[i].out) != 0);
		assert_string_equal(b, cases[i].out);
	}
}

/* "Did you mean": Levenshtein's distance ignoring case, and the nearest
 * name within a third of the word (1 edit up to 4 characters). */
static void
did_you_mean(void **state)
{
	static const char *const names[] = { "method", "measure", "by",
	    "include-retracted", NULL, "include-flagged" };
	(void)state;
	assert_int_equal(mk_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(mk_edit_distance("", "abc"), 3);
	assert_int_equal(mk_edit_distance("Alloc", "alloc"), 0);
	assert_string_equal(mk_closest("metod", names, 6), "method");
	assert_string_equal(mk_closest("mesure", names, 6), "measure");
	assert_string_equal(mk_closest("bi", names, 6), "by");
	assert_null(mk_closest("xyz", names, 6));
	assert_null(mk_closest("method", names, 1));	/* itself */
	assert_string_equal(mk_closest("include-flaged", names, 6),
	    "include-flagged");
	mk_err e = { 0 };
	mk_table *t = parse("study,alloc\na,random\nb,systematic\n", &e);
	assert_non_null(t);
	assert_string_equal(mk_table_suggest_col(t, "aloc"), "alloc");
	assert_null(mk_table_suggest_col(t, "dose"));
	assert_string_equal(mk_table_suggest_value(t, 1, "Random"), "random");
	assert_null(mk_table_suggest_value(t, 1, "alternate"));
	mk_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(awkward_but_valid),
		cmocka_unit_test(shape_errors),
		cmocka_unit_test(decimal_comma),
		cmocka_unit_test(did_you_mean),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
