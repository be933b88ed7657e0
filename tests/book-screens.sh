#!/bin/sh
# Screenshots of the HTML site in headless Chromium, as a reader opens
# it from disk: the front page and one chapter page, at desktop (1280 px)
# and phone (390 px) width. Fails if Chromium cannot load a page or a
# screenshot is blank (fewer than 16 colours: a page that did not render).
#
#   book-screens.sh SITE_DIR OUT_DIR [PAGE.html ...]
#       (default pages: index.html and the first chapter page)
site=$1
out=$2
[ -d "$site" ] && [ -n "$out" ] || {
    echo "usage: book-screens.sh SITE_DIR OUT_DIR [PAGE.html ...]" >&2
    exit 2; }
shift 2
here=$(dirname "$0")
browser=$(command -v chromium || command -v chromium-browser \
          || command -v google-chrome)
[ -n "$browser" ] || { echo "FAIL: no chromium (make deps-book)"; exit 1; }
pages="$*"
if [ -z "$pages" ]; then
    first=$(sed -n 's/.*<a class="next" rel="next" href="\([^"#]*\)".*/\1/p' \
            "$site/index.html" | head -n 1)
    pages="index.html $first"
fi
mkdir -p "$out" || exit 2
abs=$(cd "$site" && pwd)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
status=0
for page in $pages; do
    [ -f "$site/$page" ] || { echo "FAIL: no page $site/$page"; status=1
                              continue; }
    for size in 1280,900 390,844; do
        shot="$out/${page%.html}-${size%,*}.png"
        rm -f "$shot"
        timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
            --hide-scrollbars --user-data-dir="$profile" \
            --no-first-run --disable-extensions --force-device-scale-factor=1 \
            --window-size="$size" --screenshot="$shot" \
            "file://$abs/$page" > "$profile/log" 2>&1
        if [ ! -s "$shot" ]; then
            echo "FAIL: Chromium wrote no screenshot of $page at $size:"
            tail -n 5 "$profile/log"
            status=1
            continue
        fi
        python3 "$here/png-colours.py" "$shot" 16 || status=1
    done
done
[ $status -eq 0 ] && echo "ok: screenshots in $out"
exit $status
