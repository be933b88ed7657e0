# tools/book.mk - the book: one run per chapter, diagrams, then pandoc.
# Included by the Makefile, which defines BUILD, JOBS, BOOK_CHAPTERS,
# RUNS, BOOK_SOURCES and PANDOC_COMMON.
#
#   make html   the HTML site $(BUILD)/site/index.html: one page per
#               chapter, opened from disk, no LaTeX needed; and (the
#               Makefile asks for it too) the single-file
#               $(BUILD)/book.html, everything embedded
#   make pdf    $(BUILD)/book.pdf (pandoc + pdflatex)
#   make epub   $(BUILD)/book.epub (EPUB 3)
#   make book-check   the book's own checks on what was built: links in
#               the site, the EPUB against epubcheck, screenshots
#
# Each works from an empty build directory: the programs a rule needs
# are built by CMake first (only those), then run, then woven.

# The book's version (VERSION, one line) and its date: the last commit's,
# so that building the same commit twice gives the same book.
BOOK_VERSION := $(shell cat VERSION 2>/dev/null || echo unversioned)
BOOK_DATE := $(shell git log -1 --format=%cs 2>/dev/null || echo undated)
BOOK_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
BOOK_META := --citeproc --metadata version="$(BOOK_VERSION)"
BOOK_DATED := --metadata date="$(BOOK_DATE)"
# Web addresses become text (no link leaves the HTML or the EPUB).
BOOK_OFFLINE := --lua-filter tools/book-offline.lua
BOOK_ENV := NN_RUNS_DIR=$(BUILD)/runs NN_FIGURES_DIR=$(BUILD)/figures \
            SOURCE_DATE_EPOCH=$(BOOK_EPOCH)

# Hand-drawn diagrams (figures/diagrams/NAME.dot) are rendered to
# $(BUILD)/figures/diagrams/NAME.svg and .pdf; the diagrams a chapter's
# book run writes are rendered beside themselves right after the run.
DIAGRAM_SOURCES := $(wildcard figures/diagrams/*.dot)
DIAGRAMS := $(DIAGRAM_SOURCES:figures/%.dot=$(BUILD)/figures/%.svg)
SITE_TOOLS := tools/site.py tools/site-template.html tools/site.css \
              tools/site.js

.PHONY: book-check book-check-site book-check-epub book-check-screens
# Built by a pattern rule on the way to a run, but never to be deleted
# as an intermediate file.
.PRECIOUS: $(BUILD)/bin/%

# A chapter's program, built on its own when its sources changed (CMake
# knows the real dependencies; this only has to ask it).
$(BUILD)/bin/%: $(BUILD)/CMakeCache.txt $$(wildcard chapters/$$*/*.[ch]) \
                $(wildcard common/*.[ch])
	@cmake --build $(BUILD) --target $* -j $(JOBS) > $(BUILD)/build-$*.log \
	  2>&1 || { cat $(BUILD)/build-$*.log; \
	            echo "book: building $* failed" >&2; exit 1; }

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
	@sh tools/book-dot.sh --dir $(BUILD)/figures/$* || { rm -f $@.tmp; \
	  echo "book run of $*: a diagram it wrote is not valid DOT" >&2; \
	  exit 1; }
	@python3 tools/book-svgfix.py $(BUILD)/figures/$*
	@if [ -f chapters/$*/book-check.sh ]; then \
	  sh chapters/$*/book-check.sh $@.tmp || { rm -f $@.tmp; \
	    echo "book run of $*: it missed the targets its chapter promises" \
	      >&2; exit 1; }; fi
	@mv $@.tmp $@

$(BUILD)/figures/diagrams/%.svg: figures/diagrams/%.dot
	@sh tools/book-dot.sh $< $(basename $@)

# The cover: a drawn network with the title, for the EPUB (and the site).
$(BUILD)/cover.png: figures/diagrams/cover.dot
	@dot -Tpng -Gdpi=150 $< -o $@.tmp || { rm -f $@.tmp; \
	  echo "diagram: bad DOT file $<" >&2; exit 1; }
	@mv $@.tmp $@

# The whole book woven once, citations resolved, as pandoc's JSON: the
# site is cut from it into pages.
$(BUILD)/book.json: $(RUNS) $(DIAGRAMS) $(BOOK_SOURCES) $(BUILD)/colophon.tex
	@$(BOOK_ENV) NN_SOURCE_LINKS=site \
	pandoc book.md $(PANDOC_COMMON) $(BOOK_META) $(BOOK_DATED) \
	    $(BOOK_OFFLINE) --to json \
	    --output $@

html: $(BUILD)/site/index.html

$(BUILD)/site/index.html: $(BUILD)/book.json $(SITE_TOOLS) \
                          $(BUILD)/cover.png
	@python3 tools/site.py $(BUILD)/book.json $(BUILD)/figures \
	    $(BUILD)/site $(BUILD)/cover.png
	@echo "wrote $@"

# The single-file HTML book: everything embedded, so it can be mailed.
$(BUILD)/book.html: $(RUNS) $(DIAGRAMS) $(BOOK_SOURCES) \
                    $(BUILD)/colophon.tex
	$(BOOK_ENV) \
	pandoc book.md $(PANDOC_COMMON) $(BOOK_META) $(BOOK_DATED) \
	    $(BOOK_OFFLINE) \
	    --to html5 --standalone \
	    --self-contained --mathml --css tools/book.css \
	    --highlight-style tango --output $@
	@echo "wrote $@"

# The PDF's title page carries the version and date; the page after it
# the licences. Rewritten only when the version or date changed, and
# every output depends on it, so a new commit rebuilds the book.
.PHONY: book-force
$(BUILD)/colophon.tex: book-force
	@mkdir -p $(BUILD)
	@printf '%s\n' '\thispagestyle{empty}\vspace*{\fill}' \
	  '\noindent\textit{Neural Networks from Scratch in C}, version' \
	  '$(BOOK_VERSION), $(BOOK_DATE).\par\medskip' \
	  '\noindent The text and figures of this book are licensed under' \
	  'the Creative Commons Attribution-ShareAlike 4.0 International' \
	  'licence (CC BY-SA 4.0, file LICENSE-TEXT); its code, every' \
	  'program and the toolkit, under the MIT licence (file LICENSE).' \
	  '\clearpage' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

# pandoc writes the LaTeX; pdflatex runs here, three times (contents,
# then page references, then the index with its page numbers: imakeidx
# runs makeindex itself, which only works in the folder of the .idx file,
# so not under pandoc's own temporary folder). TEXINPUTS lets LaTeX find
# the figures by their paths from the top of the repository.
$(BUILD)/book.pdf: $(RUNS) $(DIAGRAMS) $(BOOK_SOURCES) $(BUILD)/colophon.tex
	@mkdir -p $(BUILD)/pdf
	$(BOOK_ENV) \
	pandoc book.md $(PANDOC_COMMON) $(BOOK_META) --to latex --standalone \
	    --metadata date="Version $(BOOK_VERSION), $(BOOK_DATE)" \
	    --top-level-division chapter --highlight-style tango \
	    --include-in-header tools/book-header.tex \
	    --include-before-body $(BUILD)/colophon.tex \
	    --variable documentclass=book --variable classoption=oneside \
	    --variable geometry:margin=1in --variable fontsize=10pt \
	    --variable colorlinks --output $(BUILD)/pdf/book.tex
	@cd $(BUILD)/pdf && for pass in 1 2 3; do \
	  TEXINPUTS="$(CURDIR):" SOURCE_DATE_EPOCH=$(BOOK_EPOCH) \
	  FORCE_SOURCE_DATE=1 pdflatex -interaction=batchmode \
	      -halt-on-error book.tex > /dev/null 2>&1 || { \
	    grep -A8 "^!" book.log | head -n 30; \
	    echo "book: pdflatex failed on $(BUILD)/pdf/book.tex (log:" \
	         "$(BUILD)/pdf/book.log)" >&2; exit 1; }; done
	@cp $(BUILD)/pdf/book.pdf $@
	@echo "wrote $@"

$(BUILD)/book.epub: $(RUNS) $(DIAGRAMS) $(BOOK_SOURCES) $(BUILD)/cover.png \
                    $(BUILD)/colophon.tex
	$(BOOK_ENV) \
	pandoc book.md $(PANDOC_COMMON) $(BOOK_META) $(BOOK_DATED) \
	    $(BOOK_OFFLINE) \
	    --to epub3 --mathml \
	    --metadata identifier="urn:nn-from-scratch-c:$(BOOK_VERSION)" \
	    --epub-cover-image $(BUILD)/cover.png \
	    --css tools/book-epub.css --highlight-style tango \
	    --epub-chapter-level 1 --output $@
	@echo "wrote $@"

# The book's checks, run on what the targets above built (CTest runs the
# same scripts on a build that exists; neither re-enters make).
book-check: book-check-site book-check-epub book-check-screens
book-check-site: html
	python3 tests/book-links.py $(BUILD)/site
	python3 tests/book-links.py $(BUILD)/book.html
book-check-epub: $(BUILD)/book.epub
	sh tests/book-epub.sh $(BUILD)/book.epub
book-check-screens: html
	sh tests/book-screens.sh $(BUILD)/site $(BUILD)/screens
