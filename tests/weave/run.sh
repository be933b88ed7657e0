#!/bin/sh
# The weave test: tiny.c (a literate file) through tools/weave.lua must
# give expected.md; and each broken input must stop pandoc with a message
# naming the missing file.
#   run.sh REPO_ROOT
cd "$1" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/runs" "$tmp/figures/tiny"
printf 'first line\nhello\nlast line\n' > "$tmp/runs/tiny.txt"
echo '<svg xmlns="http://www.w3.org/2000/svg"/>' > "$tmp/figures/tiny/plot.svg"
weave() {
    NN_RUNS_DIR="$tmp/runs" NN_FIGURES_DIR="$tmp/figures" \
        pandoc "$@" --from markdown --lua-filter tools/weave.lua \
        --to markdown
}
weave tests/weave/book.md > "$tmp/got.md" 2> "$tmp/err" || {
    echo "FAIL: pandoc failed:"; cat "$tmp/err"; exit 1; }
sed "s|FIGURES|$tmp/figures|" tests/weave/expected.md > "$tmp/want.md"
if ! diff -u "$tmp/want.md" "$tmp/got.md"; then
    echo "FAIL: woven Markdown differs from tests/weave/expected.md"
    exit 1
fi
echo "ok: tiny.c weaves to the expected Markdown"

# Broken inputs: each must fail and name what is missing.
expect_failure() {   # description, expected text in the message
    if weave "$tmp/broken.md" > /dev/null 2> "$tmp/err"; then
        echo "FAIL: $1: pandoc succeeded"; exit 1
    fi
    grep -q "$2" "$tmp/err" || {
        echo "FAIL: $1: message lacks '$2':"; cat "$tmp/err"; exit 1; }
    echo "ok: $1: $(cat "$tmp/err")"
}
printf '![x](figures/tiny/absent)\n' > "$tmp/broken.md"
expect_failure "missing figure" "tiny/absent.svg"
printf '```{.output file="nothing"}\n```\n' > "$tmp/broken.md"
expect_failure "missing output" "runs/nothing.txt"
printf '```{.include file="no/such.c"}\n```\n' > "$tmp/broken.md"
expect_failure "missing include" "no/such.c"
printf '```{.output file="tiny" grep="absent text"}\n```\n' > "$tmp/broken.md"
expect_failure "empty selection" "matched nothing"
printf '/**\nnever closed\n' > "$tmp/open.c"
printf '```{.include file="%s"}\n```\n' "$tmp/open.c" > "$tmp/broken.md"
expect_failure "unclosed prose" "never closed"
printf 'As shown [@nosuchkey2099].\n' > "$tmp/broken.md"
expect_failure "missing citation key" "nosuchkey2099"
printf -- '---\nbibliography: book/references.bib\n---\n[@lecun1998; @nokey1]\n' \
    > "$tmp/broken.md"
expect_failure "key not in the bibliography" "@nokey1"
printf 'digraph { a -> }\n' > "$tmp/bad.dot"
if sh tools/book-dot.sh "$tmp/bad.dot" "$tmp/bad" 2> "$tmp/err"; then
    echo "FAIL: a bad DOT file was rendered"; exit 1
fi
grep -q "bad DOT file $tmp/bad.dot" "$tmp/err" || {
    echo "FAIL: bad DOT: message lacks the file name:"; cat "$tmp/err"
    exit 1; }
echo "ok: bad DOT file: $(tail -n 1 "$tmp/err")"
printf '```{.include file="tests/weave/tiny.c"}\n```\n\n```{.include file="tests/weave/tiny.c"}\n```\n' > "$tmp/broken.md"
expect_failure "a file included twice" "included twice"
