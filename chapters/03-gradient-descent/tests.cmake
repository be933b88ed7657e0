# Chapter 3's tests. CHAPTER_BIN is the program, CHAPTER_DIR its folder.
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)
set(CHECK ${CHAPTER_DIR}/check-descents.awk)

# What the descents learned, checked by check-descents.awk against
# expectations it computes itself: w* near 1.275, arrivals near the
# full-batch prediction, fixed step no faster than 0.01 per update, final
# weights near w*, mini-batch the calmest.
add_test(NAME ch03_descents_learn
         COMMAND sh -c "out=$(\"$1\" --quick --plot none) \
&& printf '%s\\n' \"$out\" | awk -f \"$2\"" sh ${CHAPTER_BIN} ${CHECK})
add_test(NAME ch03_default_run
         COMMAND sh -c "out=$(\"$1\" --plot none) \
&& printf '%s\\n' \"$out\" | awk -f \"$2\"" sh ${CHAPTER_BIN} ${CHECK})
# The tutorial's sorted order leaves every descent leaning below w*.
add_test(NAME ch03_in_order_leans
         COMMAND sh -c "out=$(\"$1\" --quick --plot none --in-order) \
&& printf '%s\\n' \"$out\" | awk -v order=sorted -f \"$2\"" sh
                 ${CHAPTER_BIN} ${CHECK})
# A learning rate far too large diverges and says so.
add_test(NAME ch03_diverges_cleanly
         COMMAND ${EXPECT} --status 1 --stderr "diverged" --lines-stderr 1
                 -- ${CHAPTER_BIN} --lr 50 --plot none)
add_test(NAME ch03_bad_batch
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "--batch: bad value" -- ${CHAPTER_BIN} --batch 0)
add_test(NAME ch03_batch_too_big
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "larger than --beans" -- ${CHAPTER_BIN}
                 --beans 20 --batch 21)
add_test(NAME ch03_bad_updates
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "--updates: bad value" -- ${CHAPTER_BIN}
                 --updates -5)
add_test(NAME ch03_help
         COMMAND ${EXPECT} --match "--updates N .*default 500"
                 --match "--lr X .*default 0.1"
                 --match "--batch N .*default 10"
                 --match "--beans N .*default 500" -- ${CHAPTER_BIN} --help)
add_test(NAME ch03_no_gnuplot
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/no-gnuplot.sh "^mini-batch "
                 ${CHAPTER_BIN} --quick)
add_test(NAME ch03_reproducible
         COMMAND sh -c "a=$(\"$1\" --plot none --seed 7); \
b=$(\"$1\" --plot none --seed 7); c=$(\"$1\" --plot none --seed 8); \
[ \"$a\" = \"$b\" ] && [ \"$a\" != \"$c\" ]" sh ${CHAPTER_BIN})
