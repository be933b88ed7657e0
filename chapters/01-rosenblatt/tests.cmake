# Chapter 1's tests. CHAPTER_BIN is the program, TESTS_SH the scripts.
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)

# It learns: w within 0.1 of the 1.2 the beans were made with.
add_test(NAME ch01_learns_w
         COMMAND ${EXPECT} --value "w= " 1.1 1.3 --
                 ${CHAPTER_BIN} --quick --plot none)
# The full default run prints every reported pass and the final weight.
add_test(NAME ch01_default_run
         COMMAND ${EXPECT} --match "^pass 100: w = " --value "w= " 1.1 1.3
                 -- ${CHAPTER_BIN} --plot none)
# A learning rate far too large diverges, and says so, instead of
# printing inf or nan as a result.
add_test(NAME ch01_diverges_cleanly
         COMMAND ${EXPECT} --status 1 --stderr "diverged" --lines-stderr 1
                 -- ${CHAPTER_BIN} --lr 50 --plot none)
add_test(NAME ch01_no_gnuplot
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/no-gnuplot.sh "^w= "
                 ${CHAPTER_BIN} --quick)
# Same seed, same bytes; another seed, other beans.
add_test(NAME ch01_reproducible
         COMMAND sh -c "a=$(\"$1\" --plot none --seed 7); \
b=$(\"$1\" --plot none --seed 7); c=$(\"$1\" --plot none --seed 8); \
[ \"$a\" = \"$b\" ] && [ \"$a\" != \"$c\" ]" sh ${CHAPTER_BIN})
