#!/bin/sh
# Every line of the book's C sources fits a printed page (78 columns)
# and is ASCII (the PDF is typeset by pdflatex).  line-length.sh ROOT
cd "$1" || exit 2
status=0
for f in chapters/*/*.c common/*.c common/*.h; do
    [ -f "$f" ] || continue
    awk -v f="$f" 'length($0) > 78 {
        printf "FAIL %s:%d: %d columns\n", f, NR, length($0); bad = 1 }
        END { exit bad }' "$f" || status=1
    if LC_ALL=C grep -n '[^[:print:][:space:]]' "$f" > /dev/null; then
        LC_ALL=C grep -n '[^[:print:][:space:]]' "$f" | head -3 |
            sed "s|^|FAIL $f: non-ASCII: |"
        status=1
    fi
done
[ $status -eq 0 ] && echo "ok: all sources within 78 columns, ASCII"
exit $status
