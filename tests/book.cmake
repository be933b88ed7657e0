# The whole HTML book, built from this build's programs, with every
# internal link, file link and image checked as a browser would.
add_test(NAME book_html_links_resolve
         COMMAND sh -c "make -s -C \"$0\" BUILD=\"$1\" html > \"$1/book-test.log\" 2>&1 || { cat \"$1/book-test.log\"; exit 1; }; python3 \"$0/tests/book-links.py\" \"$1/book.html\""
                 ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
set_tests_properties(book_html_links_resolve PROPERTIES TIMEOUT 900)
