# Chapter 9's tests. CHAPTER_BIN is the program, CHAPTER_DIR its folder.
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)

# The gradient checks need double precision: the same source, built a
# second time with `real` as double (see "Single precision").
add_executable(09-lenet5-double ${CHAPTER_DIR}/09-lenet5.c
               ${CHAPTER_DIR}/weights.c)
target_include_directories(09-lenet5-double PRIVATE ${CHAPTER_DIR})
target_link_libraries(09-lenet5-double PRIVATE nn)
target_compile_definitions(09-lenet5-double PRIVATE NN09_DOUBLE)
set(DOUBLE_BIN $<TARGET_FILE:09-lenet5-double>)

# Every layer's backward pass against central differences, then both
# networks whole; "ok" only when the largest relative error is <= 1e-6.
foreach(layer dense relu conv pool relupool flatten softmax mlp lenet5)
  add_test(NAME ch09_gradcheck_${layer}
           COMMAND ${EXPECT} --match "^gradcheck ${layer}.* ok$"
                   --match "all gradients agree"
                   --value "max relative error" 0 1e-6
                   -- ${DOUBLE_BIN} --gradcheck ${layer})
endforeach()
# The convolution computed each way: im2col, direct, the six loops, and
# direct with the input's gradient by col2im (training's way).
add_test(NAME ch09_gradcheck_conv_every_way
         COMMAND ${EXPECT} --match "^gradcheck conv \\(im2col\\).* ok$"
                 --match "^gradcheck conv \\(direct\\).* ok$"
                 --match "^gradcheck conv \\(six loops\\).* ok$"
                 --match "^gradcheck conv \\(direct, col2im\\).* ok$"
                 -- ${DOUBLE_BIN} --gradcheck conv)
# The AVX-512 kernels give the plain loops' bits (Appendix A3,
# "Sixteen lanes"): --time-conv runs both on random numbers and compares
# them bit for bit. Where the kernels are built (GCC on x86-64 Linux)
# and the processor that configures the build has AVX-512, each test
# asks for its "same bits" line; elsewhere for the line saying that
# the kernels do not run.
if(CMAKE_C_COMPILER_ID STREQUAL "GNU"
   AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$"
   AND CMAKE_SYSTEM_NAME STREQUAL "Linux" AND EXISTS /proc/cpuinfo)
  file(STRINGS /proc/cpuinfo ch09_avx512 REGEX "^flags.* avx512f( |$)")
endif()
function(ch09_same_bits name elsewhere same)
  set(line "${elsewhere}")
  if(ch09_avx512)
    set(line "${same}")
  endif()
  add_test(NAME ${name}
           COMMAND ${EXPECT} --stderr "${line}"
                   -- ${CHAPTER_BIN} --time-conv --quick --model lenet5
                   --epochs 1 --plot none)
endfunction()
# The direct convolution: the outputs and weight gradients, on the
# shapes of LeNet-5's two convolutions and of an awkward layer.
ch09_same_bits(ch09_conv_wide_same_bits
               "direct convolution: plain loops only"
               "direct convolution, AVX-512 and plain loops: same bits$")
# col2im's kernel (col2im_wide): the input gradients, zeros of both
# signs among the numbers, in the shape of LeNet-5's second convolution
# and of awkward ones.
ch09_same_bits(ch09_col2im_wide_same_bits "col2im: plain loop only"
               "col2im, AVX-512 and plain loop: same bits$")
# The dense layers' products (dense_gemm_wide) against the plain loop of
# fused multiply-adds: y, dW and dx in the shapes of LeNet-5's three
# dense layers and of awkward ones, zeros of both signs among the
# numbers; and the kernels' overwrite form (dense_gemm_set) on the
# second convolution's W^T dout and awkward shapes, against the plain
# loop on a C of +0s. Without the kernels, OpenBLAS computes them.
ch09_same_bits(ch09_dense_wide_same_bits
               "dense products: OpenBLAS, no AVX-512"
               "dense products, AVX-512 and plain loop: same bits$")

# A quick run learns: both networks well above chance (0.1) on the
# first 500 test digits after two short epochs on 2,000 training digits.
add_test(NAME ch09_quick_learns
         COMMAND ${EXPECT} --match "^epoch  2/2"
                 --value "result: mlp (ours) test accuracy" 0.6 1
                 --value "result: lenet5 (ours) test accuracy" 0.5 1
                 -- ${CHAPTER_BIN} --quick --plot none)
# --check holds a run to the chapter's targets (LeNet-5 >= 0.990, the
# dense net >= 0.980 with our recipe): a quick run misses them, exit 1.
add_test(NAME ch09_check_can_fail
         COMMAND ${EXPECT} --status 1
                 --match "^check: lenet5 \\(ours\\) test accuracy .*MISSED$"
                 -- ${CHAPTER_BIN} --quick --plot none --model lenet5
                 --check)
# The book run (make book) is made with --check (book.args), so a target
# it misses fails the book build; ch09_check_can_fail shows --check
# failing on a run that misses them.
# Same seed and thread count, same bytes; another seed, other numbers.
# An unknown flag, no gnuplot, same seed same bytes, and every broken
# data set of tests/make_bad_idx.c (tests/chapter.cmake).
nn_chapter_tests(RESULT "^result: lenet5 \\(ours\\) test accuracy" DATA)

# Threads (Appendix A3): the same seed and thread count give the same
# bytes, on every path of the sharing rule (slice_workers): batches of 8
# split the dense net's units over 2 threads and run LeNet-5 on two
# slices; with 3 threads, batches of 16 split the dense net's units
# over 3 and give LeNet-5 3 slices, batches of 32 likewise; batches of
# 300, more than a split takes (256), give both networks 3 slices.
# (The default, 2 threads and batches of 32, the dense net split by
# units, is nn_chapter_tests' reproducible test above.)
foreach(case "1|32" "2|8" "3|16" "3|32" "3|300")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 threads)
  list(GET parts 1 batch)
  add_test(NAME ch09_same_bytes_threads${threads}_batch${batch}
           COMMAND sh ${CMAKE_SOURCE_DIR}/tests/reproducible.sh
                   ${CHAPTER_BIN} --quick --epochs 1 --threads ${threads}
                   --batch ${batch})
endforeach()
# The dense net's units split over 2 and 3 threads give one worker's
# gradient to float's rounding (largest difference <= 1e-5 of the
# largest gradient), and the check tells apart the gradient of other
# labels (Appendix A3, "Two cores: splitting the units").
add_test(NAME ch09_units_gradient
         COMMAND ${EXPECT} --match "^units gradient, 2 threads: .* ok$"
                 --match "^units gradient, 3 threads: .* ok$"
                 --match "control.*: told apart$"
                 -- ${CHAPTER_BIN} --gradcheck units)
# A batch too small to share runs on one worker: the bits of
# --threads 1 (same-bits.sh says which batches).
add_test(NAME ch09_small_batch_one_worker
         COMMAND sh ${CHAPTER_DIR}/same-bits.sh ${CHAPTER_BIN})

# Weights: save after training, load into a fresh run, same predictions
# (same test accuracy and loss, to the last printed digit).
add_test(NAME ch09_save_load_roundtrip
         COMMAND sh -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
\"$1\" --quick --plot none --model lenet5 --save $d/w.bin > $d/a; \
\"$1\" --quick --plot none --load $d/w.bin > $d/b; \
a=$(sed -n 's/^result: lenet5 (ours) //p' $d/a); \
b=$(sed -n 's/^result: lenet5 (loaded) //p' $d/b); \
echo \"trained: $a\"; echo \"loaded:  $b\"; [ -n \"$a\" ] && [ \"$a\" = \"$b\" ]" sh ${CHAPTER_BIN})
# Every thread steps a copy of its own (Appendix A3), and a copy that
# sat out a batch is made again from the caller's before it works again.
# LeNet-5 in batches of 9 (the last, of 2 images, on one worker) and the
# dense net in batches of 56 (split by units, which leaves every copy
# but the caller's behind) end an epoch with copy 1 stale; the test images then run on both copies. Saved from
# the caller's copy and loaded into a fresh team, the weights must give
# the predictions the trained team gave.
foreach(case "lenet5|9" "mlp|56")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 net)
  list(GET parts 1 batch)
  add_test(NAME ch09_copies_agree_${net}
           COMMAND sh -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
\"$1\" --quick --plot none --threads 2 --model $2 --batch $3 \
--save $d/w.bin > $d/a; \
\"$1\" --quick --plot none --threads 2 --load $d/w.bin > $d/b; \
a=$(sed -n \"s/^result: $2 (ours) //p\" $d/a); \
b=$(sed -n \"s/^result: $2 (loaded) //p\" $d/b); \
echo \"trained: $a\"; echo \"loaded:  $b\"; \
[ -n \"$a\" ] && [ \"$a\" = \"$b\" ]" sh ${CHAPTER_BIN} ${net} ${batch})
endforeach()
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

# --save writes whole files only: after a save no temporary file is
# left beside the weights; a place that cannot be written is refused
# before any training (one line, exit 2, no epoch printed).
add_test(NAME ch09_save_leaves_no_temp
         COMMAND sh -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
\"$1\" --quick --plot none --model mlp --epochs 1 --save $d/w.bin \
> /dev/null; ls $d; [ \"$(ls $d)\" = w.bin ]" sh ${CHAPTER_BIN})
add_test(NAME ch09_save_checked_first
         COMMAND ${EXPECT} --status 2 --lines-stderr 1 --stderr "--save"
                 -- ${CHAPTER_BIN} --quick --plot none
                 --save /nonexistent/dir/w.bin)
set_tests_properties(ch09_save_checked_first PROPERTIES
                     FAIL_REGULAR_EXPRESSION "epoch +1/")
# A learning rate far too large: the loss explodes, and the run stops
# with one line and exit 1 instead of training on.
add_test(NAME ch09_diverging_lr_stops
         COMMAND ${EXPECT} --status 1 --lines-stderr 1
                 --stderr "diverged" -- ${CHAPTER_BIN} --quick
                 --plot none --model lenet5 --lr 10)
# Results that cannot be written are an error, not exit 0.
add_test(NAME ch09_stdout_full
         COMMAND sh -c "\"$1\" --quick --plot none --model mlp --epochs 1 \
> /dev/full 2> /dev/null; s=$?; echo \"status $s\"; [ $s -ne 0 ]" sh
                 ${CHAPTER_BIN})
# A test set whose images differ in size from the training images: one
# line, exit 2 (files crafted here: 2 training images of 28x28, 2 test
# images of 14x14).
add_test(NAME ch09_rejects_test_size_mismatch
         COMMAND sh -c "d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
img() { printf '\\000\\000\\010\\003\\000\\000\\000\\002\\000\\000\\000\\'$2; \
printf '\\000\\000\\000\\'$2; head -c $3 /dev/zero; } ; \
lab() { printf '\\000\\000\\010\\001\\000\\000\\000\\002\\001\\007'; }; \
img x 034 1568 > $d/train-images-idx3-ubyte; \
img x 016 392 > $d/t10k-images-idx3-ubyte; \
lab > $d/train-labels-idx1-ubyte; lab > $d/t10k-labels-idx1-ubyte; \
sh \"$2\" --status 2 --lines-stderr 1 --stderr '14x14' \
-- \"$1\" --quick --plot none --data $d" sh ${CHAPTER_BIN}
                 ${CMAKE_SOURCE_DIR}/tests/expect.sh)

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
add_test(NAME ch09_rejects_missing_data
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 -- ${CHAPTER_BIN} --quick --plot none
                 --data /nonexistent/dir)
add_test(NAME ch09_rejects_bad_gradcheck
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "unknown layer" -- ${CHAPTER_BIN}
                 --gradcheck lstm)


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
run 2 0; want 2 'an epoch number, 1 to 100'
run 3 maybe; want 2 'momentum or schedule'
run 7 1; want 2 'takes no ANSWER'
run 5; want 2 'no automatic check'
run 10; want 2 'no exercise'" sh ${CHAPTER_BIN} ${CHAPTER_DIR}/check.sh
                 ${DOUBLE_BIN})

# The direct convolution in single precision too (its vector code is
# compiled for the processor the program runs on): the float build's
# layer check, with its looser bound, against the six loops' gradients.
add_test(NAME ch09_gradcheck_float_conv
         COMMAND ${EXPECT} --match "^gradcheck conv \\(direct\\).* ok$"
                 --match "^gradcheck conv \\(direct, col2im\\).* ok$"
                 --match "^gradcheck conv \\(six loops\\).* ok$"
                 --match "all gradients agree"
                 -- ${CHAPTER_BIN} --gradcheck conv)
