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
