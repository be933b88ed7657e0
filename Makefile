# Neural Networks from Scratch in C - the front door. `make help` lists
# the targets. BUILD=dir picks another build directory; CMAKE_FLAGS adds
# cmake options (CI passes -DNN_WERROR=ON); JOBS sets the parallelism.

BUILD ?= build
CMAKE_FLAGS ?=
CTEST_ARGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

CHAPTERS := $(sort $(notdir $(wildcard chapters/[0-9][0-9]-* \
                                       chapters/A[0-9]-*)))
# The chapters the book includes (book.md's include lines), each run once.
BOOK_CHAPTERS := $(shell sed -n 's|.*file="chapters/\([^/]*\)/.*|\1|p' book.md)
RUNS := $(BOOK_CHAPTERS:%=$(BUILD)/runs/%.txt)
BOOK_SOURCES := book.md $(wildcard book/*) $(wildcard chapters/*/*.c) \
                $(wildcard common/*.[ch]) $(wildcard tools/book*) \
                tools/weave.lua

PANDOC_COMMON := --from markdown --lua-filter tools/weave.lua \
                 --number-sections --toc --toc-depth 2

.PHONY: all help programs test book html pdf epub deps deps-test \
        deps-html deps-book deps-fuzz clean fuzz bench bench-deps
.SECONDEXPANSION:

all: programs

help:
	@echo 'make                  build every chapter program into $(BUILD)/bin/'
	@echo 'make run-NN           run chapter NN (run-1 = run-01; ARGS="--quick ...")'
	@echo 'make check-NN         check your exercises (EXERCISE=k ANSWER=x)'
	@echo 'make test             install what is missing, build, run every test'
	@echo 'make book             the HTML and the PDF book from a real run'
	@echo 'make html             the HTML book only (no LaTeX needed)'
	@echo 'make pdf              the PDF book (pandoc + LaTeX)'
	@echo 'make epub             the EPUB 3 book'
	@echo 'make book-check       check the built book: links, screenshots, EPUB'
	@echo 'make deps             install everything (packages, MNIST); silent if done'
	@echo 'make deps-test        only what make test needs (deps-html, deps-book,'
	@echo '                      deps-fuzz: what those targets need)'
	@echo 'make fuzz             fuzz every tests/fuzz_*.c for FUZZ_SECONDS (60)'
	@echo 'make bench            the side-by-side speed runs in bench/'
	@echo 'make clean            remove $(BUILD)/'
	@echo 'Chapters: $(CHAPTERS)' | fold -s -w 76

$(BUILD)/CMakeCache.txt:
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) > /dev/null

programs: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@sh tools/deps.sh all
deps-test:
	@sh tools/deps.sh test
deps-html:
	@sh tools/deps.sh html
deps-book:
	@sh tools/deps.sh book
deps-fuzz:
	@sh tools/deps.sh fuzz

test: deps-test
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# The book. The rules (each program built on its own, one run per
# chapter, diagrams, pandoc) live in tools/book.mk, and work from an
# empty build directory; here what each target needs installed first,
# and the single-file HTML book beside the site. `html` needs no LaTeX.
book: html pdf
html: deps-html $(BUILD)/book.html
pdf: deps-book $(BUILD)/book.pdf
epub: deps-html $(BUILD)/book.epub

include tools/book.mk

# make run-01 ARGS="--lr 0.5": build that chapter's program only, quietly
# (the build's log is shown only if it fails), then run it: what you see
# is what the program prints. run-1 means run-01. The program's own exit
# status is not passed on as make's (make would add an "Error 1" banner
# to a message the program already gave): call build/bin/NN-name
# directly when a script needs the status.
FIND_CHAPTER = n=$*; case $$n in [0-9]) n=0$$n ;; a[0-9]) n=A$${n\#a} ;; \
  esac; chapter=$$(ls -d chapters/$$n-* chapters/$$n 2>/dev/null \
                   | head -n 1); \
  if [ -z "$$chapter" ]; then \
    echo "no chapter '$*' (have: $(CHAPTERS))" >&2; exit 2; fi; \
  name=$$(basename $$chapter); \
  mkdir -p $(BUILD); \
  [ -f $(BUILD)/CMakeCache.txt ] || cmake -S . -B $(BUILD) $(CMAKE_FLAGS) \
    > $(BUILD)/configure.log 2>&1 || { cat $(BUILD)/configure.log >&2; \
    exit 1; }; \
  cmake --build $(BUILD) --target $$name -j $(JOBS) \
    > $(BUILD)/build-$$name.log 2>&1 \
  || { cat $(BUILD)/build-$$name.log >&2; \
       echo "building $$name failed (the log above)" >&2; exit 1; }

run-%:
	@$(FIND_CHAPTER); \
	$(BUILD)/bin/$$name $(ARGS); exit 0

# make check-04: does your change to chapter 4 reach its exercises' goals?
# EXERCISE=k checks one exercise, ANSWER=x gives it the number you found.
# The verdict lines are check.sh's; a "not yet" ends with one summary
# line, and make itself succeeds (no "Error 1" banner after a verdict:
# `sh chapters/NN-name/check.sh` gives the status 0/1/2 to scripts).
check-%:
	@$(FIND_CHAPTER); \
	if [ ! -f "$$chapter/check.sh" ]; then \
	  echo "no exercise checks for chapter '$*'" >&2; exit 0; fi; \
	BIN=$(BUILD)/bin/$$name sh $$chapter/check.sh "$(EXERCISE)" \
	  "$(ANSWER)"; status=$$?; \
	case $$status in \
	0) ;; \
	1) echo "check-$*: not yet - change the code or the answer and" \
	        "run it again" ;; \
	*) echo "check-$*: usage (see the line above)" ;; \
	esac; exit 0

FUZZ_SECONDS ?= 60
FUZZ_DIR ?= $(CURDIR)/$(BUILD)/fuzz
fuzz: deps-fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_DIR=$(FUZZ_DIR) sh tools/fuzz.sh

bench-deps:
	@NN_DEPS_EXTRA="python3-numpy python3-scipy python3-sklearn \
	  python3-torch time" sh tools/deps.sh test

# Every bench runs, even after one misses a target; make fails at the
# end naming those that missed (or could not run).
bench: bench-deps programs
	@missed=; for script in bench/*.sh; do \
	  BUILD=$(BUILD) sh "$$script" || missed="$$missed $$script"; \
	  echo; done; \
	  if [ -n "$$missed" ]; then \
	    echo "bench: targets missed or runs failed in:$$missed"; \
	    exit 1; fi

clean:
	rm -rf $(BUILD)
