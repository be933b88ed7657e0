// fuzz_cli.c - a libFuzzer target for the command-line parser.
//
// Build and run it with tools/fuzz.sh (clang -fsanitize=fuzzer,address,
// undefined). Each input is cut at its NUL bytes into argv[1..] (at most
// 32 arguments) and parsed against a table with every kind of option.
// The promises checked (abort on a broken one):
//   - cli_parse returns CLI_CONTINUE, 0 or 2, nothing else;
//   - after CLI_CONTINUE every value is legal: integers and doubles
//     within their ranges (doubles finite), a choice one of its words,
//     a string non-empty, --plot one of the four modes;
//   - cli_check_output_path answers CLI_CONTINUE or 2 for any string.
// A crash, a sanitizer report or a leak stops the fuzzer and saves the
// input.
#define _POSIX_C_SOURCE 200809L

#include "../common/cli.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_cli: broken promise: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // The parser's own lines go to /dev/null; libFuzzer's report and
    // ours (require) still reach the real stderr.
    static FILE *null_out;
    if (!null_out && !(null_out = fopen("/dev/null", "w")))
        return 0;
    FILE *real_out = stdout, *real_err = stderr;
    enum { MAX_ARGS = 32 };
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_ARGS + 2] = {"fuzz_cli"};
    int argc = 1;
    for (size_t i = 0; i <= size && argc <= MAX_ARGS;) {
        argv[argc++] = text + i;
        i += strlen(text + i) + 1;
    }
    argv[argc] = NULL;

    int count = 10, offset = -3;
    double rate = 0.5, shift = 0.0;
    const char *model = "mlp", *save = NULL;
    bool verbose = false;
    cli_option options[] = {
        {.name = "--count", .type = CLI_INT, .value = &count,
         .help = "a count", .min = 1, .max = 1000},
        {.name = "--offset", .type = CLI_INT, .value = &offset,
         .help = "an offset", .min = -2147483647.0, .max = 2147483647.0},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &rate,
         .help = "a rate", .max = 10, .open_min = true},
        {.name = "--shift", .type = CLI_DOUBLE, .value = &shift,
         .help = "a shift", .min = -1e300, .max = 1e300},
        {.name = "--model", .type = CLI_CHOICE, .value = &model,
         .help = "a model", .choices = "mlp|lenet5|both"},
        {.name = "--save", .type = CLI_STRING, .value = &save,
         .help = "a file", .arg = "FILE"},
        {.name = "--verbose", .type = CLI_FLAG, .value = &verbose,
         .help = "a switch"},
    };
    cli_common common;
    stdout = stderr = null_out;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "the fuzzer's table");
    stdout = real_out, stderr = real_err;
    require(status == CLI_CONTINUE || status == 0 || status == 2,
            "cli_parse returned an unknown status");
    if (status == CLI_CONTINUE) {
        require(count >= 1 && count <= 1000, "--count out of range");
        require(isfinite(rate) && rate > 0 && rate <= 10, "--lr range");
        require(isfinite(shift) && shift >= -1e300 && shift <= 1e300,
                "--shift out of range");
        require(strcmp(model, "mlp") == 0 || strcmp(model, "lenet5") == 0
                    || strcmp(model, "both") == 0,
                "--model not a choice");
        require(!save || save[0] != '\0', "--save empty");
        require(!common.plot || strcmp(common.plot, "window") == 0 ||
                    strcmp(common.plot, "file") == 0 ||
                    strcmp(common.plot, "dumb") == 0 ||
                    strcmp(common.plot, "none") == 0,
                "--plot not a mode");
        require(common.out && common.out[0] != '\0', "--out empty");
        if (save) {
            stdout = stderr = null_out;
            int checked = cli_check_output_path(&common, save, "--save");
            stdout = real_out, stderr = real_err;
            require(checked == CLI_CONTINUE || checked == 2,
                    "cli_check_output_path status");
        }
    }
    free(text);
    return 0;
}
