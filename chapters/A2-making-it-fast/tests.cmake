# The appendix's products must agree (the program checks each against
# BLAS and exits 1 otherwise) and every method must be measured, on one
# thread and then on several; the BLAS in use is named.
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)
set(ROW "+128 +[0-9.e+-]+ +[0-9.]+ +[0-9.]+e[+-][0-9]+$")
add_test(NAME appA2_products_agree
         COMMAND ${EXPECT} --match "^BLAS: "
                 --match "^definition \\(ijk\\) ${ROW}"
                 --match "^loops swapped \\(ikj\\) ${ROW}"
                 --match "^blocked 64x64 ${ROW}"
                 --match "^packed, 6x16 kernel ${ROW}"
                 --match "^OpenBLAS, 1 thread ${ROW}"
                 --match "^OpenBLAS, 2 threads ${ROW}"
                 --match "^  packed kernel / OpenBLAS, 1 thread: +[0-9.]+$"
                 -- ${CHAPTER_BIN} --quick --threads 2 --plot none)
# Sizes that are not multiples of the packed kernel's 6 x 16 block: a
# wrong edge would fail the comparison with BLAS and exit 1.
add_test(NAME appA2_odd_sizes
         COMMAND ${EXPECT} --match "^packed, 6x16 kernel +100 "
                 --match "^at n = 100,"
                 -- ${CHAPTER_BIN} --max-n 100 --plot none)
add_test(NAME appA2_memory_budget
         COMMAND ${CMAKE_COMMAND} -E env NN_MEMORY_BUDGET=1M
                 ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "memory budget: lower --max-n"
                 -- ${CHAPTER_BIN} --max-n 1024 --plot none)
add_test(NAME appA2_bad_flag
         COMMAND ${EXPECT} --status 2 --stderr "--max-n: bad value"
                 -- ${CHAPTER_BIN} --max-n 10)
# The exercise checks (check.sh) against the unmodified program: there
# is no --tile flag and there are no (jik) and (kij) rows yet, so both
# checks say "not yet" and exit 1; exercise 3 has no check.
add_test(NAME appA2_exercise_checks_run
         COMMAND sh -c "bin=$1 script=$2
. ${CMAKE_SOURCE_DIR}/tests/exercise-test-lib.sh
run; want 1 '^exercise 1: not yet - the program does not take --tile' \
  '^exercise 2: not yet - no row for [(]jik[)] [(]kij[)]'
run 3; want 2 'no automatic check'" sh ${CHAPTER_BIN} ${CHAPTER_DIR}/check.sh)
