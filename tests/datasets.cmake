# The spiral and the moons equal NumPy's (tests/reference) to the last
# bit, and leave the generator where NumPy leaves it.
add_test(NAME datasets_match_numpy
         COMMAND test_datasets ${REFERENCE_DIR})
