/* Shared by the unit tests: recorded samples under tests/data (VP_TEST_DATA,
 * set by tests/CMakeLists.txt), read whole. */
#ifndef VP_TEST_DATA_H
#define VP_TEST_DATA_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole text of VP_TEST_DATA/<dir>/<name>, malloc'd and
 * NUL-terminated; the test fails when it cannot be read. */
static inline char *vp_test_slurp(const char *dir, const char *name)
{
	char path[512];
	char *buf = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", VP_TEST_DATA, dir, name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	if (getdelim(&buf, &cap, '\0', f) < 0) {
		free(buf);
		buf = strdup(""); /* an empty sample */
	}
	fclose(f);
	return buf;
}

#endif
