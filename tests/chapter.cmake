# chapter.cmake - what every chapter's tests.cmake shares; included by
# CMakeLists.txt before the chapters' tests.cmake files.
#
#   nn_chapter_tests(RESULT regex [ARGS arg...] [DATA])
#
# registers, for the chapter being configured (CHAPTER, CHAPTER_BIN),
# the three checks every chapter owes its reader:
#
#   <p>_unknown_flag  an unknown flag: exit status 2 and exactly one
#                     line on stderr, saying "unknown flag"
#   <p>_no_gnuplot    with gnuplot absent (tests/no-gnuplot.sh) the run
#                     still prints the line matching RESULT, exits 0 and
#                     warns once
#   <p>_reproducible  same seed, same bytes; another seed, another run
#                     (tests/reproducible.sh)
#
# and with DATA (a chapter that reads IDX files through --data), for
# every broken data set of tests/make_bad_idx.c:
#
#   <p>_bad_data_<case>   --data <case>: exit 2, one line naming it
#
# <p> is ch01 for 01-rosenblatt, appA2 for A2-making-it-fast. ARGS are
# passed to the program in every run (default: --quick).
include_guard(GLOBAL)   # tests/CMakeLists.txt includes every tests/*.cmake

# The broken data sets make_bad_idx writes, each with what the one line
# must say (tests/idx.cmake checks them against the reader itself).
set(NN_BAD_IDX_EXPECT
    "wrong-magic|not an IDX file" "truncated|truncated"
    "huge-count|more than" "label-10|label 10 at index 7"
    "trailing|5 trailing bytes" "empty|empty file"
    "count-mismatch|39 labels" "no-labels|not found"
    "test-size|test images are 56x56, but the training images are 28x28"
    "gzip-garbage|7 trailing bytes after the end of the gzip data"
    "gzip-cut|truncated gzip" "fifo|not a regular file")

function(nn_chapter_tests)
  cmake_parse_arguments(T "DATA" "RESULT" "ARGS" ${ARGN})
  if(NOT T_RESULT)
    message(FATAL_ERROR "nn_chapter_tests(${CHAPTER}): RESULT is missing")
  endif()
  if(NOT DEFINED T_ARGS)
    set(T_ARGS --quick)
  endif()
  string(REGEX MATCH "^[0-9A-Z]+" number "${CHAPTER}")
  if(number MATCHES "^[0-9]")
    set(p ch${number})
  else()
    set(p app${number})
  endif()
  set(tests ${CMAKE_SOURCE_DIR}/tests)

  add_test(NAME ${p}_unknown_flag
           COMMAND sh ${tests}/expect.sh --status 2 --lines-stderr 1
                   --stderr "unknown flag"
                   -- ${CHAPTER_BIN} ${T_ARGS} --no-such-flag)
  add_test(NAME ${p}_no_gnuplot
           COMMAND sh ${tests}/no-gnuplot.sh "${T_RESULT}"
                   ${CHAPTER_BIN} ${T_ARGS})
  add_test(NAME ${p}_reproducible
           COMMAND sh ${tests}/reproducible.sh ${CHAPTER_BIN} ${T_ARGS})

  if(T_DATA)
    foreach(pair ${NN_BAD_IDX_EXPECT})
      string(REPLACE "|" ";" pair "${pair}")
      list(GET pair 0 case)
      list(GET pair 1 message)
      add_test(NAME ${p}_bad_data_${case}
               COMMAND sh ${tests}/expect.sh --status 2 --lines-stderr 1
                       --stderr "${message}"
                       -- ${CHAPTER_BIN} ${T_ARGS} --plot none
                          --data ${CMAKE_BINARY_DIR}/bad_idx/${case})
      set_tests_properties(${p}_bad_data_${case} PROPERTIES
                           FIXTURES_REQUIRED bad_idx_dirs TIMEOUT 60)
    endforeach()
  endif()
endfunction()
