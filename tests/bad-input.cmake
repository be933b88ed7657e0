# Every program of the book (each chapter, and any variant a chapter's
# build.cmake adds, like 09-lenet5-double) with bad values for every
# flag, generated from its own option table (--list-options): exit 2 and
# one line on stderr each time (issue 11). One test per program.
get_property(nn_programs DIRECTORY ${CMAKE_SOURCE_DIR}
             PROPERTY BUILDSYSTEM_TARGETS)
foreach(program ${nn_programs})
  get_target_property(kind ${program} TYPE)
  if(kind STREQUAL "EXECUTABLE")
    add_test(NAME bad_input_${program}
             COMMAND sh ${TESTS_DIR}/bad-input.sh $<TARGET_FILE:${program}>)
    set_tests_properties(bad_input_${program} PROPERTIES TIMEOUT 600)
  endif()
endforeach()
