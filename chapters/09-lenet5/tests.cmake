# Chapter 9's tests. CHAPTER_BIN is the program, CHAPTER_DIR its folder.
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)

# The gradient checks need double precision: the same source, built a
# second time with `real` as double (see "Single precision").
add_executable(09-lenet5-double ${CHAPTER_DIR}/09-lenet5.c)
target_link_libraries(09-lenet5-double PRIVATE nn)
target_compile_definitions(09-lenet5-double PRIVATE NN09_DOUBLE)
set(DOUBLE_BIN $<TARGET_FILE:09-lenet5-double>)

# Every layer's backward pass against central differences, then both
# networks whole; "ok" only when the largest relative error is <= 1e-6.
foreach(layer dense relu conv pool flatten softmax mlp lenet5)
  add_test(NAME ch09_gradcheck_${layer}
           COMMAND ${EXPECT} --match "^gradcheck ${layer}.* ok$"
                   --match "all gradients agree"
                   --value "max relative error" 0 1e-6
                   -- ${DOUBLE_BIN} --gradcheck ${layer})
endforeach()
# The im2col convolution and the six loops, both checked.
add_test(NAME ch09_gradcheck_conv_both_paths
         COMMAND ${EXPECT} --match "^gradcheck conv \\(im2col\\).* ok$"
                 --match "^gradcheck conv \\(six loops\\).* ok$"
                 -- ${DOUBLE_BIN} --gradcheck conv)

# A quick run learns: both networks well above chance (0.1) on the
# held-out digits after two short epochs.
add_test(NAME ch09_quick_learns
         COMMAND ${EXPECT} --match "^epoch  2/2"
                 --value "result: mlp (ours) test accuracy" 0.6 1
                 --value "result: lenet5 (ours) test accuracy" 0.5 1
                 -- ${CHAPTER_BIN} --quick --plot none)
# The plain loops (--naive) train too, to the same kind of result.
add_test(NAME ch09_quick_naive
         COMMAND ${EXPECT} --value "result: lenet5 (ours) test accuracy"
                 0.5 1 -- ${CHAPTER_BIN} --quick --plot none --naive
                 --model lenet5)
# Same seed and thread count, same bytes; another seed, other numbers.
add_test(NAME ch09_reproducible
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/reproducible.sh ${CHAPTER_BIN} --quick)

# Weights: save after training, load into a fresh run, same predictions
# (same test accuracy and loss, to the last printed digit).
add_test(NAME ch09_save_load_roundtrip
         COMMAND sh -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
\"$1\" --quick --plot none --model lenet5 --save $d/w.bin > $d/a; \
\"$1\" --quick --plot none --load $d/w.bin > $d/b; \
a=$(sed -n 's/^result: lenet5 (ours) //p' $d/a); \
b=$(sed -n 's/^result: lenet5 (loaded) //p' $d/b); \
echo \"trained: $a\"; echo \"loaded:  $b\"; [ -n \"$a\" ] && [ \"$a\" = \"$b\" ]" sh ${CHAPTER_BIN})
# Corrupt and truncated weights files: exit 2, one clear line.
add_test(NAME ch09_weights_corrupt
         COMMAND sh -c "d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
printf 'this is not a weights file at all' > $d/w.bin; \
sh \"$2\" --status 2 --lines-stderr 1 --stderr 'not a weights file' \
-- \"$1\" --quick --plot none --load $d/w.bin" sh ${CHAPTER_BIN}
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)
add_test(NAME ch09_weights_truncated
         COMMAND sh -c "d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
\"$1\" --quick --plot none --model mlp --epochs 1 --save $d/w.bin \
> /dev/null || exit 1; head -c 5000 $d/w.bin > $d/t.bin; \
sh \"$2\" --status 2 --lines-stderr 1 --stderr 'truncated' \
-- \"$1\" --quick --plot none --load $d/t.bin" sh ${CHAPTER_BIN}
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)
add_test(NAME ch09_weights_wrong_shape
         COMMAND sh -c "d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
\"$1\" --quick --plot none --model mlp --epochs 1 --save $d/w.bin \
> /dev/null || exit 1; \
printf '\\\\001' | dd of=$d/w.bin bs=1 seek=24 conv=notrunc 2>/dev/null; \
sh \"$2\" --status 2 --lines-stderr 1 --stderr 'shape' \
-- \"$1\" --quick --plot none --load $d/w.bin" sh ${CHAPTER_BIN}
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)
add_test(NAME ch09_weights_missing
         COMMAND ${EXPECT} --status 2 --lines-stderr 1 --stderr "cannot open"
                 -- ${CHAPTER_BIN} --quick --plot none
                 --load /nonexistent/w.bin)

# Classify one test image and one PGM (the first digit of the IDX file,
# a 0, cut out of it) with saved weights.
add_test(NAME ch09_classify
         COMMAND sh -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
\"$1\" --quick --plot none --model lenet5 --save $d/w.bin > /dev/null; \
\"$1\" --quick --plot none --load $d/w.bin --classify 3 > $d/a; \
grep -q '^prediction: [0-9] (probability' $d/a; \
printf 'P5\\n28 28\\n255\\n' > $d/five.pgm; \
gzip -dc \"$2\" | tail -c +17 | head -c 784 >> $d/five.pgm; \
\"$1\" --quick --plot none --load $d/w.bin --classify $d/five.pgm > $d/b; \
cat $d/b; grep -q '^prediction: [0-9] (probability' $d/b" sh
                 ${CHAPTER_BIN}
                 ${CMAKE_SOURCE_DIR}/data/mnist/train-images-idx3-ubyte.gz)
add_test(NAME ch09_classify_bad_pgm
         COMMAND sh -c "d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
printf 'P5\\n30 30\\n255\\n' > $d/x.pgm; \
sh \"$2\" --status 2 --lines-stderr 1 --stderr '28x28' \
-- \"$1\" --quick --plot none --classify $d/x.pgm" sh ${CHAPTER_BIN}
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)

# Bad flags and data: exit 2 with one line.
foreach(case
    "model|--model|vgg"
    "epochs|--epochs|0"
    "batch|--batch|-32"
    "lr|--lr|0"
    "momentum|--momentum|1.5"
    "threads|--threads|0"
    "recipe|--recipe|adam")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 flag)
  list(GET parts 2 value)
  add_test(NAME ch09_rejects_${name}
           COMMAND ${EXPECT} --status 2 --lines-stderr 1
                   --stderr "${flag}: bad value" -- ${CHAPTER_BIN}
                   ${flag} ${value})
endforeach()
add_test(NAME ch09_rejects_unknown_flag
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "unknown flag" -- ${CHAPTER_BIN} --layers 3)
add_test(NAME ch09_rejects_missing_data
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 -- ${CHAPTER_BIN} --quick --plot none
                 --data /nonexistent/dir)
add_test(NAME ch09_rejects_bad_gradcheck
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "unknown layer" -- ${CHAPTER_BIN}
                 --gradcheck lstm)

add_test(NAME ch09_no_gnuplot
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/no-gnuplot.sh
                 "^result: lenet5 \\(ours\\) test accuracy"
                 ${CHAPTER_BIN} --quick)

# The exercise checks (check.sh) against the unmodified program, with
# the twin beside it. Neither code change is made: the second
# convolution has 16 filters (not yet, exercise 7) and --gradcheck knows
# no maxpool (not yet, exercise 9), so a run of all checks exits 1.
# Exercise 2's answer depends on the machine's rounding, so the test
# finds it first: the epoch in which batches of 128 first reach a test
# accuracy of 0.95 (awk stops the run there). That epoch is reached,
# epoch 1 is not. Exercise 3 takes two full runs and is left out.
add_test(NAME ch09_exercise_checks_run
         COMMAND sh -c "bin=$1 script=$2; export DOUBLE=$3
. ${CMAKE_SOURCE_DIR}/tests/exercise-test-lib.sh
run; want 1 '^exercise 2: not yet - no answer' \
  '^exercise 3: not yet - no answer' \
  '^exercise 7: not yet - LeNet-5.s second convolution is conv 16@5x5' \
  '^exercise 9: not yet - --gradcheck knows no layer .maxpool.'
first=$(\"$bin\" --plot none --model lenet5 --batch 128 --lr 0.05 \
  --momentum 0 --schedule constant --epochs 40 2> /dev/null |
  awk '$1 == \"epoch\" && $8 + 0 >= 0.95 { split($2, e, \"/\");
    print e[1] + 0; exit }')
echo \"first epoch at 0.95: $first\"
[ -n \"$first\" ] || { echo 'FAIL: 0.95 not reached in 40 epochs'; exit 1; }
run 2 $first; want 0 \"^exercise 2: reached - epoch $first is the first\"
run 2 1; want 1 '^exercise 2: not yet - .* the goal is 0.95. Look further'
run 2 0; want 2 'an epoch number, 1 to 100'
run 3 maybe; want 2 'momentum or schedule'
run 7 1; want 2 'takes no ANSWER'
run 5; want 2 'no automatic check'
run 10; want 2 'no exercise'" sh ${CHAPTER_BIN} ${CHAPTER_DIR}/check.sh
                 ${DOUBLE_BIN})
