# The book's outputs, checked on a small book (preface, chapter 1,
# references, glossary, index) built by tests/book-site.sh with the same
# filters and tools as `make html` / `make epub`, without re-entering
# make. `make book-check` runs the same checks on the whole built book.
add_test(NAME book_site_links_resolve
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/book-site.sh
                 ${CMAKE_SOURCE_DIR} $<TARGET_FILE:01-rosenblatt> links)
add_test(NAME book_site_screenshots_not_blank
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/book-site.sh
                 ${CMAKE_SOURCE_DIR} $<TARGET_FILE:01-rosenblatt> screens)
add_test(NAME book_epub_valid
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/book-site.sh
                 ${CMAKE_SOURCE_DIR} $<TARGET_FILE:01-rosenblatt> epub)
set_tests_properties(book_site_links_resolve book_site_screenshots_not_blank
                     book_epub_valid PROPERTIES TIMEOUT 300)
