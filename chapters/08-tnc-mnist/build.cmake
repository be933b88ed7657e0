# Chapter 8 is several literate units: the chapter, its data
# (digits.c), its figures (figures.c), the optimizer (tnc.c), the bridge
# to SciPy (scipy.c), the sparse products of the appendix (ink.c),
# what a run prints (report.c) and the flags (flags.c).
# Adding a source the target already has (once the build compiles every
# .c of a chapter folder) changes nothing.
target_sources(${CHAPTER} PRIVATE
               ${CHAPTER_DIR}/digits.c ${CHAPTER_DIR}/figures.c
               ${CHAPTER_DIR}/tnc.c ${CHAPTER_DIR}/scipy.c
               ${CHAPTER_DIR}/ink.c ${CHAPTER_DIR}/report.c
               ${CHAPTER_DIR}/flags.c)
