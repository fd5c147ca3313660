/* The run's string pool: one copy per distinct string, equal pointers for
 * equal strings, strings that stay put while the table grows, lengths
 * that are the caller's (bytes after len ignored, empty strings). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "reports/str_pool.h"

Test(str_pool, one_copy_per_distinct_string)
{
	struct vp_str_pool *p = vp_str_pool_new();
	cr_assert_not_null(p);
	char *a = vp_str_pool_intern(p, "cpu.int", 7);
	char *b = vp_str_pool_intern(p, "cpu.intXYZ", 7);
	char *c = vp_str_pool_intern(p, "cpu.fp", 6);
	char *e = vp_str_pool_intern(p, "", 0);
	cr_assert(a && b && c && e);
	cr_expect_eq(a, b, "equal strings share one copy");
	cr_expect_neq(a, c);
	cr_expect_str_eq(a, "cpu.int");
	cr_expect_str_eq(c, "cpu.fp");
	cr_expect_str_eq(e, "");
	cr_expect_eq(vp_str_pool_intern(p, "x", 0), e);
	vp_str_pool_free(p);
}

Test(str_pool, strings_stay_put_while_the_table_grows)
{
	struct vp_str_pool *p = vp_str_pool_new();
	enum { N = 5000 };
	static char *first[N];
	char buf[64];
	for (int i = 0; i < N; i++) {
		/* long enough to span several 64 KiB blocks */
		int n = snprintf(buf, sizeof(buf), "metric_%d_bucket_le_%d", i,
				 i * 7919);
		first[i] = vp_str_pool_intern(p, buf, (size_t)n);
		cr_assert_not_null(first[i]);
	}
	for (int i = N; i-- > 0;) {
		int n = snprintf(buf, sizeof(buf), "metric_%d_bucket_le_%d", i,
				 i * 7919);
		cr_assert_eq(vp_str_pool_intern(p, buf, (size_t)n), first[i]);
		cr_assert_str_eq(first[i], buf);
	}
	char big[100000];
	memset(big, 'a', sizeof(big));
	char *s = vp_str_pool_intern(p, big, sizeof(big));
	cr_assert(s && strlen(s) == sizeof(big), "a string over one block");
	vp_str_pool_free(p);
	vp_str_pool_free(NULL);
}
