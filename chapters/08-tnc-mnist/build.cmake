# Chapter 8 is three literate units: the chapter, the optimizer (tnc.c)
# and the sparse products of the appendix (ink.c). Adding a source the
# target already has (once the build compiles every .c of a chapter
# folder) changes nothing.
target_sources(${CHAPTER} PRIVATE ${CHAPTER_DIR}/tnc.c ${CHAPTER_DIR}/ink.c)
