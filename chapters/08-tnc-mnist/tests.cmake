# Chapter 8's tests. CHAPTER_BIN is the program. All but the checks need
# MNIST's four files where --data mnist finds them (make deps).
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)

# The checks: area averaging against averages known without the code
# (a constant image, the left 7 of 28 columns = the left 5 of 20, one
# inked pixel, 2x2 block means for 28 -> 14); backpropagation against
# central differences on the course's small network, with and without
# the penalty, and the R-operator's Hessian product against central
# differences of the gradient: the course's bound, 1e-9. The tutorial's
# network: 400-25-10, 10,285 weights.
add_test(NAME ch08_gradient_check
         COMMAND ${EXPECT}
                 --match "^network 400-25-10: 10285 weights"
                 --value "  constant " 0 1e-15
                 --value "left 7 columns " 0 1e-15
                 --value "one pixel " 0 1e-15
                 --value "2x2 blocks " 0 1e-15
                 --value "lambda = 0: relative difference" 0 1e-9
                 --value "gradient check, lambda = 3: relative difference"
                         0 1e-9
                 --value "Hessian check, lambda = 3: relative difference"
                         0 1e-9
                 -- ${CHAPTER_BIN} --gradcheck --plot none)

# The initial weights are NumPy's: np.random.seed(0); uniform(-0.5, 0.5,
# 10285), first, second and last draw, as numpy_draws.py printed them
# into numpy-draws.txt (compared as doubles, so 17 digits against
# NumPy's shortest form is no difference).
add_test(NAME ch08_numpy_draws
         COMMAND sh ${CHAPTER_DIR}/test-draws.sh ${CHAPTER_BIN}
                 ${CHAPTER_DIR}/numpy-draws.txt)

# A quick run (500 training digits, 50 of each, 1,000 test digits, 30
# evaluations) learns: from a cost near 8 to below 2.5, most training
# digits right; the ink lists and mat_gemm agree, and so do the exact
# and finite-difference products.
add_test(NAME ch08_quick_learns
         COMMAND ${EXPECT} --match "training and 10000 test images of 28x28, area-averaged to 20x20"
                 --match "^training on 500 .the first 50 of each class., testing on 1000$"
                 --match "^training: truncated Newton, exact products"
                 --value "initial cost: " 7 10
                 --value "ink lists against mat_gemm: relative difference "
                         0 1e-12
                 --value "finite difference against exact: relative"
                         0 1e-5
                 --match "^    nfev: 30$"
                 --value "     fun: " 0 2.5
                 --value "training accuracy: " 0.8 1
                 --value "test accuracy: " 0.7 1
                 --match "^  gradient descent +29 +30 "
                 -- ${CHAPTER_BIN} --quick --plot none)
# TNC's finite-difference products and the Gauss-Newton ones train
# too, within the budget (the default is the exact product).
add_test(NAME ch08_quick_fd
         COMMAND ${EXPECT} --match "^training: truncated Newton, fd"
                 --match "^    nfev: 30$"
                 --value "     fun: " 0 2.5
                 --value "training accuracy: " 0.8 1
                 -- ${CHAPTER_BIN} --quick --plot none --hessian fd
                    --no-compare)
add_test(NAME ch08_quick_gauss_newton
         COMMAND ${EXPECT} --match "^training: truncated Newton, Gauss"
                 --value "     fun: " 0 2.5
                 --value "training accuracy: " 0.8 1
                 -- ${CHAPTER_BIN} --quick --plot none --hessian gn
                    --no-compare)
# MNIST's own resolution: 784-25-10, 19,885 weights, and it learns.
add_test(NAME ch08_quick_size_28
         COMMAND ${EXPECT} --match "of 28x28, kept at 28x28$"
                 --match "^network 784-25-10: 19885 weights"
                 --value "training accuracy: " 0.8 1
                 -- ${CHAPTER_BIN} --quick --plot none --size 28
                    --no-compare)
# The budget is a budget: 7 evaluations are 7, never 8.
add_test(NAME ch08_budget_kept
         COMMAND ${EXPECT} --match "^    nfev: 7$"
                 --match "Max. number of function evaluations reached"
                 -- ${CHAPTER_BIN} --quick --evals 7 --plot none
                    --no-compare)

# Bad flags: one line on stderr, exit status 2.
foreach(case "hessian|--hessian|newton" "evals|--evals|0"
             "lambda|--lambda|-1" "train|--train|0" "lr|--lr|0"
             "optimizer|--optimizer|adam" "max_cg|--max-cg|0"
             "size|--size|1")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 flag)
  list(GET parts 2 value)
  add_test(NAME ch08_rejects_${name}
           COMMAND ${EXPECT} --status 2 --lines-stderr 1
                   --stderr "${flag}: bad value"
                   -- ${CHAPTER_BIN} ${flag} "${value}" --plot none)
endforeach()
# A size larger than the images is refused once they are read.
add_test(NAME ch08_rejects_size_above_images
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "--size 40: larger than the images .28x28."
                 -- ${CHAPTER_BIN} --quick --plot none --size 40)

# Bad data: one line, exit 2. A directory without IDX files; the broken
# data sets of tests/make_bad_idx.c (fixture bad_idx_dirs); a training
# set without a test set; a test set whose images are 2x2 beside
# training images of 28x28.
add_test(NAME ch08_data_missing
         COMMAND ${EXPECT} --status 2 --lines-stderr 1 --stderr "not found"
                 -- ${CHAPTER_BIN} --quick --plot none
                    --data ${CMAKE_CURRENT_BINARY_DIR}/no-such-dir)
foreach(case wrong-magic truncated huge-count label-10 trailing empty
             count-mismatch no-labels)
  add_test(NAME ch08_bad_idx_${case}
           COMMAND ${EXPECT} --status 2 --lines-stderr 1
                   -- ${CHAPTER_BIN} --quick --plot none
                      --data ${CMAKE_BINARY_DIR}/bad_idx/${case})
  set_tests_properties(ch08_bad_idx_${case} PROPERTIES
                       FIXTURES_REQUIRED bad_idx_dirs)
endforeach()
add_test(NAME ch08_data_no_test_set
         COMMAND sh -c "d=$(mktemp -d) && trap 'rm -rf \"$d\"' EXIT && \
cp \"$2\"/train-* \"$d/\" && sh \"$3\" --status 2 --lines-stderr 1 \
--stderr 'no test set' -- \"$1\" --quick --plot none --data \"$d\""
                 sh ${CHAPTER_BIN} ${CMAKE_BINARY_DIR}/bad_idx/good
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)
add_test(NAME ch08_data_test_size_differs
         COMMAND sh -c "d=$(mktemp -d) && trap 'rm -rf \"$d\"' EXIT && \
cp \"$2\"/train-* \"$d/\" && \
printf '\\000\\000\\010\\003\\000\\000\\000\\001\\000\\000\\000\\002\
\\000\\000\\000\\002\\000\\001\\002\\003' > \"$d/t10k-images-idx3-ubyte\" && \
printf '\\000\\000\\010\\001\\000\\000\\000\\001\\007' \
> \"$d/t10k-labels-idx1-ubyte\" && sh \"$3\" --status 2 --lines-stderr 1 \
--stderr '2x2.*28x28' \
-- \"$1\" --quick --plot none --data \"$d\""
                 sh ${CHAPTER_BIN} ${CMAKE_BINARY_DIR}/bad_idx/good
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)
set_tests_properties(ch08_data_no_test_set ch08_data_test_size_differs
                     PROPERTIES FIXTURES_REQUIRED bad_idx_dirs)
# good/ (40 images of 28x28, 4 of each digit, and 10 test images)
# trains.
add_test(NAME ch08_bad_idx_good_trains
         COMMAND ${EXPECT} --match "^training on 40 .the first 4 of each class., testing on 10$"
                 --match "^training accuracy: "
                 -- ${CHAPTER_BIN} --quick --plot none --no-compare
                    --data ${CMAKE_BINARY_DIR}/bad_idx/good)
set_tests_properties(ch08_bad_idx_good_trains PROPERTIES
                     FIXTURES_REQUIRED bad_idx_dirs)

# An unknown flag, no gnuplot, same seed same bytes, and every broken
# data set of tests/make_bad_idx.c (tests/chapter.cmake).
nn_chapter_tests(RESULT "^training accuracy: " DATA)
# The ink lists give the same bytes on any number of threads, and the
# same initial cost as mat_gemm.
add_test(NAME ch08_threads_same_output
         COMMAND sh -c "a=$(\"$1\" --quick --plot none --threads 1); \
b=$(\"$1\" --quick --plot none --threads 3); [ -n \"$a\" ] && \
[ \"$a\" = \"$b\" ]" sh ${CHAPTER_BIN})
add_test(NAME ch08_dense_same_cost
         COMMAND sh -c "a=$(\"$1\" --quick --plot none --no-compare \
| grep 'initial cost'); b=$(\"$1\" --quick --plot none --no-compare \
--dense | grep 'initial cost'); echo \"$a / $b\"; \
[ -n \"$a\" ] && [ \"$a\" = \"$b\" ]" sh ${CHAPTER_BIN})
# The ink lists' products (ink.c: strips, blocks, threads, vector loops)
# give the bytes of plain loops that add the same terms in the same
# order (tests/test_ink.c, built in a directory of its own, so that it
# is not taken for one of the book's programs).
add_subdirectory(${CHAPTER_DIR}/tests ${CMAKE_BINARY_DIR}/ch08-tests)

# The network diagram is written from the program's own sizes.
add_test(NAME ch08_network_diagram
         COMMAND sh -c "d=$(mktemp -d) && trap 'rm -rf \"$d\"' EXIT && \
\"$1\" --quick --plot file --out \"$d\" --no-compare --hidden 7 \
> /dev/null 2>&1; grep -q '7 hidden' \"$d/network.dot\" && \
grep -q '400 inputs' \"$d/network.dot\" && \
grep -q 'Theta1.*7 x 401' \"$d/network.dot\" && echo ok" sh
                 ${CHAPTER_BIN})

# The book run's targets are checked by book-check.sh when `make book`
# makes the run (a miss fails the book). Here: the check passes on a
# run that meets them and fails on one that does not.
add_test(NAME ch08_book_check_can_fail
         COMMAND sh -c "d=$(mktemp -d) && trap 'rm -rf $d' EXIT && \
printf '%s\\n' 'training on 5000 (the first 500 of each class), testing on 10000' \
'network 400-25-10: 10285 weights; lambda = 1' 'test accuracy: 0.9353' \
'  cost at the start: 7.589660 (this chapter''s: 7.589660)' > $d/good && \
sed 's/0.9353/0.9100/' $d/good > $d/low && \
sh $1 $d/good && ! sh $1 $d/low 2>/dev/null" sh
                 ${CHAPTER_DIR}/book-check.sh)

# The exercise checks (check.sh) against the unmodified program. Neither
# code change is made: there is no --no-precondition flag (not yet,
# exercise 5) and the outputs are sigmoids (not yet, exercise 8), so a
# run of all checks exits 1. With --train 500, 503 steps of gradient
# descent bring the border weights as low as truncated Newton's 100
# evaluations (502 do not), and 529 is the most that is within 5% (530
# is not: 503 steps already suffice).
add_test(NAME ch08_exercise_checks_run
         COMMAND sh -c "bin=$1 script=$2
. ${CMAKE_SOURCE_DIR}/tests/exercise-test-lib.sh
run; want 1 '^exercise 3: not yet - no answer' \
  '^exercise 5: not yet - the program does not know --no-precondition' \
  '^exercise 8: not yet - the network line still reads .network 400-25-10'
run 3 503; want 0 '^exercise 3: reached'
run 3 529; want 0 '^exercise 3: reached'
run 3 502; want 1 '^exercise 3: not yet - .* More steps are needed'
run 3 530; want 1 '^exercise 3: not yet - .* Fewer steps suffice'
run 3 0; want 2 'a number of steps, 1 to 10000'
run 8 1; want 2 'takes no ANSWER'
run 6; want 2 'no automatic check'
run 9; want 2 'no exercise'" sh ${CHAPTER_BIN} ${CHAPTER_DIR}/check.sh)
