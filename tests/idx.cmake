# idx.cmake - the IDX reader's tests; include()d by tests/CMakeLists.txt.
#
#   test_idx      tests/test_idx.c: good, damaged and real IDX files
#                 (MNIST as `make deps` installs it in data/mnist/, found
#                 through NN_SOURCE_DIR, which the build defines)
#   make_bad_idx  tests/make_bad_idx.c: writes a good data set and broken
#                 ones into ${CMAKE_BINARY_DIR}/bad_idx/CASE/ for the
#                 chapters' `--data` tests; run once as the CTest fixture
#                 bad_idx_dirs (FIXTURES_REQUIRED bad_idx_dirs).
if(NOT DEFINED NN_LIB)
  set(NN_LIB nn)
endif()
find_package(ZLIB REQUIRED)

add_executable(test_idx ${CMAKE_CURRENT_LIST_DIR}/test_idx.c)
target_link_libraries(test_idx PRIVATE ${NN_LIB} ZLIB::ZLIB)
add_test(NAME idx_reader
         COMMAND test_idx ${CMAKE_CURRENT_BINARY_DIR}/idx_tmp)

add_executable(make_bad_idx ${CMAKE_CURRENT_LIST_DIR}/make_bad_idx.c)
target_link_libraries(make_bad_idx PRIVATE ZLIB::ZLIB)
add_test(NAME make_bad_idx
         COMMAND make_bad_idx ${CMAKE_BINARY_DIR}/bad_idx)
set_tests_properties(make_bad_idx PROPERTIES FIXTURES_SETUP bad_idx_dirs)
# A FIFO given as a data file once blocked the reader forever: a hang
# must fail the test, not stall the suite.
set_tests_properties(idx_reader PROPERTIES TIMEOUT 60)

# Every broken data set of make_bad_idx, loaded as a chapter's --data
# loads it: one line naming the problem, exit 2, well within the timeout
# (the fifo case hung before idx.c opened only regular files).
# (NN_BAD_IDX_EXPECT, the cases and their messages: tests/chapter.cmake)
foreach(pair ${NN_BAD_IDX_EXPECT})
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 case)
  list(GET pair 1 message)
  add_test(NAME idx_bad_dir_${case}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/expect.sh --status 2
                   --lines-stderr 1 --stderr "${message}"
                   -- $<TARGET_FILE:test_idx> --load
                      ${CMAKE_BINARY_DIR}/bad_idx/${case})
  set_tests_properties(idx_bad_dir_${case} PROPERTIES
                       FIXTURES_REQUIRED bad_idx_dirs TIMEOUT 20)
endforeach()
add_test(NAME idx_good_dir
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/expect.sh
                 --match "^40 training images, 10 test images$"
                 -- $<TARGET_FILE:test_idx> --load
                    ${CMAKE_BINARY_DIR}/bad_idx/good)
set_tests_properties(idx_good_dir PROPERTIES FIXTURES_REQUIRED bad_idx_dirs)
# MNIST not installed (NN_DATA_DIR names a folder without it): one line
# saying to run `make deps`, exit 2.
add_test(NAME idx_mnist_not_installed
         COMMAND ${CMAKE_COMMAND} -E env
                 NN_DATA_DIR=${CMAKE_CURRENT_BINARY_DIR}/no-data
                 sh ${CMAKE_CURRENT_LIST_DIR}/expect.sh --status 2
                 --lines-stderr 1
                 --stderr "mnist: not installed .*run .make deps."
                 -- $<TARGET_FILE:test_idx> --load mnist)
