// idx.c - the IDX reader; the contract is at the top of idx.h.
#include "idx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum { UNSIGNED_BYTE = 0x08, MAX_DIMS = 3 };

// Write "name: message" into err and return -1, so that every error
// path reads `return fail(...)`.
static int fail(char *err, size_t err_size, const char *name,
                const char *format, ...)
{
    if (err == NULL || err_size == 0)
        return -1;
    int n = snprintf(err, err_size, "%s: ", name);
    if (n >= 0 && (size_t)n < err_size) {
        va_list args;
        va_start(args, format);
        vsnprintf(err + n, err_size - (size_t)n, format, args);
        va_end(args);
    }
    return -1;
}

// ---- The header -------------------------------------------------------

typedef struct {
    int ndims;               // 3 for images, 1 for labels
    uint32_t dims[MAX_DIMS]; // count, then rows and cols for images
    size_t header_size;      // 4 + 4 * ndims
    size_t payload_size;     // dims[0] * ... * dims[ndims - 1] bytes
} idx_header;

static uint32_t big_endian_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16
         | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

// "10000 images of 28x28 (7840000 bytes)" or "10000 labels (10000
// bytes)". The product is taken in double: it is only printed, and the
// header it describes may claim far more than a size_t holds.
static void describe(char *text, size_t size, const idx_header *h)
{
    double bytes = 1;
    for (int i = 0; i < h->ndims; i++)
        bytes *= h->dims[i];
    if (h->ndims == 3)
        snprintf(text, size, "%lu images of %lux%lu (%.0f bytes)",
                 (unsigned long)h->dims[0], (unsigned long)h->dims[1],
                 (unsigned long)h->dims[2], bytes);
    else
        snprintf(text, size, "%lu labels (%.0f bytes)",
                 (unsigned long)h->dims[0], bytes);
}

// Check the first `size` bytes of a file (all of it, or at least its
// header) as the header of an IDX file with `ndims` dimensions.
static int parse_header(idx_header *h, const unsigned char *bytes,
                        size_t size, int ndims, const char *name,
                        char *err, size_t err_size)
{
    *h = (idx_header){ .ndims = ndims };
    const char *what = ndims == 3 ? "image" : "label";
    uint32_t magic = UNSIGNED_BYTE << 8 | (uint32_t)ndims;
    if (size == 0)
        return fail(err, err_size, name,
                    "empty file, expected an IDX %s file", what);
    if (size < 4)
        return fail(err, err_size, name,
                    "only %zu bytes, too short for an IDX header", size);
    if (bytes[0] != 0 || bytes[1] != 0)
        return fail(err, err_size, name,
                    "not an IDX file: magic number 0x%08lx, expected "
                    "0x%08lx", (unsigned long)big_endian_u32(bytes),
                    (unsigned long)magic);
    if (bytes[2] != UNSIGNED_BYTE)
        return fail(err, err_size, name,
                    "IDX element type 0x%02x, expected 0x08 (unsigned "
                    "byte)", bytes[2]);
    if (bytes[3] != ndims)
        return fail(err, err_size, name,
                    "dimension count %d, but an IDX %s file has %d "
                    "(magic 0x%08lx, expected 0x%08lx)%s",
                    bytes[3], what, ndims,
                    (unsigned long)big_endian_u32(bytes),
                    (unsigned long)magic,
                    bytes[3] == 4 - ndims ? (ndims == 3
                        ? ": is this a label file?"
                        : ": is this an image file?") : "");
    h->header_size = 4 + 4 * (size_t)ndims;
    if (size < h->header_size)
        return fail(err, err_size, name,
                    "truncated: the header stops after %zu of its %zu "
                    "bytes", size, h->header_size);
    for (int i = 0; i < ndims; i++) {
        h->dims[i] = big_endian_u32(bytes + 4 + 4 * i);
        if (h->dims[i] == 0)
            return fail(err, err_size, name, "dimension %d is 0", i);
    }
    // Multiply up the payload size, refusing before it can overflow or
    // pass the cap, so that no header can make us allocate too much.
    size_t total = 1;
    for (int i = 0; i < ndims; i++) {
        if (total > IDX_MAX_BYTES / h->dims[i]) {
            char claim[128];
            describe(claim, sizeof claim, h);
            return fail(err, err_size, name,
                        "header claims %s, more than the %zu bytes this "
                        "reader accepts", claim, (size_t)IDX_MAX_BYTES);
        }
        total *= h->dims[i];
    }
    h->payload_size = total;
    return 0;
}

// The payload holds `got` bytes, then `extra` more: both must be exact.
static int check_length(const idx_header *h, size_t got, size_t extra,
                        const char *name, char *err, size_t err_size)
{
    char claim[128];
    describe(claim, sizeof claim, h);
    if (got < h->payload_size)
        return fail(err, err_size, name,
                    "truncated: header promises %s but only %zu follow",
                    claim, got);
    if (extra > 0)
        return fail(err, err_size, name,
                    "%zu trailing bytes after the %s the header promises",
                    extra, claim);
    return 0;
}

static int check_labels(const unsigned char *labels, size_t count,
                        int max_label, const char *name,
                        char *err, size_t err_size)
{
    for (size_t i = 0; i < count; i++)
        if (labels[i] > max_label)
            return fail(err, err_size, name,
                        "label %d at index %zu is outside 0..%d",
                        labels[i], i, max_label);
    return 0;
}

// ---- From memory ------------------------------------------------------

// Check bytes[size] as a whole IDX file and copy out its payload.
static int parse_file(idx_header *h, unsigned char **payload,
                      const unsigned char *bytes, size_t size, int ndims,
                      const char *name, char *err, size_t err_size)
{
    *payload = NULL;
    if (parse_header(h, bytes, size, ndims, name, err, err_size) != 0)
        return -1;
    size_t body = size - h->header_size;
    size_t got = body < h->payload_size ? body : h->payload_size;
    if (check_length(h, got, body - got, name, err, err_size) != 0)
        return -1;
    *payload = malloc(h->payload_size);
    if (*payload == NULL)
        return fail(err, err_size, name, "out of memory for %zu bytes",
                    h->payload_size);
    memcpy(*payload, bytes + h->header_size, h->payload_size);
    return 0;
}

static void fill_images(idx_images *out, const idx_header *h,
                        unsigned char *pixels)
{
    out->count = (int)h->dims[0];
    out->rows = (int)h->dims[1];
    out->cols = (int)h->dims[2];
    out->pixels = pixels;
}

int idx_parse_images(idx_images *out, const unsigned char *bytes,
                     size_t size, const char *name,
                     char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    idx_header h;
    unsigned char *pixels;
    if (parse_file(&h, &pixels, bytes, size, 3, name, err, err_size) != 0)
        return -1;
    fill_images(out, &h, pixels);
    return 0;
}

int idx_parse_labels(idx_labels *out, const unsigned char *bytes,
                     size_t size, int max_label, const char *name,
                     char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    idx_header h;
    unsigned char *labels;
    if (parse_file(&h, &labels, bytes, size, 1, name, err, err_size) != 0)
        return -1;
    if (check_labels(labels, h.payload_size, max_label, name,
                     err, err_size) != 0) {
        free(labels);
        return -1;
    }
    out->count = (int)h.dims[0];
    out->labels = labels;
    return 0;
}

// ---- From a file, plain or gzip ---------------------------------------

// A file read as it is, or inflated when it starts with gzip's magic
// bytes 1f 8b. zlib's gzread would do most of this, but it silently
// drops bytes after the end of the gzip data, where a plain file's extra
// bytes are an error; inflating here treats both alike.
typedef struct {
    FILE *file;
    int gzip;               // 1: inflate what the file holds
    z_stream z;             // the inflater; z.next_in points into `in`
    int at_end;             // the file has no more bytes to give
    int done;               // gzip: the last member ended cleanly
    size_t garbage;         // gzip: bytes after the end of the gzip data
    int truncated;          // gzip: the file ended inside the data
    const char *problem;    // what went wrong reading, or NULL
    unsigned char in[1 << 15];  // last: source_open zeroes what is above
} source;

static void refill(source *s)
{
    if (s->z.avail_in > 0 || s->at_end)
        return;
    size_t n = fread(s->in, 1, sizeof s->in, s->file);
    if (n < sizeof s->in) {
        s->at_end = 1;
        if (ferror(s->file))
            s->problem = strerror(errno ? errno : EIO);
    }
    s->z.next_in = s->in;
    s->z.avail_in = (uInt)n;
}

static const char *file_kind(mode_t mode)
{
    return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
         : S_ISCHR(mode) ? "a character device"
         : S_ISBLK(mode) ? "a block device"
         : S_ISSOCK(mode) ? "a socket" : "not a file";
}

// Open path for reading, only if it is a regular file: a FIFO would
// block until someone writes to it, a device might never end. Opening
// with O_NONBLOCK makes even a FIFO's open return at once.
static int source_open(source *s, const char *path,
                       char *err, size_t err_size)
{
    memset(s, 0, offsetof(source, in));
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return fail(err, err_size, path, "cannot open: %s",
                    strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        return fail(err, err_size, path, "cannot open: %s",
                    strerror(saved));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, err_size, path, "not a regular file (%s): "
                    "give an IDX file", file_kind(st.st_mode));
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1
        || (s->file = fdopen(fd, "rb")) == NULL) {
        int saved = errno;
        close(fd);
        return fail(err, err_size, path, "cannot open: %s",
                    strerror(saved));
    }
    refill(s);
    if (s->z.avail_in >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
        // windowBits 15 + 16: a gzip wrapper, its CRC checked.
        if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
            fclose(s->file);
            return fail(err, err_size, path, "out of memory for zlib");
        }
        s->gzip = 1;
    }
    return 0;
}

static void source_close(source *s)
{
    if (s->gzip)
        inflateEnd(&s->z);
    fclose(s->file);
}

// After a gzip member: another member may follow (gzip reads the
// concatenation), or nothing; anything else is counted as garbage.
static void after_member(source *s)
{
    refill(s);
    if (s->z.avail_in == 0) {
        s->done = 1;
    } else if (s->z.next_in[0] == 0x1f
               && (s->z.avail_in == 1 || s->z.next_in[1] == 0x8b)) {
        inflateReset(&s->z);
    } else {
        s->done = 1;
        while (s->z.avail_in > 0) {
            s->garbage += s->z.avail_in;
            s->z.avail_in = 0;
            refill(s);
        }
    }
}

// Read up to n bytes into out; fewer only at the end or on a problem.
static size_t source_read(source *s, unsigned char *out, size_t n)
{
    if (!s->gzip) {
        size_t got = 0;
        while (got < n && !s->problem) {
            refill(s);
            if (s->z.avail_in == 0)
                break;
            size_t k = s->z.avail_in < n - got ? s->z.avail_in : n - got;
            memcpy(out + got, s->z.next_in, k);
            s->z.next_in += k;
            s->z.avail_in -= (uInt)k;
            got += k;
        }
        return got;
    }
    size_t got = 0;
    while (got < n && !s->done && !s->problem) {
        refill(s);
        if (s->z.avail_in == 0) {
            s->truncated = 1;
            s->problem = "unexpected end of file";
            break;
        }
        size_t want = n - got < (size_t)1 << 30 ? n - got
                                                : (size_t)1 << 30;
        s->z.next_out = out + got;
        s->z.avail_out = (uInt)want;
        uInt in_before = s->z.avail_in;
        int rc = inflate(&s->z, Z_NO_FLUSH);
        got += want - s->z.avail_out;
        if (rc == Z_STREAM_END)
            after_member(s);
        else if (rc == Z_BUF_ERROR && s->z.avail_out == want
                 && s->z.avail_in == in_before)
            s->problem = "no progress";   // cannot happen; never loop
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            s->problem = s->z.msg ? s->z.msg : "damaged data";
    }
    return got;
}

// Read up to `size` bytes into a buffer that grows as the data arrives
// (from 1 MiB, doubling), so that a short file whose header claims a big
// payload costs what it holds, not what it claims. The count read goes
// to *got; NULL if memory runs out.
static unsigned char *read_up_to(source *s, size_t size, size_t *got)
{
    size_t capacity = size < ((size_t)1 << 20) ? size : (size_t)1 << 20;
    unsigned char *bytes = malloc(capacity);
    *got = 0;
    while (bytes != NULL) {
        *got += source_read(s, bytes + *got, capacity - *got);
        if (*got < capacity || capacity == size)
            break;
        capacity = 2 * capacity < size ? 2 * capacity : size;
        unsigned char *bigger = realloc(bytes, capacity);
        if (bigger == NULL)
            free(bytes);
        bytes = bigger;
    }
    return bytes;
}

// Report s->problem as "damaged gzip data: ..." or "cannot read: ...".
static int read_problem(const source *s, const char *path,
                        char *err, size_t err_size)
{
    return fail(err, err_size, path, "%s: %s",
                s->gzip ? "damaged gzip data" : "cannot read", s->problem);
}

// Read the file at path as an IDX file with ndims dimensions: check the
// header, then read the payload it promises, then make sure nothing
// follows.
static int read_file(idx_header *h, unsigned char **payload,
                     const char *path, int ndims,
                     char *err, size_t err_size)
{
    *payload = NULL;
    source *s = malloc(sizeof *s);
    if (s == NULL)
        return fail(err, err_size, path, "out of memory");
    if (source_open(s, path, err, err_size) != 0) {
        free(s);
        return -1;
    }

    unsigned char header[4 + 4 * MAX_DIMS];
    size_t n = source_read(s, header, 4 + 4 * (size_t)ndims);
    int status;
    if (s->truncated)
        status = fail(err, err_size, path, "truncated gzip: the data "
                      "stops after %zu bytes, inside the IDX header", n);
    else if (s->problem)
        status = read_problem(s, path, err, err_size);
    else
        status = parse_header(h, header, n, ndims, path, err, err_size);

    size_t got = 0, extra = 0;
    if (status == 0) {
        *payload = read_up_to(s, h->payload_size, &got);
        if (*payload == NULL)
            status = fail(err, err_size, path, "out of memory for %zu "
                          "bytes", h->payload_size);
    }
    if (status == 0) {
        unsigned char scratch[4096];
        size_t k;
        while (got == h->payload_size && !s->problem
               && (k = source_read(s, scratch, sizeof scratch)) > 0)
            extra += k;
        char claim[128];
        describe(claim, sizeof claim, h);
        if (s->truncated)
            status = fail(err, err_size, path, "truncated gzip: header "
                          "promises %s but only %zu follow", claim, got);
        else if (s->problem)
            status = read_problem(s, path, err, err_size);
        else if (s->garbage > 0 && got == h->payload_size && extra == 0)
            status = fail(err, err_size, path, "%zu trailing bytes after "
                          "the end of the gzip data", s->garbage);
        else
            status = check_length(h, got, extra, path, err, err_size);
    }
    source_close(s);
    free(s);
    if (status != 0) {
        free(*payload);
        *payload = NULL;
    }
    return status;
}

int idx_read_images(idx_images *out, const char *path,
                    char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    idx_header h;
    unsigned char *pixels;
    if (read_file(&h, &pixels, path, 3, err, err_size) != 0)
        return -1;
    fill_images(out, &h, pixels);
    return 0;
}

int idx_read_labels(idx_labels *out, const char *path, int max_label,
                    char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    idx_header h;
    unsigned char *labels;
    if (read_file(&h, &labels, path, 1, err, err_size) != 0)
        return -1;
    if (check_labels(labels, h.payload_size, max_label, path,
                     err, err_size) != 0) {
        free(labels);
        return -1;
    }
    out->count = (int)h.dims[0];
    out->labels = labels;
    return 0;
}

void idx_free_images(idx_images *images)
{
    free(images->pixels);
    memset(images, 0, sizeof *images);
}

void idx_free_labels(idx_labels *labels)
{
    free(labels->labels);
    memset(labels, 0, sizeof *labels);
}

// ---- Data sets --------------------------------------------------------

enum { PATH_SIZE = 4096, DIGIT_MAX = 9 };

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

// Whether path names something to try reading: anything stat() finds,
// and anything it cannot look at for a reason other than absence (a
// permission problem is then reported by the reader, with its errno).
// Not fopen(): that would block on a FIFO.
static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

// Find dir/<stem>-<kind> (e.g. train-images-idx3-ubyte), plain or .gz,
// or spelt with a '.' before the kind. Returns 1 with its path in
// path[PATH_SIZE], or 0 with the standard spelling there.
static int find_file(char *path, const char *dir, const char *stem,
                     const char *kind)
{
    static const char *const separators[] = { "-", "." };
    static const char *const endings[] = { "", ".gz" };
    for (int s = 0; s < 2; s++)
        for (int e = 0; e < 2; e++) {
            int n = snprintf(path, PATH_SIZE, "%s/%s%s%s%s", dir, stem,
                             separators[s], kind, endings[e]);
            if (n > 0 && n < PATH_SIZE && file_exists(path))
                return 1;
        }
    snprintf(path, PATH_SIZE, "%s/%s-%s", dir, stem, kind);
    return 0;
}

// Load the pair <split>-images / <split>-labels ("train" or "t10k").
// The test images must have the training images' size (`like`; NULL
// for the training set itself): a model trained on 28x28 cannot read
// 56x56.
static int load_split(idx_images *images, idx_labels *labels,
                      const char *dir, const char *split,
                      const idx_images *like, char *err, size_t err_size)
{
    char stem[16], image_path[PATH_SIZE], label_path[PATH_SIZE];
    snprintf(stem, sizeof stem, "%s-images", split);
    if (!find_file(image_path, dir, stem, "idx3-ubyte"))
        return fail(err, err_size, image_path, "not found (nor .gz)");
    snprintf(stem, sizeof stem, "%s-labels", split);
    if (!find_file(label_path, dir, stem, "idx1-ubyte"))
        return fail(err, err_size, label_path, "not found (nor .gz)");

    if (idx_read_images(images, image_path, err, err_size) != 0)
        return -1;
    if (like != NULL
        && (images->rows != like->rows || images->cols != like->cols))
        return fail(err, err_size, image_path, "the test images are "
                    "%dx%d, but the training images are %dx%d: give a "
                    "test set of the same size", images->rows,
                    images->cols, like->rows, like->cols);
    if (idx_read_labels(labels, label_path, DIGIT_MAX, err, err_size) != 0)
        return -1;
    if (labels->count != images->count)
        return fail(err, err_size, label_path,
                    "%d labels, but %s holds %d images",
                    labels->count, image_path, images->count);
    return 0;
}

// The directory `make deps` installs MNIST in (see idx.h), into dir:
// $NN_DATA_DIR/mnist if NN_DATA_DIR is set (and then only there), else
// the repository's data/mnist, else ./data/mnist.
static int find_mnist_dir(char *dir, char *err, size_t err_size)
{
    const char *data_dir = getenv("NN_DATA_DIR");
    const char *roots[2];
    int n = 0;
    if (data_dir != NULL && data_dir[0] != '\0') {
        roots[n++] = data_dir;
    } else {
#ifdef NN_SOURCE_DIR
        roots[n++] = NN_SOURCE_DIR "/data";
#endif
        roots[n++] = "./data";
    }
    char path[PATH_SIZE];
    for (int i = 0; i < n; i++) {
        if (snprintf(dir, PATH_SIZE, "%s/mnist", roots[i]) >= PATH_SIZE)
            return fail(err, err_size, "mnist", "NN_DATA_DIR too long");
        if (find_file(path, dir, "train-images", "idx3-ubyte"))
            return 0;
    }
    snprintf(dir, PATH_SIZE, "%s/mnist", roots[0]);
    return fail(err, err_size, "mnist",
                "not installed (no %s/train-images-idx3-ubyte.gz): run "
                "`make deps` to fetch and verify it", dir);
}

// "mnist" promises the official set: 60,000 + 10,000 digits of 28x28.
// Anything else there is a broken or stale install.
static int check_official_mnist(const idx_dataset *d, const char *dir,
                                char *err, size_t err_size)
{
    if (!d->has_test)
        return fail(err, err_size, dir, "no t10k-images-idx3-ubyte.gz: "
                    "run `make deps` to install the whole of MNIST");
    if (d->train_images.count != 60000 || d->test_images.count != 10000
        || d->train_images.rows != 28 || d->train_images.cols != 28)
        return fail(err, err_size, dir, "holds %d + %d images of %dx%d, "
                    "not MNIST's 60000 + 10000 of 28x28: delete it and "
                    "run `make deps`", d->train_images.count,
                    d->test_images.count, d->train_images.rows,
                    d->train_images.cols);
    return 0;
}

int idx_load_dataset(idx_dataset *out, const char *name_or_dir,
                     char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    char dir[PATH_SIZE];
    int official_mnist = strcmp(name_or_dir, "mnist") == 0;
    if (official_mnist) {
        if (find_mnist_dir(dir, err, err_size) != 0)
            return -1;
    } else if (strcmp(name_or_dir, "fashion") == 0) {
        char path[PATH_SIZE];
        if (!find_file(path, FASHION_DIR, "train-images", "idx3-ubyte"))
            return fail(err, err_size, "fashion",
                        "Fashion-MNIST not found in " FASHION_DIR
                        " (Debian: apt-get install dataset-fashion-mnist)");
        snprintf(dir, sizeof dir, "%s", FASHION_DIR);
    } else if (snprintf(dir, sizeof dir, "%s", name_or_dir) >= PATH_SIZE) {
        return fail(err, err_size, "data", "directory name too long");
    }

    if (load_split(&out->train_images, &out->train_labels, dir, "train",
                   NULL, err, err_size) != 0) {
        idx_free_dataset(out);
        return -1;
    }
    // The test pair is optional, but half a pair is an error.
    char images[PATH_SIZE], labels[PATH_SIZE];
    if (find_file(images, dir, "t10k-images", "idx3-ubyte")
        || find_file(labels, dir, "t10k-labels", "idx1-ubyte")) {
        if (load_split(&out->test_images, &out->test_labels, dir, "t10k",
                       &out->train_images, err, err_size) != 0) {
            idx_free_dataset(out);
            return -1;
        }
        out->has_test = 1;
    }
    if (official_mnist
        && check_official_mnist(out, dir, err, err_size) != 0) {
        idx_free_dataset(out);
        return -1;
    }
    return 0;
}

void idx_free_dataset(idx_dataset *dataset)
{
    idx_free_images(&dataset->train_images);
    idx_free_labels(&dataset->train_labels);
    idx_free_images(&dataset->test_images);
    idx_free_labels(&dataset->test_labels);
    dataset->has_test = 0;
}
