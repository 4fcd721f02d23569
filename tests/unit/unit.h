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
