#ifndef PML_TEST_T_H
#define PML_TEST_T_H
/*
 * A tiny unit-test harness. Each u-*.c is one program; every check prints
 * one TAP line ("ok N - what" / "not ok N - what ...") and main returns
 * t_done(), non-zero if any check failed. tests/run.sh counts the lines.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

#define T_OK(cond, ...) \
	do { \
		t_n++; \
		if (cond) { \
			printf("ok %d - ", t_n); \
		} else { \
			t_failed++; \
			printf("not ok %d - %s:%d: ", t_n, __FILE__, __LINE__); \
		} \
		printf(__VA_ARGS__); \
		printf("\n"); \
		fflush(stdout); \
	} while (0)

#define T_EQ_INT(a, b, what) \
	do { \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b); \
		T_OK(t_a_ == t_b_, "%s (got %lld, want %lld)", what, t_a_, t_b_); \
	} while (0)

#define T_EQ_STR(a, b, what) \
	do { \
		const char *t_a_ = (a), *t_b_ = (b); \
		T_OK(t_a_ && t_b_ && !strcmp(t_a_, t_b_), "%s (got '%s', want '%s')", what, \
		     t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)"); \
	} while (0)

#define T_NEAR(a, b, tol, what) \
	do { \
		double t_a_ = (double)(a), t_b_ = (double)(b); \
		T_OK(fabs(t_a_ - t_b_) <= (tol), "%s (got %.9g, want %.9g, tol %g)", what, t_a_, t_b_, \
		     (double)(tol)); \
	} while (0)

static int
t_done(void)
{
	printf("# %d checks, %d failed\n", t_n, t_failed);
	return t_failed ? 1 : 0;
}

#endif
