# Chapter 9 links its weights-file unit (weights.c, also fuzzed alone by
# tests/fuzz_weights.c). The appendix unit shipping.c is included by
# 09-lenet5.c itself (one translation unit), so it needs no line here.
target_sources(${CHAPTER} PRIVATE ${CHAPTER_DIR}/weights.c)
target_include_directories(${CHAPTER} PRIVATE ${CHAPTER_DIR})
