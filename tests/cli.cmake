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
    "beans_huge|--beans|99999999999")
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
