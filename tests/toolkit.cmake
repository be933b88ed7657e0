# Toolkit unit tests (their programs are built by tests/CMakeLists.txt).
add_test(NAME matrix_products_softmax COMMAND test_matrix)
add_test(NAME rng_matches_numpy
         COMMAND test_rng ${REFERENCE_DIR}/numpy-rng-seed0.txt)
# The weave: a tiny literate file becomes the expected Markdown.
add_test(NAME weave_literate_to_markdown
         COMMAND sh ${TESTS_DIR}/weave/run.sh ${CMAKE_SOURCE_DIR})
# The book pipeline end to end on chapter 1: run, capture, weave, check.
add_test(NAME book_smoke_chapter1
         COMMAND sh ${TESTS_DIR}/book-smoke.sh ${CMAKE_SOURCE_DIR}
                 $<TARGET_FILE:01-rosenblatt>)
# Every chapter source: lines within 78 columns, ASCII only.
add_test(NAME sources_fit_the_page
         COMMAND sh ${TESTS_DIR}/line-length.sh ${CMAKE_SOURCE_DIR})
# Plot and cli internals: ASCII panels, a gnuplot that dies or never
# ends (fake ones in tests/fake-gnuplot/), SIGPIPE, output paths and
# atomic files.
add_test(NAME plot_cli_units
         COMMAND test_plot ${TESTS_DIR}/fake-gnuplot)
