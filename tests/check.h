/* check.h: what every cmocka test file includes: cmocka itself, a
 * relative-tolerance assertion for doubles (cmocka 1.1's own float
 * assertion truncates to float) and a table parsed from CSV text. */
#ifndef METAK_CHECK_H
#define METAK_CHECK_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "metak.h"

/* |got - want| <= rel |want| (or <= rel when want is 0). */
#define assert_close(got, want, rel) do {				\
	double g_ = (got), w_ = (want), r_ = (rel);			\
	double tol_ = w_ == 0 ? r_ : r_ * fabs(w_);			\
	if (!(fabs(g_ - w_) <= tol_)) {					\
		print_error("%s = %.17g, want %.17g (rel %g)\n",	\
		    #got, g_, w_, r_);					\
		fail();							\
	}								\
} while (0)

#define assert_nan(x) do {						\
	if (!isnan(x)) {						\
		print_error("%s = %.17g, want NaN\n", #x, (double)(x));	\
		fail();							\
	}								\
} while (0)

/* The table of csv (file name "t.csv"); fails the test if it does not
 * parse. Unused in some test files, hence the attribute. */
__attribute__((unused)) static mk_table *
table_of(const char *csv)
{
	mk_err e;
	mk_table *t = mk_table_parse("t.csv", csv, strlen(csv), &e);
	assert_non_null(t);
	return t;
}

#endif
