# The shared flags, checked on chapter 1: every bad value gets exit
# status 2 and one line on stderr naming the flag.
set(CLI_BIN $<TARGET_FILE:01-rosenblatt>)
set(EXPECT sh ${CMAKE_SOURCE_DIR}/tests/expect.sh)
foreach(case
    "epochs_negative|--epochs|-1"
    "epochs_zero|--epochs|0"
    "epochs_not_number|--epochs|ten"
    "epochs_fraction|--epochs|1.5"
    "lr_zero|--lr|0"
    "lr_negative|--lr|-0.1"
    "lr_nan|--lr|nan"
    "lr_inf|--lr|inf"
    "lr_text|--lr|fast"
    "seed_negative|--seed|-3"
    "seed_too_big|--seed|4294967296"
    "plot_unknown|--plot|svg"
    "out_quote|--out|it's"
    "beans_huge|--beans|99999999999"
    "epochs_leading_space|--epochs| 5"
    "epochs_plus_sign|--epochs|+5"
    "epochs_hex|--epochs|0x10"
    "lr_plus_sign|--lr|+5"
    "lr_hex|--lr|0x10"
    "lr_hex_float|--lr|0x1p-3"
    "lr_leading_space|--lr| 0.5")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 flag)
  list(GET parts 2 value)
  add_test(NAME cli_rejects_${name}
           COMMAND ${EXPECT} --status 2 --lines-stderr 1
                   --stderr "${flag}: bad value" -- ${CLI_BIN} ${flag} ${value})
endforeach()
add_test(NAME cli_unknown_flag
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "unknown flag '--epoch'" -- ${CLI_BIN} --epoch 3)
add_test(NAME cli_missing_value
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "--lr needs a value" -- ${CLI_BIN} --lr)
add_test(NAME cli_help_lists_defaults
         COMMAND ${EXPECT} --match "--epochs N .*default 100"
                 --match "--lr X .*default 0.05" --match "--seed N .*default 0"
                 --match "--plot MODE" --match "--out DIR" --match "--quick"
                 -- ${CLI_BIN} --help)
add_test(NAME cli_equals_form
         COMMAND ${EXPECT} --match "1 passes" -- ${CLI_BIN} --epochs=1
                 --plot=none)

# Strict switches and values (issue 11, finding 8).
add_test(NAME cli_switch_takes_no_value
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "--quick takes no value" -- ${CLI_BIN} --quick=0)
add_test(NAME cli_flag_is_not_a_value
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "--out needs a value, but the next argument is"
                 -- ${CLI_BIN} --out --quick)
string(REPEAT "9" 20000 huge_value)
add_test(NAME cli_quotes_a_short_prefix
         COMMAND ${EXPECT} --status 2 --lines-stderr 1
                 --stderr "bad value '9{40}\\.\\.\\.'"
                 -- ${CLI_BIN} --lr ${huge_value})
add_test(NAME cli_version
         COMMAND ${EXPECT} --match "^01-rosenblatt .* [0-9]+\\.[0-9]+"
                 -- ${CLI_BIN} --version)
# Output that is lost is an error; --out cannot inject gnuplot commands
# or name a file (issue 11, findings 2, 3, 7).
add_test(NAME cli_lost_output_and_bad_out
         COMMAND sh ${TESTS_DIR}/lost-output.sh ${CLI_BIN} --quick)
# A gnuplot that never finishes: one warning, the run goes on (finding 6).
add_test(NAME plot_gnuplot_hangs
         COMMAND ${EXPECT} --status 0 --lines-stderr 1
                 --stderr "did not finish drawing" --match "w= "
                 -- ${CLI_BIN} --quick --plot file
                    --out ${CMAKE_CURRENT_BINARY_DIR}/hang-figures)
set_tests_properties(plot_gnuplot_hangs PROPERTIES TIMEOUT 30
    ENVIRONMENT "PATH=${TESTS_DIR}/fake-gnuplot/sleeps:$ENV{PATH};NN_GNUPLOT_TIMEOUT=1")
# A figure that was not written: one line and exit status 1 (finding 3).
add_test(NAME plot_figure_not_written
         COMMAND ${EXPECT} --status 1 --lines-stderr 1
                 --stderr "could not be written" --match "w= "
                 -- ${CLI_BIN} --quick --plot file
                    --out ${CMAKE_CURRENT_BINARY_DIR}/unwritten-figures)
set_tests_properties(plot_figure_not_written PROPERTIES ENVIRONMENT
    "PATH=${TESTS_DIR}/fake-gnuplot/draws-nothing:$ENV{PATH}")
# --plot window without a display: one line, and the rule's fallback.
add_test(NAME plot_window_without_display
         COMMAND ${EXPECT} --status 0 --lines-stderr 1
                 --stderr "needs a display .* using --plot none"
                 -- env -u DISPLAY -u WAYLAND_DISPLAY ${CLI_BIN} --quick
                    --plot window)
