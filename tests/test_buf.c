/* test_buf.c: the output buffer's helpers: the fast "%.15g" formatter must
 * write exactly what printf writes (checked on a million values of every
 * kind: random bit patterns, wide magnitudes, short decimals, ties), and
 * XML escaping. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/internal.h"

static void
g15_equals_printf(void **state)
{
	uint64_t s = 88172645463325252ULL;
	long bad = 0;
	(void)state;
	/* valgrind computes long double in double precision, which the
	 * formatter's exact scaling relies on: nothing to learn there */
	if (getenv("METAK_VALGRIND") != NULL)
		skip();
	for (long i = 0; i < 1000000; i++) {
		double x;
		char a[64], b[64];
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		switch (i % 4) {
		case 0:
			memcpy(&x, &s, sizeof(x));
			if (!isfinite(x))
				continue;
			break;
		case 1:
			x = (double)(s >> 11) / 9007199254740992.0 *
			    pow(10, (int)(s % 40) - 20) * ((s >> 5) & 1 ? -1 : 1);
			break;
		case 2:
			x = round((double)(s >> 11) / 9007199254740992.0 * 1e6) /
			    pow(10, (int)(s % 9));
			break;
		default:	/* exact ties at the 15th digit */
			x = (double)(100000000000000ULL + (s >> 20) % 100000ULL)
			    + 0.5;
			break;
		}
		snprintf(a, sizeof(a), "%.15g", x);
		mk_fmt_g15(b, x);
		if (strcmp(a, b) != 0 && bad++ < 5)
			print_error("%s vs %s\n", a, b);
	}
	assert_int_equal(bad, 0);
}

static void
xml_escape(void **state)
{
	mk_buf b = { 0 };
	(void)state;
	mk_buf_xml(&b, "a<b>&\"c\"'d'\x01");
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; ");
	mk_buf_free(&b);
}

/* An error reworded with its own text keeps it (--jobs under a memory
 * limit printed 'analysis "a7": ' with the reason lost). */
static void
err_set_own_text(void **state)
{
	mk_err e;

	(void)state;
	mk_err_set(&e, "f.csv", 0, "col", "out of memory");
	mk_err_set(&e, e.file, 12, e.column, "%s", e.msg);
	assert_string_equal(e.file, "f.csv");
	assert_string_equal(e.column, "col");
	assert_string_equal(e.msg, "out of memory");
	assert_int_equal(e.line, 12);
	mk_err_set(&e, "", 0, "", "analysis %s: %s", "x", e.msg);
	assert_string_equal(e.msg, "analysis x: out of memory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(err_set_own_text),
		cmocka_unit_test(g15_equals_printf),
		cmocka_unit_test(xml_escape),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
