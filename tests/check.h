/* check.h - the one assertion of the toolkit's unit tests.

   CHECK(cond, fmt, ...) prints "FAIL file:line: <message>" and counts a
   failure when cond is false, and goes on, so that one run reports every
   broken check. A test's main ends with `return failures ? 1 : 0;`.
   Include it once, in the test's own .c file. */
#ifndef NN_TESTS_CHECK_H
#define NN_TESTS_CHECK_H

#include <stdio.h>

static int failures = 0;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                    \
            printf(__VA_ARGS__);                                           \
            printf("\n");                                                  \
            failures++;                                                    \
        }                                                                  \
    } while (0)

#endif
