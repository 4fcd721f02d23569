/*
 * unit.h — the shared shape of a Check unit test program.
 *
 * Each tests/unit/test_NAME.c builds one Suite (table-driven cases with
 * tcase_add_loop_test where the cases are data) and ends with
 * UNIT_MAIN(make_suite). The program prints Check's summary line and exits
 * non-zero when any test failed.
 */
#ifndef AGENTENV_UNIT_H
#define AGENTENV_UNIT_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ynode.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The fixture of suites that run the program's own code: each test starts
 * with no diagnostics, and leaves none and no libfyaml fragment cache.
 */
static inline void unit_setup(void)
{
	diag_clear();
}

static inline void unit_teardown(void)
{
	diag_clear();
	ynode_cache_release();
}

#define UNIT_MAIN(make_suite)                                           \
	int main(void)                                                  \
	{                                                               \
		SRunner *runner = srunner_create(make_suite());         \
		srunner_run_all(runner, CK_NORMAL);                     \
		int failed = srunner_ntests_failed(runner);             \
		srunner_free(runner);                                   \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;            \
	}

#endif
