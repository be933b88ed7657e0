# Chapter 4's tests. CHAPTER_BIN is the program.
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)

# It learns: after the quick run's passes both neurons judge at least 95
# of 100 beans right, and the squared-error neuron's S has a clearly
# positive slope (large beans are the toxic ones).
add_test(NAME ch04_learns
         COMMAND ${EXPECT} --value "squared error: w= " 5 60
                 --match "^squared error: w=.*accuracy= (0\\.9[5-9]|1\\.0)"
                 --match "^cross-entropy: w=.*accuracy= (0\\.9[5-9]|1\\.0)"
                 -- ${CHAPTER_BIN} --quick --plot none)
# The full default run: the tutorial's 5000 passes, and the race table
# down to its last row. At pass 1000 the squared-error neuron of the race
# is still on its plateau with its S mirrored (w between -6 and -4), as
# the prose says.
add_test(NAME ch04_default_run
         COMMAND ${EXPECT} --match "^ +5000 "
                 --match "^ +1000 +0\\.4[0-9]* +0\\.0[0-9]* +-[4-6]\\.[0-9]+ "
                 --value "cross-entropy: w= "
                 20 80 --match "^cross-entropy: w=.*accuracy= 0\\.9[5-9]"
                 -- ${CHAPTER_BIN} --plot none)
# The race: from the bad start, after 100 passes the cross-entropy
# neuron is already good (mean squared error below 0.1) while the
# squared-error one is still stuck on its plateau (above 0.3), its S
# still mirrored (w negative).
add_test(NAME ch04_race
         COMMAND ${EXPECT}
                 --match "^ +100 +0\\.[3-9][0-9]* +0\\.0[0-9]* +-[0-9.]+ +[0-9.]+ *$"
                 -- ${CHAPTER_BIN} --quick --plot none)
add_test(NAME ch04_bad_flag
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "--bad-w0: bad value" -- ${CHAPTER_BIN}
                 --bad-w0 nan --plot none)
add_test(NAME ch04_bad_epochs
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "--epochs: bad value" -- ${CHAPTER_BIN}
                 --epochs -5 --plot none)
# An unknown flag, no gnuplot, same seed same bytes (tests/chapter.cmake).
nn_chapter_tests(RESULT "^cross-entropy: w= ")
# The exercise checks (check.sh) against the unmodified program. The
# code change of exercise 5 (a gradient check) is not made, so a run of
# all checks exits 1. The border of the cross-entropy fit and the pass
# at which the squared-error neuron leaves its plateau are reached when
# right; 3/7 is not the fit's border, and 10 passes late is too late.
add_test(NAME ch04_exercise_checks_run
         COMMAND sh -c "bin=$1 script=$2
. ${CMAKE_SOURCE_DIR}/tests/exercise-test-lib.sh
run; want 1 '^exercise 2: not yet - no answer' \
  '^exercise 3: not yet - no answer' \
  '^exercise 5: not yet - no .gradient check, squared error'
run 2 0.4317; want 0 '^exercise 2: reached'
run 2 0.4286; want 1 '^exercise 2: not yet'
run 3 1460; want 0 '^exercise 3: reached'
run 3 1450; want 1 '^exercise 3: not yet - .* still'
run 3 1470; want 1 '^exercise 3: not yet - .* already'
run 5; want 1 '^exercise 5: not yet'
run 6; want 2 'no automatic check'" sh ${CHAPTER_BIN} ${CHAPTER_DIR}/check.sh)
# A run that would need more memory than the budget is refused before it
# starts, with one line naming the flags to lower.
add_test(NAME ch04_memory_budget
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "lower --beans or --epochs"
                 -- env NN_MEMORY_BUDGET=1M ${CHAPTER_BIN} --epochs 1000000
                 --plot none)
