# The appendix's four products must agree (the program checks each
# against BLAS and exits 1 otherwise) and all four must be measured.
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)
add_test(NAME appA2_four_products_agree
         COMMAND ${EXPECT} --match "^definition \\(ijk\\) +128"
                 --match "^loops swapped \\(ikj\\) +128"
                 --match "^blocked 64x64 +128" --match "^OpenBLAS sgemm +128"
                 -- ${CHAPTER_BIN} --quick --plot none)
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
