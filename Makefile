# Neural Networks from Scratch in C - the front door.
#
#   make            build every chapter program into build/bin/
#   make test       run the CTest suite (installs what is missing first)
#   make book       build/book.html and build/book.pdf from a real run
#   make epub       build/book.epub (EPUB3, math as MathML)
#   make run-01     run chapter 1 with a live plot window (ARGS="...")
#   make check-01   check your answers to chapter 1's exercises
#   make deps       install the Debian packages the book needs
#   make fuzz       fuzz the IDX reader for FUZZ_SECONDS (default 60)
#   make bench      the side-by-side speed runs in bench/
#   make clean      remove build/
#
# BUILD=dir picks another build directory; CMAKE_FLAGS adds cmake options
# (CI passes -DNN_WERROR=ON).

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

.PHONY: all programs test book html pdf epub deps deps-test deps-book \
        clean fuzz bench bench-deps
.SECONDEXPANSION:

all: programs

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

programs: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@sh tools/deps.sh

deps-test:
	@sh tools/deps.sh test

deps-book:
	@sh tools/deps.sh book

test: deps-test
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# The book: build the programs, then (in a second make, so that it sees
# the fresh binaries' times) re-run only the chapters whose program or
# book.args changed, and weave.
book: deps-book programs
	@$(MAKE) --no-print-directory html pdf

html: $(BUILD)/book.html
pdf: $(BUILD)/book.pdf
epub: deps-test programs
	@$(MAKE) --no-print-directory $(BUILD)/book.epub

# The book rules (book runs, HTML, PDF, EPUB) live in tools/book.mk.
include tools/book.mk

# make run-01 ARGS="--lr 0.5": a chapter with its plots in a window (or
# in the terminal when there is no display).
run-%: programs
	@chapter=$$(ls -d chapters/$*-* chapters/$* 2>/dev/null | head -n 1); \
	if [ -z "$$chapter" ]; then \
	  echo "no chapter '$*' (have: $(CHAPTERS))" >&2; exit 2; fi; \
	$(BUILD)/bin/$$(basename $$chapter) $(ARGS)

# make check-04: does your change to chapter 4 reach its exercises' goals?
# EXERCISE=k checks one exercise, ANSWER=x gives it the number you found.
check-%: programs
	@chapter=$$(ls -d chapters/$*-* chapters/$* 2>/dev/null | head -n 1); \
	if [ -z "$$chapter" ] || [ ! -f "$$chapter/check.sh" ]; then \
	  echo "no exercise checks for chapter '$*'" >&2; exit 2; fi; \
	BIN=$(BUILD)/bin/$$(basename $$chapter) sh $$chapter/check.sh \
	    "$(EXERCISE)" "$(ANSWER)"

fuzz: deps
	@sh tools/fuzz.sh

bench-deps:
	@NN_DEPS_EXTRA="python3-numpy python3-scipy python3-sklearn \
	  python3-torch time" sh tools/deps.sh

bench: bench-deps programs
	@for script in bench/*.sh; do sh "$$script" || exit 1; done

clean:
	rm -rf $(BUILD)
