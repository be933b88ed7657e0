# exercise-test-lib.sh - for the chNN_exercise_checks_run tests: run a
# chapter's check.sh and assert its verdicts. Sourced with $bin (the
# chapter's program) and $script (its check.sh) set.
#   run [EXERCISE [ANSWER]]     run check.sh; output in $out, status $got
#   want STATUS REGEX...        the status, and a line matching each REGEX
run() {
  out=$(BIN="$bin" sh "$script" "$@" 2>&1); got=$?
  printf '%s\n' "== check.sh $* (status $got)" "$out"
}
want() {
  [ $got -eq $1 ] || { echo "FAIL: status $got, expected $1"; exit 1; }
  shift
  for p in "$@"; do
    printf '%s\n' "$out" | grep -Eq "$p" ||
      { echo "FAIL: no line matches '$p'"; exit 1; }
  done
}
