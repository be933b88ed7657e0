# Chapter 8's tests. CHAPTER_BIN is the program.
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)

# Backpropagation against central differences on ex4's small network,
# with and without the penalty, and the R-operator's Hessian product
# against central differences of the gradient: ex4's bound, 1e-9.
add_test(NAME ch08_gradient_check
         COMMAND ${EXPECT}
                 --value "lambda = 0: relative difference" 0 1e-9
                 --value "gradient check, lambda = 3: relative difference"
                         0 1e-9
                 --value "Hessian check, lambda = 3: relative difference"
                         0 1e-9
                 -- ${CHAPTER_BIN} --gradcheck)

# A quick run (500 images each way, 30 evaluations) learns: from a cost
# near 9 to below 4, and most training digits right; the first lines
# are the checks, the exact and finite-difference products agree.
add_test(NAME ch08_quick_learns
         COMMAND ${EXPECT} --match "training on 500, testing on 500"
                 --match "^training: truncated Newton, exact products"
                 --value "initial cost: " 8 10
                 --value "finite difference against exact: relative"
                         0 1e-5
                 --match "^    nfev: 30$"
                 --value "     fun: " 0 4
                 --value "training accuracy: " 0.75 1
                 --value "test accuracy: " 0.6 1
                 --match "^  gradient descent +29 +30 "
                 -- ${CHAPTER_BIN} --quick --plot none)
# TNC's finite-difference products and the Gauss-Newton ones train
# too, within the budget (the default is the exact product).
add_test(NAME ch08_quick_fd
         COMMAND ${EXPECT} --match "^training: truncated Newton, fd"
                 --match "^    nfev: 30$"
                 --value "     fun: " 0 4
                 --value "training accuracy: " 0.75 1
                 -- ${CHAPTER_BIN} --quick --plot none --hessian fd
                    --no-compare)
add_test(NAME ch08_quick_gauss_newton
         COMMAND ${EXPECT} --match "^training: truncated Newton, Gauss"
                 --value "     fun: " 0 4
                 --value "training accuracy: " 0.75 1
                 -- ${CHAPTER_BIN} --quick --plot none --hessian gn
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
             "optimizer|--optimizer|adam" "max_cg|--max-cg|0")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 flag)
  list(GET parts 2 value)
  add_test(NAME ch08_rejects_${name}
           COMMAND ${EXPECT} --status 2 --lines-stderr 1
                   --stderr "${flag}: bad value"
                   -- ${CHAPTER_BIN} ${flag} "${value}" --plot none)
endforeach()

# Bad data: a directory without IDX files, and two truncated files made
# here from the real ones: the image payload cut short inside a valid
# gzip stream, and the gzip stream itself cut short. One line, exit 2.
add_test(NAME ch08_data_missing
         COMMAND ${EXPECT} --status 2 --lines-stderr 1 --stderr "not found"
                 -- ${CHAPTER_BIN} --quick --plot none
                    --data ${CMAKE_CURRENT_BINARY_DIR}/no-such-dir)
add_test(NAME ch08_data_truncated_payload
         COMMAND sh -c "d=$(mktemp -d) && trap 'rm -rf \"$d\"' EXIT && \
gzip -dc \"$2/train-images-idx3-ubyte.gz\" | head -c 100000 | gzip \
> \"$d/train-images-idx3-ubyte.gz\" && \
cp \"$2/train-labels-idx1-ubyte.gz\" \"$d/\" && \
sh \"$3\" --status 2 --lines-stderr 1 --stderr truncated \
-- \"$1\" --quick --plot none --data \"$d\""
                 sh ${CHAPTER_BIN} ${CMAKE_SOURCE_DIR}/data/mnist
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)
add_test(NAME ch08_data_truncated_gzip
         COMMAND sh -c "d=$(mktemp -d) && trap 'rm -rf \"$d\"' EXIT && \
head -c 500000 \"$2/train-images-idx3-ubyte.gz\" \
> \"$d/train-images-idx3-ubyte.gz\" && \
cp \"$2/train-labels-idx1-ubyte.gz\" \"$d/\" && \
sh \"$3\" --status 2 --lines-stderr 1 --stderr train-images \
-- \"$1\" --quick --plot none --data \"$d\""
                 sh ${CHAPTER_BIN} ${CMAKE_SOURCE_DIR}/data/mnist
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)
# The broken data sets of tests/make_bad_idx.c (fixture bad_idx_dirs):
# each must fail with one line; good/ (40 images) must train.
foreach(case wrong-magic truncated huge-count label-10 trailing empty
             count-mismatch no-labels)
  add_test(NAME ch08_bad_idx_${case}
           COMMAND ${EXPECT} --status 2 --lines-stderr 1
                   -- ${CHAPTER_BIN} --quick --plot none
                      --data ${CMAKE_BINARY_DIR}/bad_idx/${case})
  set_tests_properties(ch08_bad_idx_${case} PROPERTIES
                       FIXTURES_REQUIRED bad_idx_dirs)
endforeach()
add_test(NAME ch08_bad_idx_good_trains
         COMMAND ${EXPECT} --match "training on 20, testing on 20"
                 --match "^training accuracy: "
                 -- ${CHAPTER_BIN} --quick --plot none --no-compare
                    --data ${CMAKE_BINARY_DIR}/bad_idx/good)
set_tests_properties(ch08_bad_idx_good_trains PROPERTIES
                     FIXTURES_REQUIRED bad_idx_dirs)

add_test(NAME ch08_no_gnuplot
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/no-gnuplot.sh
                 "^training accuracy: " ${CHAPTER_BIN} --quick)
# Same seed, same bytes on stdout; another seed, other weights.
add_test(NAME ch08_reproducible
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/reproducible.sh ${CHAPTER_BIN} --quick)
# The ink lists give the same bytes on any number of threads, and the
# same initial cost as mat_gemm.
add_test(NAME ch08_threads_same_output
         COMMAND sh -c "a=$(\"$1\" --quick --plot none --threads 1); \
b=$(\"$1\" --quick --plot none --threads 3); [ \"$a\" = \"$b\" ]"
                 sh ${CHAPTER_BIN})
add_test(NAME ch08_dense_same_cost
         COMMAND sh -c "a=$(\"$1\" --quick --plot none --no-compare \
| grep 'initial cost'); b=$(\"$1\" --quick --plot none --no-compare \
--dense | grep 'initial cost'); echo \"$a / $b\"; \
[ -n \"$a\" ] && [ \"$a\" = \"$b\" ]" sh ${CHAPTER_BIN})
# The exercise checks (check.sh) against the unmodified program. Neither
# code change is made: there is no --no-precondition flag (not yet,
# exercise 5) and the outputs are sigmoids (not yet, exercise 8), so a
# run of all checks exits 1. With --train 500, 486 steps of gradient
# descent bring the border weights as low as truncated Newton's 100
# evaluations (485 do not), and 511 is the most that is within 5% (512
# is not: 486 steps already suffice).
add_test(NAME ch08_exercise_checks_run
         COMMAND sh -c "bin=$1 script=$2
. ${CMAKE_SOURCE_DIR}/tests/exercise-test-lib.sh
run; want 1 '^exercise 3: not yet - no answer' \
  '^exercise 5: not yet - the program does not know --no-precondition' \
  '^exercise 8: not yet - the network line still reads .network 784-25-10'
run 3 486; want 0 '^exercise 3: reached'
run 3 511; want 0 '^exercise 3: reached'
run 3 485; want 1 '^exercise 3: not yet - .* More steps are needed'
run 3 512; want 1 '^exercise 3: not yet - .* Fewer steps suffice'
run 3 0; want 2 'a number of steps, 1 to 10000'
run 8 1; want 2 'takes no ANSWER'
run 6; want 2 'no automatic check'
run 9; want 2 'no exercise'" sh ${CHAPTER_BIN} ${CHAPTER_DIR}/check.sh)
