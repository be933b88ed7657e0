# tools/book.mk - the book: one run per chapter, then pandoc.
# Included by the Makefile, which defines BUILD, BOOK_CHAPTERS, RUNS,
# BOOK_SOURCES and PANDOC_COMMON.

# One chapter's book run: plots to files, stdout captured for the weave.
$(BUILD)/runs/%.txt: $(BUILD)/bin/% $$(wildcard chapters/$$*/book.args)
	@mkdir -p $(BUILD)/runs $(BUILD)/figures/$*
	@rm -f $(BUILD)/figures/$*/*
	@echo "book run: $*"
	@$(BUILD)/bin/$* --plot file --out $(BUILD)/figures/$* \
	    $(shell cat chapters/$*/book.args 2>/dev/null) \
	    > $@.tmp 2> $(BUILD)/runs/$*.log \
	  || { cat $(BUILD)/runs/$*.log; echo "book run of $* failed" >&2; \
	       rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

$(BUILD)/book.html: $(RUNS) $(BOOK_SOURCES)
	NN_RUNS_DIR=$(BUILD)/runs NN_FIGURES_DIR=$(BUILD)/figures \
	pandoc book.md $(PANDOC_COMMON) --to html5 --standalone \
	    --self-contained --mathml --css tools/book.css \
	    --highlight-style tango --output $@
	@echo "wrote $@"

$(BUILD)/book.pdf: $(RUNS) $(BOOK_SOURCES)
	NN_RUNS_DIR=$(BUILD)/runs NN_FIGURES_DIR=$(BUILD)/figures \
	pandoc book.md $(PANDOC_COMMON) --to latex --pdf-engine pdflatex \
	    --top-level-division chapter --highlight-style tango \
	    --include-in-header tools/book-header.tex \
	    --variable documentclass=book --variable classoption=oneside \
	    --variable geometry:margin=1in --variable fontsize=10pt \
	    --variable colorlinks --output $@
	@echo "wrote $@"

$(BUILD)/book.epub: $(RUNS) $(BOOK_SOURCES)
	NN_RUNS_DIR=$(BUILD)/runs NN_FIGURES_DIR=$(BUILD)/figures \
	pandoc book.md $(PANDOC_COMMON) --to epub3 --mathml \
	    --css tools/book-epub.css --highlight-style tango \
	    --epub-chapter-level 1 --output $@
	@echo "wrote $@"

