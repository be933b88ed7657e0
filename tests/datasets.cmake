# The spiral and the moons equal NumPy's (tests/reference) to the last
# bit, and leave the generator where NumPy leaves it.
add_test(NAME datasets_match_numpy
         COMMAND test_datasets ${REFERENCE_DIR})
# The MNIST `make deps` installed (tools/mnist.sh) is byte for byte the
# published one: every file's SHA-256 against data/SHA256SUMS.
add_test(NAME mnist_matches_sha256sums
         COMMAND sh ${CMAKE_SOURCE_DIR}/tools/mnist.sh check)
