# This appendix measures what the compiler's vectorizer does, so it is
# built with it switched on for this very processor.
target_compile_options(${CHAPTER} PRIVATE -O3 -march=native)
