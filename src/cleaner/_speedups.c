/*
 * cleaner._speedups: the optional compiled fast paths of cleaner.
 *
 *   - Scanner: one pass over a text that says what normalization would have
 *     to look at (cleaner/normalize/flags.py);
 *   - shingle_hashes: a text's syllable n-gram hashes in one pass, the same
 *     values as the numpy code of cleaner/dedup/shingles.py;
 *   - ngram_repetition_pruned: the Gopher n-gram scores of the quality
 *     filters (cleaner/quality/heuristics.py), walking only the positions
 *     whose shorter n-gram repeats;
 *   - WordLexicon: the quality filters' syllables, word classes and token
 *     counts in one pass over a text (cleaner/quality/heuristics.py);
 *   - segment_identity: the shape hash a boilerplate template segment is
 *     counted under (cleaner/boilerplate/templates.py);
 *   - segment_boundaries: where a line's sentence-like segments end
 *     (cleaner/boilerplate/segments.py);
 *   - edge_words: the shaped, hashed words at either end of a document
 *     (cleaner/boilerplate/templates.py).
 *
 * Without a C compiler the package installs without this module and the
 * pure-Python code does the same work (slower); cleaner/speedups.py loads it.
 *
 * ---- Scanner ----------------------------------------------------------------
 *
 * The character knowledge lives in Python (cleaner/normalize/flags.py and
 * tones.py build the tables from the syllable model and the fixers' own
 * character sets); this file only walks the text once. A Scanner holds:
 *
 *   - a table of 65536 uint16 entries, one per BMP code point: the low 7 bits
 *     are the character's class as the tone scanner sees it (0 other,
 *     1..72 a vowel, lower-cased, numbered 1 + 6 * base + tone, 73 q, 74 g,
 *     75 another letter, 76 a consonant carrying a tone mark, 77 the space,
 *     78 the line break), the high 9 bits are flags OR-ed into the result;
 *     the highest (AFTER_VOWEL_FLAG) only where the character follows a vowel;
 *   - the sorted keys of the vowel runs whose tone is misplaced, one key per
 *     (run, onset, closed) as tones.run_key() computes it (check_run() below too).
 *
 * scan(text) returns (flags, spans): the OR of the flags of every character,
 * plus FLAG_SPACE_LAYOUT (two spaces in a row, or a space at the start or end
 * of a line) and FLAG_ASTRAL (a code point above U+FFFF, which the table does
 * not cover); and the (start, end) of every tone the tone fixers must look at,
 * exactly the matches of tones._scanner() and tones._TONED_FINAL and the
 * spans of tones._two_tone_spans().
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define TABLE_SIZE 0x10000
#define CLASS_BITS 7
#define CLASS_MASK ((1 << CLASS_BITS) - 1)
#define VOWEL_CLASSES 72
#define CLASS_Q 73
#define CLASS_G 74
#define CLASS_LETTER 75
#define CLASS_TONED_CONSONANT 76
#define CLASS_SPACE 77
#define CLASS_NEWLINE 78
#define CLASSES (1 << CLASS_BITS)
/* A table flag that counts only right after a vowel (cp1258's tone bytes),
 * but not after the i of gi or the u of qu, which are consonants there
 * ("giò", "quì"): tones._vowel_class() of plain i and u. */
#define AFTER_VOWEL_FLAG 0x8000
#define CLASS_PLAIN_I 31
#define CLASS_PLAIN_U 55
/* What a pair of adjacent classes means (Scanner.pairs). */
#define PAIR_RARE 1
#define PAIR_LAYOUT 2
#define TONES_PER_VOWEL 6
/* Flags computed here, above the 9 flag bits a table entry can carry. */
#define FLAG_SPACE_LAYOUT (1 << 9)
#define FLAG_ASTRAL (1 << 10)
/* No Vietnamese vowel run is longer than 4 letters (with the u of qu or the i of gi). */
#define MAX_RUN 4
#define RUN_BASE (VOWEL_CLASSES + 1)
/* Onsets as numbered in run keys: the u after q and the i after g are consonants. */
#define ONSET_Q 0
#define ONSET_G 1
#define ONSET_OTHER 2

/* Most vowel runs of clean text are well placed: a bit per hashed key rules
 * them out before the binary search (1,420 keys set about 2% of the bits). */
#define FILTER_BITS 16
#define FILTER_WORDS ((1 << FILTER_BITS) / 64)

typedef struct {
    PyObject_HEAD
    uint16_t table[TABLE_SIZE];
    /* PAIR_* bits of each (previous class, class), indexed previous << 7 | class. */
    uint8_t pairs[CLASSES * CLASSES];
    uint64_t filter[FILTER_WORDS];
    int32_t *keys;
    Py_ssize_t key_count;
} ScannerObject;

static uint32_t
filter_bit(int32_t key)
{
    /* Fibonacci hashing: the top bits of the product mix every bit of the key. */
    return ((uint32_t)key * 2654435761u) >> (32 - FILTER_BITS);
}

static int
is_vowel(int cls)
{
    return cls >= 1 && cls <= VOWEL_CLASSES;
}

static int
is_letter(int cls)
{
    return cls >= 1 && cls <= CLASS_TONED_CONSONANT;
}

static int
is_toned(int cls)
{
    return is_vowel(cls) && (cls - 1) % TONES_PER_VOWEL != 0;
}

static int
onset_of(int cls)
{
    if (cls == CLASS_Q) {
        return ONSET_Q;
    }
    return cls == CLASS_G ? ONSET_G : ONSET_OTHER;
}

static int
has_key(const ScannerObject *self, int32_t key)
{
    uint32_t bit = filter_bit(key);
    if (!((self->filter[bit / 64] >> (bit % 64)) & 1)) {
        return 0;
    }
    Py_ssize_t low = 0, high = self->key_count;
    while (low < high) {
        Py_ssize_t middle = low + (high - low) / 2;
        if (self->keys[middle] < key) {
            low = middle + 1;
        }
        else {
            high = middle;
        }
    }
    return low < self->key_count && self->keys[low] == key;
}

static uint16_t
astral_entry(Py_UCS4 ch)
{
    /* Astral letters count as letters, as for re's [^\W\d_]. */
    return (uint16_t)(Py_UNICODE_ISALNUM(ch) && !Py_UNICODE_ISDECIMAL(ch) ? CLASS_LETTER : 0);
}

static int
append_span(PyObject *spans, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *span = Py_BuildValue("(nn)", start, end);
    if (span == NULL) {
        return -1;
    }
    int status = PyList_Append(spans, span);
    Py_DECREF(span);
    return status;
}

/* The vowel run [start, end) of two or more letters, whose first MAX_RUN
 * classes are `classes` (zero-padded), came after a character of class
 * `before` and ended before one of class `after`: report its toned vowel if
 * the run is a misplaced one, or the run's first toned vowel if it has two
 * tone marks. The key is tones.run_key()'s: the vowel
 * classes in base 73, padded to MAX_RUN with zeros, then the onset and
 * whether a consonant closes it. */
static int
check_run(const ScannerObject *self, const int *classes, Py_ssize_t start, Py_ssize_t end,
          int before, int after, PyObject *spans)
{
    if (end - start > MAX_RUN) {
        return 0;
    }
    int32_t key = 0;
    Py_ssize_t toned_at = -1, first_toned = -1;
    for (Py_ssize_t i = start; i < start + MAX_RUN; i++) {
        int cls = i < end ? classes[i - start] : 0;
        key = key * RUN_BASE + cls;
        if (is_toned(cls)) {
            first_toned = first_toned < 0 ? i : first_toned;
            toned_at = i;
        }
    }
    if (first_toned != toned_at) {
        /* Two tone marks in one run (tủổi): from the first of them to the run's end. */
        return append_span(spans, first_toned, end);
    }
    key = (key * 3 + onset_of(before)) * 2 + is_letter(after);
    if (toned_at < 0 || !has_key(self, key)) {
        return 0;
    }
    return append_span(spans, toned_at, end);
}

/* The scanning loop, once per string kind so that the compiler sees plain
 * array reads. The common character costs two table reads (its class, then
 * what the pair of it and the previous class means) and a few bit
 * operations, with the loop's state in registers. Only a second vowel in a
 * row (a run to key) or a toned consonant after a vowel leave the loop, for
 * a function of their own: rarely taken, that branch is well predicted (a
 * branch per syllable would not be). */
#define LAYOUT_SHIFT 16
#define DEFINE_SCAN(NAME, CHAR_T, ENTRY)                                                  \
    /* The rare path at i: returns the index of the last character it read, or -1,   \
     * and ORs the entries it read into *seen. */                                     \
    static Py_NO_INLINE Py_ssize_t NAME##_rare(const ScannerObject *self,              \
                                               const CHAR_T *data, Py_ssize_t length, \
                                               Py_ssize_t i, uint32_t *seen,          \
                                               PyObject *spans)                       \
    {                                                                                   \
        if (!is_vowel(ENTRY(data[i]) & CLASS_MASK)) {                                   \
            /* A tone typed after the final consonant (muôń). */                       \
            return append_span(spans, i, i + 1) < 0 ? -1 : i;                           \
        }                                                                               \
        /* A run of two or more vowels started at i - 1: read it whole. */              \
        Py_ssize_t start = i - 1, end = i;                                              \
        int classes[MAX_RUN] = {0};                                                     \
        classes[0] = ENTRY(data[start]) & CLASS_MASK;                                   \
        int before = start > 0 ? ENTRY(data[start - 1]) & CLASS_MASK : 0;               \
        int glide = (before == CLASS_G && classes[0] == CLASS_PLAIN_I)                  \
                    || (before == CLASS_Q && classes[0] == CLASS_PLAIN_U);              \
        for (; end < length; end++) {                                                   \
            uint16_t next = ENTRY(data[end]);                                           \
            if (!is_vowel(next & CLASS_MASK)) {                                         \
                break;                                                                  \
            }                                                                           \
            /* After a vowel, AFTER_VOWEL_FLAG counts. */                               \
            *seen |= glide && end == start + 1 ? next & ~AFTER_VOWEL_FLAG : next;       \
            if (end - start < MAX_RUN) {                                                \
                classes[end - start] = next & CLASS_MASK;                               \
            }                                                                           \
        }                                                                               \
        int after = end < length ? ENTRY(data[end]) & CLASS_MASK : 0;                   \
        return check_run(self, classes, start, end, before, after, spans) < 0 ? -1 : end - 1; \
    }                                                                                   \
                                                                                        \
    static long NAME(const ScannerObject *self, const CHAR_T *data, Py_ssize_t length,  \
                     PyObject *spans)                                                   \
    {                                                                                   \
        uint32_t seen = 0;                                                              \
        /* As if a line break came first: a leading space is a line-edge space. */      \
        uint32_t previous = CLASS_NEWLINE;                                              \
        for (Py_ssize_t i = 0; i < length; i++) {                                       \
            uint32_t entry = ENTRY(data[i]);                                            \
            uint32_t cls = entry & CLASS_MASK;                                          \
            uint32_t pair = self->pairs[(previous << CLASS_BITS) | cls];                \
            seen |= (entry & ~AFTER_VOWEL_FLAG) | (pair << LAYOUT_SHIFT);               \
            if (pair & PAIR_RARE) {                                                     \
                uint32_t read = 0;                                                      \
                i = NAME##_rare(self, data, length, i, &read, spans);                   \
                if (i < 0) {                                                            \
                    return -1;                                                          \
                }                                                                       \
                seen |= read;                                                           \
                cls = ENTRY(data[i]) & CLASS_MASK;                                      \
            }                                                                           \
            previous = cls;                                                             \
        }                                                                               \
        if (previous == CLASS_SPACE && length > 0) {                                    \
            seen |= PAIR_LAYOUT << LAYOUT_SHIFT;                                        \
        }                                                                               \
        return (long)((seen & 0xffff) >> CLASS_BITS)                                    \
               | ((seen >> LAYOUT_SHIFT) & PAIR_LAYOUT ? FLAG_SPACE_LAYOUT : 0);        \
    }

#define BMP_ENTRY(ch) (self->table[ch])
#define ANY_ENTRY(ch) ((ch) < TABLE_SIZE ? self->table[ch] : astral_entry(ch))
DEFINE_SCAN(scan_ucs1, Py_UCS1, BMP_ENTRY)
DEFINE_SCAN(scan_ucs2, Py_UCS2, BMP_ENTRY)
DEFINE_SCAN(scan_ucs4, Py_UCS4, ANY_ENTRY)

static PyObject *
Scanner_scan(ScannerObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "scan() expects str, got %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    PyObject *spans = PyList_New(0);
    if (spans == NULL) {
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    long flags;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        flags = scan_ucs1(self, PyUnicode_1BYTE_DATA(text), length, spans);
        break;
    case PyUnicode_2BYTE_KIND:
        flags = scan_ucs2(self, PyUnicode_2BYTE_DATA(text), length, spans);
        break;
    default:
        /* Only a text with a code point above U+FFFF is stored 4 bytes wide. */
        flags = scan_ucs4(self, PyUnicode_4BYTE_DATA(text), length, spans);
        flags = flags < 0 ? flags : flags | FLAG_ASTRAL;
    }
    if (flags < 0) {
        Py_DECREF(spans);
        return NULL;
    }
    return Py_BuildValue("(lN)", flags, spans);
}

static int
copy_table(ScannerObject *self, PyObject *source)
{
    Py_buffer view;
    if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0) {
        return -1;
    }
    int status = 0;
    if (view.len != (Py_ssize_t)sizeof(self->table)) {
        PyErr_Format(PyExc_ValueError, "table must be %zd bytes, got %zd",
                     (Py_ssize_t)sizeof(self->table), view.len);
        status = -1;
    }
    else {
        memcpy(self->table, view.buf, sizeof(self->table));
    }
    PyBuffer_Release(&view);
    return status;
}

static int
copy_keys(ScannerObject *self, PyObject *source)
{
    Py_buffer view;
    if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0) {
        return -1;
    }
    int32_t *copy = NULL;
    if (view.len % (Py_ssize_t)sizeof(int32_t) != 0) {
        PyErr_SetString(PyExc_ValueError, "keys must be packed int32 values");
    }
    else if ((copy = PyMem_Malloc(view.len > 0 ? (size_t)view.len : 1)) == NULL) {
        PyErr_NoMemory();
    }
    else {
        memcpy(copy, view.buf, (size_t)view.len);
        Py_ssize_t count = view.len / (Py_ssize_t)sizeof(int32_t);
        for (Py_ssize_t i = 1; i < count; i++) {
            if (copy[i - 1] >= copy[i]) {
                /* has_key() searches by halves. */
                PyErr_SetString(PyExc_ValueError, "keys must be sorted and distinct");
                PyMem_Free(copy);
                copy = NULL;
                break;
            }
        }
    }
    if (copy != NULL) {
        PyMem_Free(self->keys);
        self->keys = copy;
        self->key_count = view.len / (Py_ssize_t)sizeof(int32_t);
        memset(self->filter, 0, sizeof(self->filter));
        for (Py_ssize_t i = 0; i < self->key_count; i++) {
            uint32_t bit = filter_bit(copy[i]);
            self->filter[bit / 64] |= (uint64_t)1 << (bit % 64);
        }
    }
    PyBuffer_Release(&view);
    return copy == NULL ? -1 : 0;
}

/* Two spaces, a space before or after a line break, a second vowel, or a
 * toned consonant after a vowel. */
static void
fill_pairs(ScannerObject *self)
{
    for (int previous = 0; previous < CLASSES; previous++) {
        for (int cls = 0; cls < CLASSES; cls++) {
            int layout = (cls == CLASS_SPACE
                          && (previous == CLASS_SPACE || previous == CLASS_NEWLINE))
                         || (cls == CLASS_NEWLINE && previous == CLASS_SPACE);
            int rare = is_vowel(previous) && (is_vowel(cls) || cls == CLASS_TONED_CONSONANT);
            self->pairs[previous << CLASS_BITS | cls] =
                (uint8_t)((layout ? PAIR_LAYOUT : 0) | (rare ? PAIR_RARE : 0));
        }
    }
}

static int
Scanner_init(ScannerObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"table", "keys", NULL};
    PyObject *table, *keys;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO:Scanner", names, &table, &keys)) {
        return -1;
    }
    fill_pairs(self);
    return copy_table(self, table) < 0 ? -1 : copy_keys(self, keys);
}

static void
Scanner_dealloc(ScannerObject *self)
{
    PyMem_Free(self->keys);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Scanner_methods[] = {
    {"scan", (PyCFunction)Scanner_scan, METH_O,
     "scan(text) -> (flags, spans): the OR of the characters' flags, and the tones to fix."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner._speedups.Scanner",
    .tp_basicsize = sizeof(ScannerObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Scanner(table, keys): one pass over a text for the normalization fast path.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
};

/* ---- Shingles: cleaner.dedup.shingles in one pass ------------------------------
 *
 * The same hashes as the numpy code, bit for bit: a syllable is a maximal run
 * of word characters (re's \w: alphanumeric or '_'); its hash is
 * fmix64(sum(cp[k] * SYLLABLE_BASE**k) ^ length * NGRAM_BASE), and a shingle
 * of n syllables is fmix64 of their polynomial combination in NGRAM_BASE
 * (all arithmetic mod 2**64). A text with fewer than n syllables is one
 * shingle of all of them. The result is the sorted set of shingle hashes. */

#define SYLLABLE_BASE 0x9E3779B97F4A7C15ULL
#define NGRAM_BASE 0xC2B2AE3D27D4EB4FULL

static uint64_t
fmix64(uint64_t value)
{
    value ^= value >> 33;
    value *= 0xFF51AFD7ED558CCDULL;
    value ^= value >> 33;
    value *= 0xC4CEB9FE1A85EC53ULL;
    return value ^ (value >> 33);
}

/* Make room for one more item in a growing array: when it is full, double its
 * capacity (``initial`` items the first time). Returns -1 with MemoryError set
 * when the allocation fails; the array is then unchanged. */
static int
grow_for_one(void **items, Py_ssize_t length, Py_ssize_t *capacity, Py_ssize_t initial,
             size_t item_size)
{
    if (length < *capacity) {
        return 0;
    }
    Py_ssize_t grown = *capacity ? 2 * *capacity : initial;
    void *moved = PyMem_Realloc(*items, (size_t)grown * item_size);
    if (moved == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *items = moved;
    *capacity = grown;
    return 0;
}

typedef struct {
    uint64_t *items;
    Py_ssize_t length;
    Py_ssize_t capacity;
} Hashes;

static int
push_hash(Hashes *hashes, uint64_t value)
{
    if (grow_for_one((void **)&hashes->items, hashes->length, &hashes->capacity, 256,
                     sizeof(uint64_t)) < 0) {
        return -1;
    }
    hashes->items[hashes->length++] = value;
    return 0;
}

#define DEFINE_SYLLABLES(NAME, CHAR_T, IS_WORD)                                            \
    static int NAME(const CHAR_T *data, Py_ssize_t length, const uint8_t *word_table,    \
                    Hashes *out)                                                         \
    {                                                                                    \
        uint64_t hash = 0, power = 1;                                                    \
        uint64_t letters = 0;                                                            \
        for (Py_ssize_t i = 0; i <= length; i++) {                                       \
            Py_UCS4 ch = i < length ? data[i] : ' ';                                     \
            if (IS_WORD(ch)) {                                                           \
                hash += (uint64_t)ch * power;                                            \
                power *= SYLLABLE_BASE;                                                  \
                letters++;                                                               \
            }                                                                            \
            else if (letters) {                                                          \
                if (push_hash(out, fmix64(hash ^ (letters * NGRAM_BASE))) < 0) {          \
                    return -1;                                                           \
                }                                                                        \
                hash = 0;                                                                \
                power = 1;                                                               \
                letters = 0;                                                             \
            }                                                                            \
        }                                                                                \
        return 0;                                                                        \
    }

#define BMP_WORD(ch) (word_table[ch])
#define ANY_WORD(ch)                                                                     \
    ((ch) < TABLE_SIZE ? word_table[ch] : (Py_UNICODE_ISALNUM(ch) || (ch) == '_'))
DEFINE_SYLLABLES(syllables_ucs1, Py_UCS1, BMP_WORD)
DEFINE_SYLLABLES(syllables_ucs2, Py_UCS2, BMP_WORD)
DEFINE_SYLLABLES(syllables_ucs4, Py_UCS4, ANY_WORD)

/* n-grams of the syllable hashes, in place: shingle j replaces syllable j. */
static Py_ssize_t
combine_ngrams(uint64_t *hashes, Py_ssize_t count, Py_ssize_t ngram)
{
    Py_ssize_t width = count < ngram ? count : ngram;
    Py_ssize_t windows = count - width + 1;
    for (Py_ssize_t j = 0; j < windows; j++) {
        uint64_t combined = 0;
        for (Py_ssize_t k = 0; k < width; k++) {
            combined = combined * NGRAM_BASE + hashes[j + k];
        }
        hashes[j] = fmix64(combined);
    }
    return windows;
}

static void
insertion_sort(uint64_t *items, Py_ssize_t count)
{
    for (Py_ssize_t i = 1; i < count; i++) {
        uint64_t item = items[i];
        Py_ssize_t j = i;
        for (; j > 0 && items[j - 1] > item; j--) {
            items[j] = items[j - 1];
        }
        items[j] = item;
    }
}

/* Sort uniformly spread hashes: scatter them into about `count` buckets by
 * their top bits, then insertion-sort the buckets (one or two items each on
 * average): two passes instead of a comparison sort's log2(count). */
static int
sort_hashes(uint64_t *items, Py_ssize_t count)
{
    if (count <= 32) {
        insertion_sort(items, count);
        return 0;
    }
    int bits = 1;
    while (((Py_ssize_t)1 << bits) < count && bits < 24) {
        bits++;
    }
    Py_ssize_t buckets = (Py_ssize_t)1 << bits;
    Py_ssize_t *starts = PyMem_Calloc((size_t)buckets + 1, sizeof(Py_ssize_t));
    uint64_t *sorted = PyMem_Malloc((size_t)count * sizeof(uint64_t));
    if (starts == NULL || sorted == NULL) {
        PyMem_Free(starts);
        PyMem_Free(sorted);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        starts[(items[i] >> (64 - bits)) + 1]++;
    }
    for (Py_ssize_t b = 0; b < buckets; b++) {
        starts[b + 1] += starts[b];
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        sorted[starts[items[i] >> (64 - bits)]++] = items[i];
    }
    /* starts[b] is now the end of bucket b, the start of bucket b + 1. */
    Py_ssize_t begin = 0;
    for (Py_ssize_t b = 0; b < buckets; b++) {
        insertion_sort(sorted + begin, starts[b] - begin);
        begin = starts[b];
    }
    memcpy(items, sorted, (size_t)count * sizeof(uint64_t));
    PyMem_Free(starts);
    PyMem_Free(sorted);
    return 0;
}

static Py_ssize_t
drop_repeats(uint64_t *items, Py_ssize_t count)
{
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (kept == 0 || items[i] != items[kept - 1]) {
            items[kept++] = items[i];
        }
    }
    return kept;
}

static PyObject *
shingle_hashes(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "shingle_hashes(text, ngram, word_table)");
        return NULL;
    }
    PyObject *text = args[0];
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "shingle_hashes() expects str, got %.100s",
                     Py_TYPE(text)->tp_name);
        return NULL;
    }
    Py_ssize_t ngram = PyLong_AsSsize_t(args[1]);
    if (ngram == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (ngram < 1) {
        PyErr_SetString(PyExc_ValueError, "ngram must be >= 1");
        return NULL;
    }
    Py_buffer table;
    if (PyObject_GetBuffer(args[2], &table, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    Hashes hashes = {NULL, 0, 0};
    if (table.len != TABLE_SIZE) {
        PyErr_Format(PyExc_ValueError, "word_table must be %d bytes", TABLE_SIZE);
        goto done;
    }
    const uint8_t *word_table = table.buf;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int status;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        status = syllables_ucs1(PyUnicode_1BYTE_DATA(text), length, word_table, &hashes);
        break;
    case PyUnicode_2BYTE_KIND:
        status = syllables_ucs2(PyUnicode_2BYTE_DATA(text), length, word_table, &hashes);
        break;
    default:
        status = syllables_ucs4(PyUnicode_4BYTE_DATA(text), length, word_table, &hashes);
    }
    if (status < 0) {
        goto done;
    }
    Py_ssize_t syllables = hashes.length;
    Py_ssize_t shingles = syllables ? combine_ngrams(hashes.items, syllables, ngram) : 0;
    if (sort_hashes(hashes.items, shingles) < 0) {
        goto done;
    }
    shingles = drop_repeats(hashes.items, shingles);
    PyObject *values = PyBytes_FromStringAndSize(
        (const char *)hashes.items, shingles * (Py_ssize_t)sizeof(uint64_t));
    if (values != NULL) {
        result = Py_BuildValue("(Nn)", values, syllables);
    }
done:
    PyMem_Free(hashes.items);
    PyBuffer_Release(&table);
    return result;
}

/* ---- MinHash: cleaner.dedup.minhash's affine32 permutations ------------------------
 *
 * datasketch's affine32 scheme, as MinHasher applies it: each shingle's 32-bit
 * hash (the high half of its 64-bit hash) goes through MurmurHash3's fmix32,
 * then h -> a * h + b mod 2**32 for each permutation; a text's signature is
 * the minimum per permutation (2**32 - 1 for a text without shingles). */

/* The permutation loop is the hot spot; with GCC or Clang on x86-64 Linux it
 * is compiled twice, for AVX2 and for the baseline, and the loader picks the
 * one this CPU runs (its 32-bit multiply and minimum need SSE4.1 or later to
 * vectorize; the baseline, SSE2, does without). */
#if defined(__x86_64__) && defined(__ELF__) && (defined(__GNUC__) || defined(__clang__))
#define CPU_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CPU_CLONES
#endif

#define MIN32(x, y) ((x) < (y) ? (x) : (y))

static uint32_t
fmix32(uint32_t value)
{
    value ^= value >> 16;
    value *= 0x85EBCA6BU;
    value ^= value >> 13;
    value *= 0xC2B2AE35U;
    return value ^ (value >> 16);
}

CPU_CLONES static void
minimize(const uint64_t *values, Py_ssize_t count, const uint32_t *a, const uint32_t *b,
         Py_ssize_t permutations, uint32_t *signature)
{
    for (Py_ssize_t p = 0; p < permutations; p++) {
        signature[p] = UINT32_MAX;
    }
    /* Four shingles per pass over the permutations: a, b and the signature
     * are loaded and stored once for four minima (about 1.6x faster). */
    Py_ssize_t i = 0;
    for (; i + 4 <= count; i += 4) {
        uint32_t h0 = fmix32((uint32_t)(values[i] >> 32));
        uint32_t h1 = fmix32((uint32_t)(values[i + 1] >> 32));
        uint32_t h2 = fmix32((uint32_t)(values[i + 2] >> 32));
        uint32_t h3 = fmix32((uint32_t)(values[i + 3] >> 32));
        for (Py_ssize_t p = 0; p < permutations; p++) {
            uint32_t low = signature[p];
            low = MIN32(low, a[p] * h0 + b[p]);
            low = MIN32(low, a[p] * h1 + b[p]);
            low = MIN32(low, a[p] * h2 + b[p]);
            low = MIN32(low, a[p] * h3 + b[p]);
            signature[p] = low;
        }
    }
    for (; i < count; i++) {
        uint32_t hash = fmix32((uint32_t)(values[i] >> 32));
        for (Py_ssize_t p = 0; p < permutations; p++) {
            signature[p] = MIN32(signature[p], a[p] * hash + b[p]);
        }
    }
}

typedef struct {
    Py_buffer view;
    int acquired;
} Buffer;

static int
get_buffer(PyObject *source, Buffer *buffer, int writable, Py_ssize_t item, const char *name)
{
    int flags = writable ? PyBUF_WRITABLE : PyBUF_SIMPLE;
    if (PyObject_GetBuffer(source, &buffer->view, flags | PyBUF_C_CONTIGUOUS) < 0) {
        return -1;
    }
    buffer->acquired = 1;
    if (buffer->view.len % item != 0) {
        PyErr_Format(PyExc_ValueError, "%s must hold %zd-byte items", name, item);
        return -1;
    }
    return 0;
}

static void
release_buffer(Buffer *buffer)
{
    if (buffer->acquired) {
        PyBuffer_Release(&buffer->view);
    }
}

static PyObject *
minhash_signatures(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "minhash_signatures(values, offsets, a, b, out)");
        return NULL;
    }
    Buffer values = {0}, offsets = {0}, a = {0}, b = {0}, out = {0};
    PyObject *result = NULL;
    if (get_buffer(args[0], &values, 0, sizeof(uint64_t), "values") < 0
        || get_buffer(args[1], &offsets, 0, sizeof(int64_t), "offsets") < 0
        || get_buffer(args[2], &a, 0, sizeof(uint32_t), "a") < 0
        || get_buffer(args[3], &b, 0, sizeof(uint32_t), "b") < 0
        || get_buffer(args[4], &out, 1, sizeof(uint32_t), "out") < 0) {
        goto done;
    }
    Py_ssize_t permutations = a.view.len / (Py_ssize_t)sizeof(uint32_t);
    Py_ssize_t texts = offsets.view.len / (Py_ssize_t)sizeof(int64_t) - 1;
    Py_ssize_t count = values.view.len / (Py_ssize_t)sizeof(uint64_t);
    const int64_t *bounds = offsets.view.buf;
    /* One output row is permutations * 4 bytes, at most a.view.len: no overflow.
       Dividing the output length by it, rather than multiplying texts by it,
       keeps crafted buffer sizes from wrapping around to a matching length. */
    Py_ssize_t row = permutations * (Py_ssize_t)sizeof(uint32_t);
    if (b.view.len != a.view.len || texts < 0
        || (row == 0 ? out.view.len != 0
                     : out.view.len % row != 0 || out.view.len / row != texts)) {
        PyErr_SetString(PyExc_ValueError, "minhash_signatures: sizes do not match");
        goto done;
    }
    for (Py_ssize_t t = 0; t < texts; t++) {
        if (bounds[t] < 0 || bounds[t] > bounds[t + 1] || bounds[t + 1] > count) {
            PyErr_SetString(PyExc_ValueError, "minhash_signatures: offsets out of range");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t t = 0; t < texts; t++) {
        minimize((const uint64_t *)values.view.buf + bounds[t], bounds[t + 1] - bounds[t],
                 a.view.buf, b.view.buf, permutations,
                 (uint32_t *)out.view.buf + t * permutations);
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_buffer(&values);
    release_buffer(&offsets);
    release_buffer(&a);
    release_buffer(&b);
    release_buffer(&out);
    return result;
}

/* ---- n-gram keys and groups: cleaner.quality.heuristics' Gopher n-gram scores ---------
 *
 * The same results as the numpy code of heuristics.py (_top_ngram_chars and
 * _duplicate_ngram_chars): an n-gram's key is a polynomial of its syllables'
 * 64-bit keys modulo 2**64 (here the syllables' own str hashes, there their
 * ids in the document; either way equal keys are equal n-grams, bar a 2**-64
 * chance). Per n one pass through a hash table numbers the n-grams (groups),
 * each with its count and first position. */

#define GRAM_MULTIPLIER 0x9E3779B97F4A7C15ULL

/* Numbers the positions' n-grams in order of first occurrence with an
 * open-addressing table (``slots`` of ``capacity``, a power of two above
 * twice the positions): group[position], count[group], first[group] and
 * group_keys[group]; returns the number of groups. */
static Py_ssize_t
group_grams(const uint64_t *keys, Py_ssize_t positions, Py_ssize_t *slots, Py_ssize_t capacity,
            uint64_t *group_keys, Py_ssize_t *group, Py_ssize_t *count, Py_ssize_t *first)
{
    memset(slots, 0xff, (size_t)capacity * sizeof(Py_ssize_t));
    Py_ssize_t groups = 0;
    for (Py_ssize_t p = 0; p < positions; p++) {
        uint64_t key = keys[p];
        size_t slot = (size_t)(fmix64(key) & (uint64_t)(capacity - 1));
        while (slots[slot] >= 0 && group_keys[slots[slot]] != key) {
            slot = (slot + 1) & (size_t)(capacity - 1);
        }
        if (slots[slot] < 0) {
            slots[slot] = groups;
            group_keys[groups] = key;
            first[groups] = p;
            count[groups] = 0;
            groups++;
        }
        count[slots[slot]]++;
        group[p] = slots[slot];
    }
    return groups;
}

static int
parse_sizes(PyObject *sequence, Py_ssize_t *sizes, Py_ssize_t *length, Py_ssize_t *largest)
{
    PyObject *items = PySequence_Fast(sequence, "sizes must be a sequence of int");
    if (items == NULL) {
        return -1;
    }
    *length = PySequence_Fast_GET_SIZE(items);
    if (*length > 64) {
        Py_DECREF(items);
        PyErr_SetString(PyExc_ValueError, "at most 64 n-gram sizes");
        return -1;
    }
    for (Py_ssize_t i = 0; i < *length; i++) {
        sizes[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(items, i));
        if (sizes[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(items);
            return -1;
        }
        if (sizes[i] < 1) {
            Py_DECREF(items);
            PyErr_SetString(PyExc_ValueError, "n-gram sizes must be >= 1");
            return -1;
        }
        if (sizes[i] > *largest) {
            *largest = sizes[i];
        }
    }
    Py_DECREF(items);
    return 0;
}

/* ---- ngram_repetition_pruned: the same scores, walking only positions that can repeat ---
 *
 * Numbering every position's n-gram for every n is quadratic in the sizes
 * asked. An n-gram occurs twice only where its first n - 1 syllables do, so after each n only
 * the positions whose n-gram repeats stay candidates for n + 1 (as
 * heuristics._duplicate_ngram_chars walks them). Every occurrence of a repeated
 * n-gram is a candidate, so the top n-gram among the candidates is the top one
 * overall; when none repeats, every n-gram occurs once and the first (position
 * 0) is the top one, as Gopher's Counter.most_common picks. */

/* The top n-gram's characters from the candidates' groups: the most frequent,
 * the first seen on a tie, its characters (spaces inside it included) times
 * its count. */
static Py_ssize_t
top_candidate_chars(const Py_ssize_t *ends, Py_ssize_t n, Py_ssize_t positions,
                    Py_ssize_t groups, const Py_ssize_t *count, const Py_ssize_t *first,
                    const Py_ssize_t *candidates)
{
    Py_ssize_t best = -1;
    for (Py_ssize_t g = 0; g < groups; g++) {
        if (best < 0 || count[g] > count[best]) {
            best = g; /* groups are numbered in order of first occurrence */
        }
    }
    if (best >= 0 && count[best] > 1) {
        Py_ssize_t at = candidates[first[best]];
        return (ends[at + n] - ends[at] + n - 1) * count[best];
    }
    return positions > 0 ? ends[n] - ends[0] + n - 1 : 0;
}

/* Gopher's walk over the candidates: a repeat of an n-gram seen before counts,
 * and the walk jumps past it; n-grams inside a counted one are not seen. */
static Py_ssize_t
duplicate_candidate_chars(const Py_ssize_t *ends, Py_ssize_t n, Py_ssize_t count_of_candidates,
                          const Py_ssize_t *candidates, const Py_ssize_t *group,
                          const Py_ssize_t *count, char *seen)
{
    Py_ssize_t repeated = 0, resume = 0;
    for (Py_ssize_t c = 0; c < count_of_candidates; c++) {
        Py_ssize_t p = candidates[c], g = group[c];
        if (p < resume || count[g] < 2) {
            continue;
        }
        if (seen[g]) {
            repeated += ends[p + n] - ends[p];
            resume = p + n;
        }
        else {
            seen[g] = 1;
        }
    }
    return repeated;
}

static PyObject *
sizes_list(const Py_ssize_t *values, Py_ssize_t length)
{
    PyObject *list = PyList_New(length);
    for (Py_ssize_t i = 0; list != NULL && i < length; i++) {
        PyObject *value = PyLong_FromSsize_t(values[i]);
        if (value == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, value);
    }
    return list;
}

static PyObject *
ngram_repetition_pruned(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError,
                        "ngram_repetition_pruned(words: list, top_ns, duplicate_ns)");
        return NULL;
    }
    PyObject *words = args[0];
    Py_ssize_t top_ns[64], duplicate_ns[64], tops = 0, duplicates = 0, largest = 1;
    if (parse_sizes(args[1], top_ns, &tops, &largest) < 0 ||
        parse_sizes(args[2], duplicate_ns, &duplicates, &largest) < 0) {
        return NULL;
    }
    Py_ssize_t size = PyList_GET_SIZE(words);
    PyObject *result = NULL, *top_list = NULL, *duplicate_list = NULL;
    uint64_t *syllables = PyMem_Malloc((size_t)(size + 1) * sizeof(uint64_t));
    uint64_t *keys = PyMem_Malloc((size_t)(size + 1) * sizeof(uint64_t));
    Py_ssize_t *ends = PyMem_Malloc((size_t)(size + 1) * sizeof(Py_ssize_t));
    Py_ssize_t capacity = 16;
    while (capacity < 2 * size) {
        capacity *= 2;
    }
    Py_ssize_t *scratch = PyMem_Malloc((size_t)(4 * size + capacity + 1) * sizeof(Py_ssize_t));
    uint64_t *group_keys = PyMem_Malloc((size_t)(size + 1) * sizeof(uint64_t));
    char *seen = PyMem_Malloc((size_t)size + 1);
    if (!syllables || !keys || !ends || !scratch || !group_keys || !seen) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t *group = scratch, *count = scratch + size, *first = scratch + 2 * size;
    Py_ssize_t *candidates = scratch + 3 * size, *slots = scratch + 4 * size;
    ends[0] = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "ngram_repetition_pruned: words must be str");
            goto done;
        }
        Py_hash_t hash = PyObject_Hash(word);
        if (hash == -1 && PyErr_Occurred()) {
            goto done;
        }
        syllables[i] = (uint64_t)hash;
        keys[i] = syllables[i];
        candidates[i] = i;
        ends[i + 1] = ends[i] + PyUnicode_GET_LENGTH(word);
    }
    Py_ssize_t top_chars[64] = {0}, duplicate_chars[64] = {0};
    Py_ssize_t alive = size; /* candidates[0:alive], keys[c] the n-gram at candidates[c] */
    for (Py_ssize_t n = 1; n <= largest && n <= size; n++) {
        Py_ssize_t positions = size - n + 1;
        Py_ssize_t kept = 0;
        for (Py_ssize_t c = 0; c < alive; c++) {
            Py_ssize_t p = candidates[c];
            if (p < positions) {
                candidates[kept] = p;
                keys[kept] = n > 1 ? keys[c] * GRAM_MULTIPLIER + syllables[p + n - 1] : keys[c];
                kept++;
            }
        }
        alive = kept;
        Py_ssize_t table = 16;
        while (table < 2 * alive) {
            table *= 2;
        }
        Py_ssize_t groups =
            group_grams(keys, alive, slots, table, group_keys, group, count, first);
        for (Py_ssize_t i = 0; i < tops; i++) {
            if (top_ns[i] == n) {
                top_chars[i] =
                    top_candidate_chars(ends, n, positions, groups, count, first, candidates);
            }
        }
        for (Py_ssize_t i = 0; i < duplicates; i++) {
            if (duplicate_ns[i] == n) {
                memset(seen, 0, (size_t)groups);
                duplicate_chars[i] =
                    duplicate_candidate_chars(ends, n, alive, candidates, group, count, seen);
            }
        }
        kept = 0;
        for (Py_ssize_t c = 0; c < alive; c++) {
            if (count[group[c]] > 1) {
                candidates[kept] = candidates[c];
                keys[kept] = keys[c];
                kept++;
            }
        }
        alive = kept;
    }
    top_list = sizes_list(top_chars, tops);
    duplicate_list = sizes_list(duplicate_chars, duplicates);
    if (top_list != NULL && duplicate_list != NULL) {
        result = PyTuple_Pack(2, top_list, duplicate_list);
    }
done:
    Py_XDECREF(top_list);
    Py_XDECREF(duplicate_list);
    PyMem_Free(syllables);
    PyMem_Free(keys);
    PyMem_Free(ends);
    PyMem_Free(scratch);
    PyMem_Free(group_keys);
    PyMem_Free(seen);
    return result;
}

/* ---- WordLexicon: the quality filters' one pass over a text ---------------------------
 *
 * cleaner/quality/heuristics.py splits a text into syllables (a regex), lower-cases
 * each, classifies each (cleaner/quality/script.py) and counts the whitespace
 * tokens and those without a letter (two more passes). WordLexicon.scan() does it
 * all in one walk over the text, with the same answers:
 *
 *   - the character knowledge is a table from Python, one byte per code point
 *     (0x110000), built by running the very patterns of heuristics.py over every
 *     code point (LEX_* bits below), so both paths agree character by character;
 *   - a word is looked up by its code points in a hash table of the words seen
 *     so far; only a new word becomes a str, passed to the Python ``describe``
 *     callable, which answers (lower-cased word, class index, marks): marks
 *     are bits the caller gives words of its lists (a stop syllable, the
 *     first syllable of a flagged phrase). The table is emptied before a text
 *     once it holds ``limit`` words (bounded memory).
 *
 * scan(text) returns (lower-cased syllables as a list of the shared str objects,
 * the count of each class index, whitespace tokens, tokens without a letter,
 * characters of the lower-cased syllables, the OR of the words' marks, the
 * positions of the words with mark bit 0). */

#define LEX_SYLLABLE 1 /* heuristics.SYLLABLE: \p{L}, \p{M} or \p{N} (regex module) */
#define LEX_MARK 2     /* \p{M}: the text is split with SYLLABLE, else with _LETTERS_AND_DIGITS */
#define LEX_LETTER 8   /* \p{L} (heuristics._NON_ALPHA_TOKEN: a token without one) */
#define LEX_ALNUM 16   /* [^\W_] of the re module (heuristics._LETTERS_AND_DIGITS) */
#define LEX_PYSPACE 32 /* str.isspace(): what str.split() splits on */
#define LEX_TABLE_SIZE 0x110000
#define LEX_CLASSES 8
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

typedef struct {
    uint64_t hash;
    Py_ssize_t start, length; /* the word as written: arena[start:start + length] */
    PyObject *lower;
    Py_ssize_t lower_length;
    int word_class;
    unsigned long long marks;
} LexiconEntry;

typedef struct {
    PyObject_HEAD
    unsigned char *table;
    PyObject *describe;
    Py_ssize_t limit;
    LexiconEntry *entries;
    Py_ssize_t count, allocated;
    Py_ssize_t *slots; /* entry index + 1, 0 when free; capacity a power of two */
    Py_ssize_t capacity;
    Py_UCS4 *arena;
    Py_ssize_t arena_used, arena_allocated;
} LexiconObject;

static void
lexicon_clear(LexiconObject *self)
{
    for (Py_ssize_t i = 0; i < self->count; i++) {
        Py_DECREF(self->entries[i].lower);
    }
    self->count = 0;
    self->arena_used = 0;
    if (self->slots != NULL) {
        memset(self->slots, 0, (size_t)self->capacity * sizeof(Py_ssize_t));
    }
}

static int
lexicon_grow_slots(LexiconObject *self)
{
    Py_ssize_t capacity = self->capacity ? 2 * self->capacity : 1024;
    Py_ssize_t *slots = PyMem_Calloc((size_t)capacity, sizeof(Py_ssize_t));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < self->count; i++) {
        size_t slot = (size_t)(fmix64(self->entries[i].hash) & (uint64_t)(capacity - 1));
        while (slots[slot]) {
            slot = (slot + 1) & (size_t)(capacity - 1);
        }
        slots[slot] = i + 1;
    }
    PyMem_Free(self->slots);
    self->slots = slots;
    self->capacity = capacity;
    return 0;
}

static int
lexicon_same(const LexiconObject *self, const LexiconEntry *entry, int kind, const void *data,
             Py_ssize_t start, Py_ssize_t length)
{
    if (entry->length != length) {
        return 0;
    }
    const Py_UCS4 *stored = self->arena + entry->start;
    for (Py_ssize_t k = 0; k < length; k++) {
        if (stored[k] != PyUnicode_READ(kind, data, start + k)) {
            return 0;
        }
    }
    return 1;
}

/* A new word: ask ``describe`` for its lower-cased form and class, and keep them. */
static LexiconEntry *
lexicon_add(LexiconObject *self, PyObject *text, int kind, const void *data, Py_ssize_t start,
            Py_ssize_t length, uint64_t hash, size_t slot)
{
    PyObject *word = PyUnicode_Substring(text, start, start + length);
    if (word == NULL) {
        return NULL;
    }
    PyObject *answer = PyObject_CallOneArg(self->describe, word);
    Py_DECREF(word);
    if (answer == NULL) {
        return NULL;
    }
    PyObject *lower = NULL;
    int word_class = -1;
    unsigned long long marks = 0;
    if (!PyArg_ParseTuple(answer, "UiK:describe", &lower, &word_class, &marks) || word_class < 0 ||
        word_class >= LEX_CLASSES) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "describe: class index out of range");
        }
        Py_DECREF(answer);
        return NULL;
    }
    if (self->count == self->allocated || self->arena_used + length > self->arena_allocated) {
        Py_ssize_t allocated = self->allocated ? 2 * self->allocated : 1024;
        Py_ssize_t arena = 2 * (self->arena_allocated + length) + 4096;
        LexiconEntry *entries = PyMem_Realloc(self->entries, (size_t)allocated * sizeof(LexiconEntry));
        if (entries != NULL) {
            self->entries = entries;
            self->allocated = allocated;
        }
        Py_UCS4 *chars = PyMem_Realloc(self->arena, (size_t)arena * sizeof(Py_UCS4));
        if (chars != NULL) {
            self->arena = chars;
            self->arena_allocated = arena;
        }
        if (entries == NULL || chars == NULL) {
            Py_DECREF(answer);
            PyErr_NoMemory();
            return NULL;
        }
    }
    LexiconEntry *entry = &self->entries[self->count];
    entry->hash = hash;
    entry->start = self->arena_used;
    entry->length = length;
    Py_INCREF(lower);
    entry->lower = lower;
    entry->lower_length = PyUnicode_GET_LENGTH(lower);
    entry->word_class = word_class;
    entry->marks = marks;
    Py_DECREF(answer);
    for (Py_ssize_t k = 0; k < length; k++) {
        self->arena[self->arena_used++] = PyUnicode_READ(kind, data, start + k);
    }
    self->slots[slot] = ++self->count;
    if (2 * self->count > self->capacity && lexicon_grow_slots(self) < 0) {
        return NULL;
    }
    return &self->entries[self->count - 1];
}

static LexiconEntry *
lexicon_find(LexiconObject *self, PyObject *text, int kind, const void *data, Py_ssize_t start,
             Py_ssize_t length, uint64_t hash)
{
    size_t mask = (size_t)(self->capacity - 1);
    size_t slot = (size_t)(fmix64(hash) & (uint64_t)mask);
    while (self->slots[slot]) {
        LexiconEntry *entry = &self->entries[self->slots[slot] - 1];
        if (entry->hash == hash && lexicon_same(self, entry, kind, data, start, length)) {
            return entry;
        }
        slot = (slot + 1) & mask;
    }
    return lexicon_add(self, text, kind, data, start, length, hash, slot);
}

/* What one walk over a text counts besides its words. */
typedef struct {
    Py_ssize_t classes[LEX_CLASSES];
    Py_ssize_t tokens, non_alpha_tokens, lower_chars, words;
    unsigned long long marks;
} LexiconCounts;

static int
lexicon_walk(LexiconObject *self, PyObject *text, PyObject *words, PyObject *marked,
             LexiconCounts *counts)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    const unsigned char *table = self->table;
    unsigned char word_bit = LEX_ALNUM;
    for (Py_ssize_t i = 0; i < size; i++) {
        if (table[PyUnicode_READ(kind, data, i)] & LEX_MARK) {
            word_bit = LEX_SYLLABLE;
            break;
        }
    }
    int in_token = 0, has_letter = 0;
    Py_ssize_t word_start = -1;
    uint64_t hash = 0;
    /* One position past the end closes the last token and word. */
    for (Py_ssize_t i = 0; i <= size; i++) {
        unsigned char bits = i < size ? table[PyUnicode_READ(kind, data, i)] : LEX_PYSPACE;
        /* The tokens of str.split(), and among them those without a letter. */
        if (!(bits & LEX_PYSPACE)) {
            counts->tokens += !in_token;
            has_letter = (in_token && has_letter) || (bits & LEX_LETTER);
            in_token = 1;
        }
        else {
            counts->non_alpha_tokens += in_token && !has_letter;
            in_token = 0;
        }
        if (i < size && (bits & word_bit)) {
            if (word_start < 0) {
                word_start = i;
                hash = FNV_OFFSET;
            }
            hash = (hash ^ PyUnicode_READ(kind, data, i)) * FNV_PRIME;
        }
        else if (word_start >= 0) {
            LexiconEntry *entry = lexicon_find(self, text, kind, data, word_start, i - word_start, hash);
            if (entry == NULL || PyList_Append(words, entry->lower) < 0) {
                return -1;
            }
            if (entry->marks & 1) {
                PyObject *position = PyLong_FromSsize_t(counts->words);
                if (position == NULL || PyList_Append(marked, position) < 0) {
                    Py_XDECREF(position);
                    return -1;
                }
                Py_DECREF(position);
            }
            counts->classes[entry->word_class]++;
            counts->lower_chars += entry->lower_length;
            counts->marks |= entry->marks;
            counts->words++;
            word_start = -1;
        }
    }
    return 0;
}

static PyObject *
Lexicon_scan(LexiconObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "scan() expects str, got %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (self->table == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "WordLexicon is not initialized");
        return NULL;
    }
    if (self->count >= self->limit) {
        lexicon_clear(self);
    }
    PyObject *words = PyList_New(0);
    PyObject *marked = PyList_New(0);
    PyObject *classes = PyTuple_New(LEX_CLASSES);
    LexiconCounts counts = {{0}, 0, 0, 0, 0, 0};
    if (words == NULL || marked == NULL || classes == NULL ||
        lexicon_walk(self, text, words, marked, &counts) < 0) {
        goto fail;
    }
    for (int c = 0; c < LEX_CLASSES; c++) {
        PyObject *value = PyLong_FromSsize_t(counts.classes[c]);
        if (value == NULL) {
            goto fail;
        }
        PyTuple_SET_ITEM(classes, c, value);
    }
    return Py_BuildValue("(NNnnnKN)", words, classes, counts.tokens, counts.non_alpha_tokens,
                         counts.lower_chars, counts.marks, marked);
fail:
    Py_XDECREF(words);
    Py_XDECREF(marked);
    Py_XDECREF(classes);
    return NULL;
}

static PyObject *
Lexicon_len(LexiconObject *self, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromSsize_t(self->count);
}

static int
Lexicon_init(LexiconObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"table", "describe", "limit", NULL};
    Py_buffer table;
    PyObject *describe;
    Py_ssize_t limit;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*On:WordLexicon", names, &table, &describe,
                                     &limit)) {
        return -1;
    }
    if (table.len != LEX_TABLE_SIZE || !PyCallable_Check(describe) || limit < 1) {
        PyBuffer_Release(&table);
        PyErr_SetString(PyExc_ValueError,
                        "WordLexicon(table of 0x110000 bytes, callable describe, limit >= 1)");
        return -1;
    }
    unsigned char *copy = PyMem_Malloc(LEX_TABLE_SIZE);
    if (copy == NULL) {
        PyBuffer_Release(&table);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(copy, table.buf, LEX_TABLE_SIZE);
    PyBuffer_Release(&table);
    lexicon_clear(self);
    PyMem_Free(self->table);
    self->table = copy;
    Py_INCREF(describe);
    Py_XSETREF(self->describe, describe);
    self->limit = limit;
    if (self->slots == NULL) {
        return lexicon_grow_slots(self);
    }
    return 0;
}

static void
Lexicon_dealloc(LexiconObject *self)
{
    lexicon_clear(self);
    PyMem_Free(self->table);
    PyMem_Free(self->entries);
    PyMem_Free(self->slots);
    PyMem_Free(self->arena);
    Py_XDECREF(self->describe);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Lexicon_methods[] = {
    {"scan", (PyCFunction)Lexicon_scan, METH_O,
     "scan(text) -> (lower-cased syllables, count per class index, whitespace tokens, "
     "tokens without a letter, characters of the lower-cased syllables, OR of the words' "
     "marks, positions of the words with mark bit 0)."},
    {"size", (PyCFunction)Lexicon_len, METH_NOARGS, "size() -> words held."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LexiconType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner._speedups.WordLexicon",
    .tp_basicsize = sizeof(LexiconObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "WordLexicon(table, describe, limit): the quality filters' one pass over a text.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Lexicon_init,
    .tp_dealloc = (destructor)Lexicon_dealloc,
    .tp_methods = Lexicon_methods,
};


/* ---- segment_identity ----------------------------------------------------------
 *
 * The key a segment is counted under in the boilerplate templates
 * (cleaner/boilerplate/templates.py, _identity): the segment's shape (every
 * run of decimal digits made "0", whitespace runs made one space, the ends
 * stripped: " ".join(re.sub(r"\d+", "0", text).split())), hashed as
 * zlib.crc32 | zlib.adler32 << 32 of its UTF-8 bytes; the same hash of its
 * first CONTEXT_CHARS code points when it is longer; and whether it holds a
 * letter. Digits and spaces are the standard library's (Py_UNICODE_ISDECIMAL
 * is re's \d, Py_UNICODE_ISSPACE is str.split's). None tells the caller to
 * work it out in Python: a segment with a web address (shaped by a regex
 * here unknown), or one whose only letters, if any, lie above U+1FFF, where
 * the regex module's \p{L} may follow a newer Unicode than this Python.
 */
#define CONTEXT_CHARS 64
#define SAFE_LETTERS_BELOW 0x2000

/* Filled once when the module is imported (PyInit__speedups). */
static uint32_t crc_table[256];

static void
crc_table_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[n] = c;
    }
}

typedef struct {
    uint32_t crc; /* not yet inverted */
    uint32_t a, b;
} TextHash;

static void
text_hash_bytes(TextHash *h, const unsigned char *bytes, int count)
{
    for (int i = 0; i < count; i++) {
        h->crc = crc_table[(h->crc ^ bytes[i]) & 0xFF] ^ (h->crc >> 8);
        h->a = (h->a + bytes[i]) % 65521;
        h->b = (h->b + h->a) % 65521;
    }
}

static void
text_hash_char(TextHash *h, Py_UCS4 ch)
{
    unsigned char bytes[4];
    int count;
    if (ch < 0x80) {
        bytes[0] = (unsigned char)ch;
        count = 1;
    }
    else if (ch < 0x800) {
        bytes[0] = (unsigned char)(0xC0 | (ch >> 6));
        bytes[1] = (unsigned char)(0x80 | (ch & 0x3F));
        count = 2;
    }
    else if (ch < 0x10000) { /* lone surrogates too, as "surrogatepass" encodes them */
        bytes[0] = (unsigned char)(0xE0 | (ch >> 12));
        bytes[1] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        bytes[2] = (unsigned char)(0x80 | (ch & 0x3F));
        count = 3;
    }
    else {
        bytes[0] = (unsigned char)(0xF0 | (ch >> 18));
        bytes[1] = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
        bytes[2] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        bytes[3] = (unsigned char)(0x80 | (ch & 0x3F));
        count = 4;
    }
    text_hash_bytes(h, bytes, count);
}

static unsigned long long
text_hash_value(const TextHash *h)
{
    uint32_t crc = h->crc ^ 0xFFFFFFFFu;
    uint32_t adler = (h->b << 16) | h->a;
    return (unsigned long long)crc | ((unsigned long long)adler << 32);
}

/* Whether text[start:] begins with the ASCII string word. */
static int
starts_with_ascii(int kind, const void *data, Py_ssize_t length, Py_ssize_t start,
                  const char *word)
{
    for (Py_ssize_t i = 0; word[i] != '\0'; i++) {
        if (start + i >= length || PyUnicode_READ(kind, data, start + i) != (Py_UCS4)word[i]) {
            return 0;
        }
    }
    return 1;
}

/* Whether text[start:end] holds a web address ("http", "www."): the Python
 * code shapes those (templates._URL), so the C paths hand them back. */
static int
holds_address(int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if ((ch == 'h' && starts_with_ascii(kind, data, end, i, "http"))
            || (ch == 'w' && starts_with_ascii(kind, data, end, i, "www."))) {
            return 1;
        }
    }
    return 0;
}

static PyObject *
segment_identity(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "segment_identity() expects str, got %.100s",
                     Py_TYPE(text)->tp_name);
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    if (holds_address(kind, data, 0, length)) {
        Py_RETURN_NONE;
    }
    TextHash whole = {0xFFFFFFFFu, 1, 0};
    TextHash opening = whole;
    Py_ssize_t shaped = 0; /* code points of the shape written so far */
    int space_pending = 0, previous_digit = 0, letter = 0, unsure = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(ch)) {
            space_pending = shaped > 0;
            previous_digit = 0;
            continue;
        }
        int digit = Py_UNICODE_ISDECIMAL(ch);
        if (digit && previous_digit) {
            continue; /* the rest of a digit run: one "0" stands for it */
        }
        previous_digit = digit;
        Py_UCS4 out[2];
        int count = 0;
        if (space_pending) {
            out[count++] = ' ';
            space_pending = 0;
        }
        out[count++] = digit ? '0' : ch;
        if (!digit && !letter) {
            if (ch >= SAFE_LETTERS_BELOW) {
                unsure = 1; /* a letter or not, as the regex module's Unicode says */
            }
            else if (Py_UNICODE_ISALPHA(ch)) {
                letter = 1;
            }
        }
        for (int k = 0; k < count; k++) {
            text_hash_char(&whole, out[k]);
            if (shaped < CONTEXT_CHARS) {
                text_hash_char(&opening, out[k]);
            }
            shaped++;
        }
    }
    if (unsure && !letter) {
        Py_RETURN_NONE;
    }
    unsigned long long key = text_hash_value(&whole);
    unsigned long long context = shaped <= CONTEXT_CHARS ? key : text_hash_value(&opening);
    return Py_BuildValue("(KKO)", key, context, letter ? Py_True : Py_False);
}


/* ---- segment_boundaries ----------------------------------------------------------
 *
 * The segment boundaries of a line (cleaner/boilerplate/segments.py): the
 * matches of _BOUNDARY in line[start:end], as a flat list of (where the
 * spaces after the punctuation start, where they end). The alternatives are
 * tried in the pattern's order at each position, as the regex engine does:
 *   A  a full stop, unless it closes an abbreviation or a single capital
 *      (the token after a space, "(" or the line's start);
 *   B  two or more of .!?… then an optional "/." and up to three closers;
 *   C  one of .!?… then "/." and up to three closers;
 *   D  one of .!?… then one to three closers;
 *   E  one of !?…;
 * then one or more spaces and, after them, a capital, a digit, one of
 * "“‘'«([>*•+#- or "http://" / "https://". Each part is deterministic (a
 * shorter run leaves a character the next part cannot take), so the first
 * alternative that fits decides. Capitals and digits are Python's (isupper,
 * isdecimal), the same as the regex module's \p{Lu} and \d below U+2000 only:
 * None asks the caller to use the regex when a character above it decides.
 */
#define SAFE_CLASSES_BELOW 0x2000
#define MAX_ABBREVIATION 8

static int
is_sentence_punct(Py_UCS4 ch)
{
    return ch == '.' || ch == '!' || ch == '?' || ch == 0x2026;
}

static int
is_closer(Py_UCS4 ch)
{
    return ch == '"' || ch == 0x201D || ch == 0x2019 || ch == '\'' || ch == 0xBB || ch == ')'
           || ch == ']';
}

/* 1, 0, or -1 when the character lies where Python and the regex module may differ. */
static int
is_capital(Py_UCS4 ch)
{
    if (ch >= SAFE_CLASSES_BELOW) {
        return -1;
    }
    return Py_UNICODE_ISUPPER(ch) ? 1 : 0;
}

/* Whether a segment may start at text[at] (the look-ahead); -1: unsure. */
static int
opens_segment(int kind, const void *data, Py_ssize_t end, Py_ssize_t at)
{
    if (at >= end) {
        return 0;
    }
    Py_UCS4 ch = PyUnicode_READ(kind, data, at);
    switch (ch) {
    case '"': case 0x201C: case 0x2018: case '\'': case 0xAB: case '(': case '[': case '>':
    case '*': case 0x2022: case '+': case '#': case '-':
        return 1;
    default:
        break;
    }
    if (ch == 'h' && (starts_with_ascii(kind, data, end, at, "http://")
                      || starts_with_ascii(kind, data, end, at, "https://"))) {
        return 1;
    }
    if (ch >= SAFE_CLASSES_BELOW) {
        return -1;
    }
    return Py_UNICODE_ISUPPER(ch) || Py_UNICODE_ISDECIMAL(ch);
}

/* After the punctuation that ends at text[at]: the end of the spaces when a
 * segment opens after them, 0 when not, -1 when unsure. */
static Py_ssize_t
spaces_then_opening(int kind, const void *data, Py_ssize_t end, Py_ssize_t at)
{
    Py_ssize_t position = at;
    while (position < end && PyUnicode_READ(kind, data, position) == ' ') {
        position++;
    }
    if (position == at) {
        return 0;
    }
    int opens = opens_segment(kind, data, end, position);
    return opens < 0 ? -1 : (opens ? position : 0);
}

/* Whether the full stop at text[at] closes an abbreviation or an initial; -1: unsure. */
static int
closes_abbreviation(PyObject *text, int kind, const void *data, Py_ssize_t at,
                    PyObject *abbreviations)
{
    Py_ssize_t token = at;
    while (token > 0) {
        Py_UCS4 before = PyUnicode_READ(kind, data, token - 1);
        if (before == ' ' || before == '(') {
            break;
        }
        token--;
    }
    Py_ssize_t length = at - token;
    if (length == 0 || length > MAX_ABBREVIATION) {
        return 0;
    }
    if (length == 1) {
        int capital = is_capital(PyUnicode_READ(kind, data, token));
        if (capital != 0) {
            return capital;
        }
    }
    PyObject *word = PyUnicode_Substring(text, token, at);
    if (word == NULL) {
        return -2;
    }
    int known = PySet_Contains(abbreviations, word);
    Py_DECREF(word);
    return known < 0 ? -2 : known;
}

/* Count of characters from at on that satisfy test, at most limit (0: no limit). */
static Py_ssize_t
run_of(int kind, const void *data, Py_ssize_t end, Py_ssize_t at, int (*test)(Py_UCS4),
       Py_ssize_t limit)
{
    Py_ssize_t count = 0;
    while (at + count < end && (limit == 0 || count < limit)
           && test(PyUnicode_READ(kind, data, at + count))) {
        count++;
    }
    return count;
}

static int
is_end_mark_at(int kind, const void *data, Py_ssize_t end, Py_ssize_t at)
{
    return at + 1 < end && PyUnicode_READ(kind, data, at) == '/'
           && PyUnicode_READ(kind, data, at + 1) == '.';
}

/* The end of the punctuation of the first alternative that fits at text[at]
 * and the end of the spaces after it (*spaces_end); 0: none fits, -1: unsure,
 * -2: error. */
/* What the scan of one line remembers, so that a long run of punctuation
 * (every position of which starts alternative B) is walked once, not once
 * per position: where the current run ends, and the last look past a B. */
typedef struct {
    Py_ssize_t run_end;
    Py_ssize_t looked_from;
    Py_ssize_t looked_result;
} BoundaryScan;

static Py_ssize_t
boundary_at(PyObject *text, int kind, const void *data, Py_ssize_t end, Py_ssize_t at,
            PyObject *abbreviations, Py_ssize_t *spaces_end, BoundaryScan *scan)
{
    Py_UCS4 ch = PyUnicode_READ(kind, data, at);
    if (!is_sentence_punct(ch)) {
        return 0;
    }
    Py_ssize_t candidates[5];
    int count = 0;
    if (ch == '.') { /* A, checked below */
        candidates[count++] = -(at + 1);
    }
    if (scan->run_end <= at) {
        scan->run_end = at + run_of(kind, data, end, at, is_sentence_punct, 0);
    }
    Py_ssize_t punct = scan->run_end - at;
    if (punct >= 2) { /* B */
        Py_ssize_t after = at + punct;
        if (is_end_mark_at(kind, data, end, after)) {
            after += 2;
        }
        candidates[count++] = after + run_of(kind, data, end, after, is_closer, 3);
    }
    if (is_end_mark_at(kind, data, end, at + 1)) { /* C */
        candidates[count++] = at + 3 + run_of(kind, data, end, at + 3, is_closer, 3);
    }
    Py_ssize_t closers = run_of(kind, data, end, at + 1, is_closer, 3);
    if (closers >= 1) { /* D */
        candidates[count++] = at + 1 + closers;
    }
    if (ch != '.') { /* E */
        candidates[count++] = at + 1;
    }
    for (int i = 0; i < count; i++) {
        Py_ssize_t punct_end = candidates[i];
        int abbreviation_check = punct_end < 0;
        if (abbreviation_check) {
            punct_end = -punct_end;
        }
        Py_ssize_t after_spaces;
        if (punct_end == scan->looked_from) {
            after_spaces = scan->looked_result;
        }
        else {
            after_spaces = spaces_then_opening(kind, data, end, punct_end);
            scan->looked_from = punct_end;
            scan->looked_result = after_spaces;
        }
        if (after_spaces < 0) {
            return -1;
        }
        if (after_spaces == 0) {
            continue;
        }
        if (abbreviation_check) {
            int closes = closes_abbreviation(text, kind, data, at, abbreviations);
            if (closes < 0) {
                return closes;
            }
            if (closes) {
                continue;
            }
        }
        *spaces_end = after_spaces;
        return punct_end;
    }
    return 0;
}

static PyObject *
segment_boundaries(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyUnicode_Check(args[0]) || !PyAnySet_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "segment_boundaries(line: str, start: int, end: int, abbreviations: "
                        "frozenset)");
        return NULL;
    }
    PyObject *text = args[0];
    Py_ssize_t start = PyLong_AsSsize_t(args[1]);
    Py_ssize_t end = PyLong_AsSsize_t(args[2]);
    if ((start == -1 || end == -1) && PyErr_Occurred()) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (end > PyUnicode_GET_LENGTH(text)) {
        end = PyUnicode_GET_LENGTH(text);
    }
    PyObject *found = PyList_New(0);
    if (found == NULL) {
        return NULL;
    }
    Py_ssize_t at = start;
    BoundaryScan scan = {0, -1, 0};
    while (at < end) {
        Py_ssize_t spaces_end = 0;
        Py_ssize_t punct_end =
            boundary_at(text, kind, data, end, at, args[3], &spaces_end, &scan);
        if (punct_end == -1) {
            Py_DECREF(found);
            Py_RETURN_NONE;
        }
        if (punct_end < 0) {
            Py_DECREF(found);
            return NULL;
        }
        if (punct_end == 0) {
            at++;
            continue;
        }
        PyObject *space_start = PyLong_FromSsize_t(punct_end);
        PyObject *space_stop = PyLong_FromSsize_t(spaces_end);
        if (space_start == NULL || space_stop == NULL || PyList_Append(found, space_start) < 0
            || PyList_Append(found, space_stop) < 0) {
            Py_XDECREF(space_start);
            Py_XDECREF(space_stop);
            Py_DECREF(found);
            return NULL;
        }
        Py_DECREF(space_start);
        Py_DECREF(space_stop);
        at = spaces_end;
    }
    return found;
}


/* ---- edge_words --------------------------------------------------------------------
 *
 * The first (or last) `count` words of a text as cleaner/boilerplate/templates.py
 * counts them at a document's ends (_Ends): words as str.split() cuts them,
 * each shaped (every run of decimal digits made "0") and hashed as
 * segment_identity hashes a shape. Returns (shaped words, their hashes,
 * whether the text holds more words than those), or None when one of them
 * holds a web address (shaped by a regex there).
 */

/* The shaped word text[start:end] and its hash, appended to words and hashes. */
static int
append_shaped_word(PyObject *text, int kind, const void *data, Py_ssize_t start,
                   Py_ssize_t end, PyObject *words, PyObject *hashes)
{
    Py_UCS4 *shaped = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(end - start));
    if (shaped == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    TextHash hash = {0xFFFFFFFFu, 1, 0};
    Py_ssize_t length = 0;
    int previous_digit = 0, changed = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        int digit = Py_UNICODE_ISDECIMAL(ch);
        if (digit) {
            changed = 1;
            if (previous_digit) {
                continue;
            }
            ch = '0';
        }
        previous_digit = digit;
        shaped[length++] = ch;
        text_hash_char(&hash, ch);
    }
    PyObject *word = changed ? PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, shaped, length)
                             : PyUnicode_Substring(text, start, end);
    PyMem_Free(shaped);
    PyObject *value = PyLong_FromUnsignedLongLong(text_hash_value(&hash));
    int failed = word == NULL || value == NULL || PyList_Append(words, word) < 0
                 || PyList_Append(hashes, value) < 0;
    Py_XDECREF(word);
    Py_XDECREF(value);
    return failed ? -1 : 0;
}

static PyObject *
edge_words(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "edge_words(text: str, count: int, from_end: bool)");
        return NULL;
    }
    PyObject *text = args[0];
    Py_ssize_t count = PyLong_AsSsize_t(args[1]);
    if (count == -1 && PyErr_Occurred()) {
        return NULL;
    }
    int from_end = PyObject_IsTrue(args[2]);
    if (from_end < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    /* (start, end) of the words taken, in the order found. */
    Py_ssize_t *bounds = PyMem_Malloc(sizeof(Py_ssize_t) * 2 * (size_t)(count + 1));
    if (bounds == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t found = 0;
    int more = 0;
    Py_ssize_t at = from_end ? length - 1 : 0;
    while (from_end ? at >= 0 : at < length) {
        if (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, at))) {
            at += from_end ? -1 : 1;
            continue;
        }
        if (found == count) {
            more = 1;
            break;
        }
        Py_ssize_t edge = at;
        while ((from_end ? edge >= 0 : edge < length)
               && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, edge))) {
            edge += from_end ? -1 : 1;
        }
        bounds[2 * found] = from_end ? edge + 1 : at;
        bounds[2 * found + 1] = from_end ? at + 1 : edge;
        found++;
        at = edge;
    }
    PyObject *words = PyList_New(0);
    PyObject *hashes = PyList_New(0);
    int failed = words == NULL || hashes == NULL;
    for (Py_ssize_t n = 0; !failed && n < found; n++) {
        Py_ssize_t index = from_end ? found - 1 - n : n; /* in text order */
        if (holds_address(kind, data, bounds[2 * index], bounds[2 * index + 1])) {
            PyMem_Free(bounds);
            Py_DECREF(words);
            Py_DECREF(hashes);
            Py_RETURN_NONE;
        }
        failed = append_shaped_word(text, kind, data, bounds[2 * index], bounds[2 * index + 1],
                                    words, hashes) < 0;
    }
    PyMem_Free(bounds);
    if (failed) {
        Py_XDECREF(words);
        Py_XDECREF(hashes);
        return NULL;
    }
    return Py_BuildValue("(NNO)", words, hashes, more ? Py_True : Py_False);
}

/* ---- line_structure: the quality filters' line statistics ----------------------------
 *
 * cleaner/quality/heuristics.py reads a text's lines three ways: its non-blank lines
 * stripped (str.split("\n"), str.strip()) for the bullet and ellipsis line shares,
 * its pieces between runs of line breaks (\n+) and its paragraphs (text.strip()
 * split at runs of two or more line breaks) for the duplicate shares.
 * line_structure(text, bullets) counts them without making a str: it jumps from
 * line break to line break (PyUnicode_FindChar), strips each line from its ends,
 * notes each run of line breaks, and cuts the pieces and paragraphs at those runs.
 * Whitespace is Py_UNICODE_ISSPACE, as for str.strip(). Pieces are compared by
 * their code points, after a hash, and only when a text has two or more. */

typedef struct {
    Py_ssize_t start, length;
    uint64_t hash;
} TextPiece;

typedef struct {
    Py_ssize_t lines, bullet_lines, ellipsis_lines;
    TextPiece *runs; /* the runs of line breaks, in order */
    Py_ssize_t run_count, run_capacity;
} LineWalk;

/* A piece's hash, eight bytes a step. */
static uint64_t
piece_hash(const char *bytes, Py_ssize_t size)
{
    uint64_t hash = FNV_OFFSET ^ (uint64_t)size;
    Py_ssize_t k = 0;
    for (; k + 8 <= size; k += 8) {
        uint64_t word;
        memcpy(&word, bytes + k, 8);
        hash = (hash ^ word) * FNV_PRIME;
        hash ^= hash >> 29;
    }
    uint64_t tail = 0;
    memcpy(&tail, bytes + k, (size_t)(size - k));
    return fmix64(hash ^ tail);
}

/* How many pieces repeat an earlier one, and their code points (Gopher's find_duplicates). */
static int
count_duplicate_pieces(int kind, const char *data, TextPiece *pieces, Py_ssize_t count,
                       Py_ssize_t *duplicates, Py_ssize_t *duplicate_chars)
{
    *duplicates = *duplicate_chars = 0;
    if (count < 2) {
        return 0; /* nothing to repeat */
    }
    Py_ssize_t capacity = 16;
    while (capacity < 2 * count) {
        capacity *= 2;
    }
    Py_ssize_t *slots = PyMem_Calloc((size_t)capacity, sizeof(Py_ssize_t));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    size_t mask = (size_t)(capacity - 1);
    for (Py_ssize_t i = 0; i < count; i++) {
        TextPiece *piece = &pieces[i];
        const char *bytes = data + piece->start * kind;
        piece->hash = piece_hash(bytes, piece->length * kind);
        size_t slot = (size_t)piece->hash & mask;
        int seen = 0;
        while (slots[slot]) {
            const TextPiece *other = &pieces[slots[slot] - 1];
            if (other->hash == piece->hash && other->length == piece->length &&
                memcmp(data + other->start * kind, bytes, (size_t)(piece->length * kind)) == 0) {
                seen = 1;
                break;
            }
            slot = (slot + 1) & mask;
        }
        if (seen) {
            *duplicates += 1;
            *duplicate_chars += piece->length;
        }
        else {
            slots[slot] = i + 1;
        }
    }
    PyMem_Free(slots);
    return 0;
}

/* The pieces of data[start:end] between the runs of at least ``min_breaks`` line breaks
 * inside it (re.split(r"\n{min_breaks,}")): a run at either end leaves an empty piece. */
static Py_ssize_t
cut_at_runs(const LineWalk *walk, Py_ssize_t start, Py_ssize_t end, Py_ssize_t min_breaks,
            TextPiece *pieces)
{
    Py_ssize_t count = 0, piece_start = start;
    for (Py_ssize_t r = 0; r < walk->run_count; r++) {
        const TextPiece *run = &walk->runs[r];
        if (run->length >= min_breaks && run->start >= start && run->start + run->length <= end) {
            pieces[count++] = (TextPiece){piece_start, run->start - piece_start, 0};
            piece_start = run->start + run->length;
        }
    }
    pieces[count++] = (TextPiece){piece_start, end - piece_start, 0};
    return count;
}

/* The line data[start:end] (no line break in it): count it if it is not blank. */
static void
count_line(LineWalk *walk, int kind, const void *data, Py_ssize_t start, Py_ssize_t end,
           PyObject *bullets)
{
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start))) {
        start++;
    }
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1))) {
        end--;
    }
    if (start == end) {
        return;
    }
    Py_UCS4 closing = PyUnicode_READ(kind, data, end - 1);
    walk->lines++;
    walk->bullet_lines += PyUnicode_FindChar(bullets, PyUnicode_READ(kind, data, start), 0,
                                             PyUnicode_GET_LENGTH(bullets), 1) >= 0;
    /* heuristics._ELLIPSES: the line ends with "…" or "..." */
    walk->ellipsis_lines += closing == 0x2026 ||
                            (end - start >= 3 && closing == '.' &&
                             PyUnicode_READ(kind, data, end - 2) == '.' &&
                             PyUnicode_READ(kind, data, end - 3) == '.');
}

static int
note_break(LineWalk *walk, Py_ssize_t at)
{
    if (walk->run_count > 0) {
        TextPiece *run = &walk->runs[walk->run_count - 1];
        if (run->start + run->length == at) {
            run->length++;
            return 0;
        }
    }
    if (grow_for_one((void **)&walk->runs, walk->run_count, &walk->run_capacity, 64,
                     sizeof(TextPiece)) < 0) {
        return -1;
    }
    walk->runs[walk->run_count++] = (TextPiece){at, 1, 0};
    return 0;
}

static PyObject *
line_structure(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "line_structure(text: str, bullets: str)");
        return NULL;
    }
    PyObject *text = args[0], *bullets = args[1];
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    LineWalk walk = {0, 0, 0, NULL, 0, 0};
    PyObject *result = NULL;
    TextPiece *pieces = NULL;
    for (Py_ssize_t start = 0;;) {
        Py_ssize_t end = PyUnicode_FindChar(text, '\n', start, size, 1);
        if (end == -2) {
            goto done;
        }
        count_line(&walk, kind, data, start, end < 0 ? size : end, bullets);
        if (end < 0) {
            break;
        }
        if (note_break(&walk, end) < 0) {
            goto done;
        }
        start = end + 1;
    }
    pieces = PyMem_Malloc((size_t)(walk.run_count + 1) * sizeof(TextPiece));
    if (pieces == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t line_dups, line_dup_chars, paragraph_dups, paragraph_dup_chars;
    Py_ssize_t piece_count = cut_at_runs(&walk, 0, size, 1, pieces);
    if (count_duplicate_pieces(kind, data, pieces, piece_count, &line_dups, &line_dup_chars) < 0) {
        goto done;
    }
    /* text.strip() */
    Py_ssize_t first = 0, last = size;
    while (first < last && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, first))) {
        first++;
    }
    while (last > first && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, last - 1))) {
        last--;
    }
    Py_ssize_t paragraphs = cut_at_runs(&walk, first, last, 2, pieces);
    if (count_duplicate_pieces(kind, data, pieces, paragraphs, &paragraph_dups,
                               &paragraph_dup_chars) < 0) {
        goto done;
    }
    result = Py_BuildValue("(nnnnnnnnn)", walk.lines, walk.bullet_lines, walk.ellipsis_lines,
                           piece_count, line_dups, line_dup_chars, paragraphs, paragraph_dups,
                           paragraph_dup_chars);
done:
    PyMem_Free(pieces);
    PyMem_Free(walk.runs);
    return result;
}

/* ---- find_lowered: which phrases text.lower() holds, without lowering the text -----------
 *
 * The C4 notice rule asks whether text.lower() holds any of a few phrases. Lowering a
 * whole text makes a copy through the full case mapping, character by character;
 * find_lowered(text, table, phrases) walks the text once instead, each character
 * lowered through ``table`` (65,536 uint16, built by heuristics.py from str.lower()),
 * and compares the phrases that start with it. It answers a bitmask (bit i: phrases[i]
 * found), or -1 when a character lowers to more than one (U+0130, marked 0xFFFF in
 * the table): then only lowering the text answers. Characters above U+FFFF are left
 * as they are; the caller passes only phrases of BMP characters other than U+FFFF
 * and the final-sigma pair, so neither choice can change an answer. */

#define LOWER_SEVERAL 0xFFFF

static inline Py_UCS4
lowered_char(const uint16_t *table, int kind, const void *data, Py_ssize_t i)
{
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    return c < 0x10000 ? table[c] : c;
}

/* The phrases as code points, one after another: phrase p is chars[start[p]:start[p + 1]]. */
typedef struct {
    Py_ssize_t count, start[64];
    Py_UCS4 *chars;
    /* by_first[c % 256]: the phrases whose first character is c modulo 256, a bit each */
    unsigned long long by_first[256];
} PhraseSet;

static int
phrase_set_fill(PhraseSet *set, PyObject *phrases)
{
    set->count = PyTuple_GET_SIZE(phrases);
    if (set->count > 63) { /* bit 63 would make the answer negative */
        PyErr_SetString(PyExc_ValueError, "find_lowered: at most 63 phrases");
        return -1;
    }
    set->start[0] = 0;
    for (Py_ssize_t p = 0; p < set->count; p++) {
        PyObject *phrase = PyTuple_GET_ITEM(phrases, p);
        if (!PyUnicode_Check(phrase) || PyUnicode_GET_LENGTH(phrase) == 0) {
            PyErr_SetString(PyExc_ValueError, "find_lowered: phrases are non-empty str");
            return -1;
        }
        set->start[p + 1] = set->start[p] + PyUnicode_GET_LENGTH(phrase);
    }
    set->chars = PyMem_Malloc((size_t)(set->start[set->count] + 1) * sizeof(Py_UCS4));
    if (set->chars == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(set->by_first, 0, sizeof(set->by_first));
    for (Py_ssize_t p = 0; p < set->count; p++) {
        PyObject *phrase = PyTuple_GET_ITEM(phrases, p);
        for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(phrase); k++) {
            set->chars[set->start[p] + k] = PyUnicode_READ_CHAR(phrase, k);
        }
        Py_UCS4 first = set->chars[set->start[p]];
        if (first >= LOWER_SEVERAL) {
            PyErr_SetString(PyExc_ValueError, "find_lowered: phrases start with a BMP character");
            return -1;
        }
        set->by_first[first & 0xFF] |= 1ULL << p;
    }
    return 0;
}

/* The bitmask of the phrases in the lowered text, or -1 when a character lowers to several. */
static long long
find_phrases(const PhraseSet *set, const uint16_t *lower, int kind, const void *data,
             Py_ssize_t size)
{
    unsigned long long found = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        Py_UCS4 c = lowered_char(lower, kind, data, i);
        if (c == LOWER_SEVERAL) {
            return -1;
        }
        unsigned long long left = set->by_first[c & 0xFF] & ~found;
        for (int p = 0; left; p++, left >>= 1) {
            if (!(left & 1)) {
                continue;
            }
            const Py_UCS4 *phrase = set->chars + set->start[p];
            Py_ssize_t length = set->start[p + 1] - set->start[p];
            if (phrase[0] != c || length > size - i) {
                continue;
            }
            Py_ssize_t k = 1;
            while (k < length && lowered_char(lower, kind, data, i + k) == phrase[k]) {
                k++;
            }
            found |= (unsigned long long)(k == length) << p;
        }
    }
    return (long long)found;
}

static PyObject *
find_lowered(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyTuple_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "find_lowered(text: str, table: bytes, phrases: tuple)");
        return NULL;
    }
    PyObject *text = args[0];
    Py_buffer table;
    if (PyObject_GetBuffer(args[1], &table, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    PhraseSet set = {.chars = NULL};
    if (table.len != 0x10000 * (Py_ssize_t)sizeof(uint16_t)) {
        PyErr_SetString(PyExc_ValueError, "find_lowered: the table holds 65,536 uint16");
    }
    else if (phrase_set_fill(&set, args[2]) == 0) {
        long long found = find_phrases(&set, table.buf, PyUnicode_KIND(text),
                                       PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text));
        result = found < 0 ? PyLong_FromLong(-1) : PyLong_FromUnsignedLongLong((unsigned long long)found);
    }
    PyMem_Free(set.chars);
    PyBuffer_Release(&table);
    return result;
}

static PyMethodDef speedups_functions[] = {
    {"find_lowered", (PyCFunction)(void (*)(void))find_lowered, METH_FASTCALL,
     "find_lowered(text, table, phrases) -> bitmask of the phrases in text.lower(), or -1 "
     "when a character lowers to more than one (see cleaner.quality.heuristics)."},
    {"line_structure", (PyCFunction)(void (*)(void))line_structure, METH_FASTCALL,
     "line_structure(text, bullets) -> (non-blank lines, bullet lines, ellipsis lines, "
     "line pieces, duplicate ones, their characters, paragraphs, duplicate ones, their "
     "characters), as cleaner.quality.heuristics counts them."},
    {"minhash_signatures", (PyCFunction)(void (*)(void))minhash_signatures, METH_FASTCALL,
     "minhash_signatures(values, offsets, a, b, out): affine32 MinHash of each text's "
     "shingles into out (texts x permutations, uint32)."},
    {"ngram_repetition_pruned", (PyCFunction)(void (*)(void))ngram_repetition_pruned,
     METH_FASTCALL,
     "ngram_repetition_pruned(words, top_ns, duplicate_ns) -> (top n-gram characters per n, "
     "repeated n-gram characters per n), as cleaner.quality.heuristics counts them, "
     "walking only the positions whose shorter n-gram repeats."},
    {"shingle_hashes", (PyCFunction)(void (*)(void))shingle_hashes, METH_FASTCALL,
     "shingle_hashes(text, ngram, word_table) -> (sorted uint64 shingle hashes as bytes, "
     "syllable count)."},
    {"segment_identity", (PyCFunction)segment_identity, METH_O,
     "segment_identity(text) -> (shape key, opening key, holds a letter) as "
     "cleaner.boilerplate.templates counts a segment, or None where Python must."},
    {"edge_words", (PyCFunction)(void (*)(void))edge_words, METH_FASTCALL,
     "edge_words(text, count, from_end) -> (shaped words, their hashes, more words follow) "
     "at one end of a text, as cleaner.boilerplate.templates counts them, or None where "
     "Python must."},
    {"segment_boundaries", (PyCFunction)(void (*)(void))segment_boundaries, METH_FASTCALL,
     "segment_boundaries(line, start, end, abbreviations) -> flat [spaces start, spaces end, "
     "...] of cleaner.boilerplate.segments' boundaries, or None where Python must."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "cleaner._speedups",
    .m_doc = "Compiled scanner and shingler: optional fast paths of cleaner.",
    .m_size = -1,
    .m_methods = speedups_functions,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    crc_table_init();
    if (PyType_Ready(&ScannerType) < 0 || PyType_Ready(&LexiconType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(module, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType);
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&LexiconType);
    if (PyModule_AddObject(module, "WordLexicon", (PyObject *)&LexiconType) < 0) {
        Py_DECREF(&LexiconType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
