"""MinHash signatures: cleaner vs datasketch, rensa, datatrove and text-dedup on the same shingles.

Every peer gets the same documents and, where its API allows, the same shingles:
the 5-syllable windows of :func:`cleaner.dedup.syllables` joined by spaces (as
``str`` or UTF-8 ``bytes``), or cleaner's 32-bit shingle hashes for the peers
that take integers. Two throughputs are reported: *sketch only* (the peer's
signature call on prepared input) and *text → signature* (the same plus the
time to prepare that input from the raw text).
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.common import (
    Table,
    best_seconds,
    data_dir,
    in_pure_python,
    iter_docs,
    nbytes,
    plot_throughput,
    throughput_table,
)
from cleaner.dedup import MinHasher, syllables
from cleaner.dedup.minhash import BATCH
from cleaner.dedup.shingles import ShingleBatch, fold32, shingle_batch

NUM_PERM = 128
NGRAM = 5
SEED = 1
BASELINE = "datasketch update (per shingle)"
Signatures = npt.NDArray[Any]


def shingle_strings(text: str, ngram: int = NGRAM) -> list[str]:
    """Reference shingles: windows of ``ngram`` syllables joined by spaces.

    A text with fewer syllables is one shingle of all of them; one without any has none.
    """
    words = syllables(text)
    if len(words) < ngram:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)]


def load_texts(megabytes: float) -> list[str]:
    """Non-empty texts of the shared corpus, in file order, up to ``megabytes`` of UTF-8."""
    texts: list[str] = []
    size = 0
    for doc in iter_docs():
        text = doc["text"]
        if not syllables(text):
            continue
        texts.append(text)
        size += len(text.encode("utf-8"))
        if size >= megabytes * 1e6:
            break
    return texts


# --- prepared inputs -----------------------------------------------------------------------


@dataclass
class Prepared:
    """Every input form the peers take, with the time it took to make it from the texts."""

    texts: list[str]
    forms: dict[str, list[Any]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def make(self, name: str, build: Callable[[], list[Any]], base: str | None = None) -> None:
        """Build form ``name`` (time added to that of form ``base``, if it derives from it)."""
        start = time.perf_counter()
        self.forms[name] = build()
        self.seconds[name] = time.perf_counter() - start + (self.seconds[base] if base else 0.0)


def prepare(texts: list[str], hasher: MinHasher) -> Prepared:
    """Shingle strings, UTF-8 shingles, joined syllables and cleaner's hashes of ``texts``."""
    prepared = Prepared(texts)
    prepared.forms["text"], prepared.seconds["text"] = texts, 0.0
    prepared.make("strings", lambda: [shingle_strings(t) for t in texts])
    strings = prepared.forms["strings"]
    prepared.make("bytes", lambda: [[s.encode("utf-8") for s in doc] for doc in strings], "strings")
    prepared.make("joined", lambda: [" ".join(syllables(t)) for t in texts])
    prepared.make("batches", lambda: _batches(texts, hasher.ngram))
    batches = prepared.forms["batches"]
    prepared.make("u32", lambda: [h for b in batches for h in _split_u32(b)], "batches")
    u32 = prepared.forms["u32"]
    prepared.make("u32 lists", lambda: [h.tolist() for h in u32], "u32")
    return prepared


def _batches(texts: Sequence[str], ngram: int) -> list[ShingleBatch]:
    return [shingle_batch(texts[i : i + BATCH], ngram) for i in range(0, len(texts), BATCH)]


def _split_u32(batch: ShingleBatch) -> Iterator[npt.NDArray[np.uint32]]:
    folded = fold32(batch.values)
    for i in range(len(batch)):
        yield np.unique(folded[batch.offsets[i] : batch.offsets[i + 1]])


# --- peers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    """One signature implementation.

    Attributes:
        name: Row label.
        form: The prepared input it takes (a key of :attr:`Prepared.forms`).
        hashes: What it hashes, for the notes.
        sketch: Prepared documents -> signatures, one row per document.
        share: Fraction of the bytes it is timed on (slow peers), scaled to the whole.
        repeat: Timed runs (the best counts).
    """

    name: str
    form: str
    hashes: str
    sketch: Callable[[Sequence[Any]], Signatures]
    share: float = 1.0
    repeat: int = 1


def cleaner_peers(hasher: MinHasher) -> list[Peer]:
    return [
        Peer(
            "cleaner MinHasher.signatures",
            "text",
            "its own syllable shingles of the raw text (compiled shingler), 32-bit folded, "
            "affine32 (numpy)",
            hasher.signatures,
            repeat=3,
        ),
        Peer(
            "cleaner MinHasher.signatures (pure Python)",
            "text",
            "the same without the compiled shingler (numpy shingles)",
            in_pure_python(hasher.signatures),
            repeat=3,
        ),
        Peer(
            "cleaner batch_signatures (pre-shingled)",
            "batches",
            "cleaner's shingle batches (the sketch step of the row above)",
            lambda batches: np.concatenate([hasher.batch_signatures(b) for b in batches]),
            repeat=3,
        ),
    ]


def datasketch_peers(quick: bool) -> list[Peer]:
    from datasketch import MinHash

    def per_shingle(docs: Sequence[list[bytes]]) -> Signatures:
        out = np.empty((len(docs), NUM_PERM), dtype=np.uint32)
        for i, doc in enumerate(docs):
            minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
            for shingle in doc:
                minhash.update(shingle)
            out[i] = minhash.hashvalues
        return out

    def batched(docs: Sequence[list[Any]], **kwargs: Any) -> Signatures:
        out = np.empty((len(docs), NUM_PERM), dtype=np.uint32)
        for i, doc in enumerate(docs):
            minhash = MinHash(num_perm=NUM_PERM, seed=SEED, **kwargs)
            minhash.update_batch(doc)
            out[i] = minhash.hashvalues
        return out

    def bulk(docs: Sequence[list[bytes]]) -> Signatures:
        return np.array([m.hashvalues for m in MinHash.bulk(docs, num_perm=NUM_PERM, seed=SEED)])

    sha1 = "UTF-8 shingle strings, sha1_hash32 (its default), affine32"
    return [
        Peer(BASELINE, "bytes", sha1, per_shingle, share=0.25 if quick else 0.1),
        Peer("datasketch update_batch", "bytes", sha1, batched, share=0.5 if quick else 0.25),
        Peer("datasketch MinHash.bulk", "bytes", sha1, bulk, share=0.5 if quick else 0.25),
        Peer(
            "datasketch update_batch, hashfunc=int",
            "u32 lists",
            "cleaner's 32-bit shingle hashes as Python ints (hashfunc=int), affine32: "
            "the same signature as cleaner, checked",
            lambda docs: batched(docs, hashfunc=int),
            share=0.5 if quick else 0.25,
        ),
    ]


def rensa_peers() -> list[Peer]:
    try:
        import rensa
    except ImportError:
        return []

    def per_document(docs: Sequence[list[str]]) -> Signatures:
        out = np.empty((len(docs), NUM_PERM), dtype=np.uint32)
        for i, doc in enumerate(docs):
            minhash = rensa.RMinHash(NUM_PERM, SEED)
            minhash.update(doc)
            out[i] = minhash.digest()
        return out

    def flat(docs: Sequence[npt.NDArray[np.uint32]]) -> Any:
        offsets = np.zeros(len(docs) + 1, dtype=np.uint64)
        np.cumsum([len(d) for d in docs], out=offsets[1:])
        values = np.concatenate(docs).astype(np.uint64)
        return rensa.RMinHash.digest_matrix_from_flat_token_hashes(values, offsets, NUM_PERM, SEED)

    return [
        Peer(
            "rensa RMinHash.update (per document)",
            "strings",
            "shingle strings (its own token hash)",
            per_document,
            repeat=3,
        ),
        Peer(
            "rensa digest_matrix_from_token_sets",
            "strings",
            "shingle strings (its own token hash); returns its digest matrix object",
            lambda docs: rensa.RMinHash.digest_matrix_from_token_sets(docs, NUM_PERM, SEED),
            repeat=3,
        ),
        Peer(
            "rensa digest_matrix_from_flat_token_hashes",
            "u32",
            "cleaner's 32-bit shingle hashes, widened to uint64 and concatenated (in the time)",
            flat,
            repeat=3,
        ),
    ]


def datatrove_peers(quick: bool) -> list[Peer]:
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
    from datatrove.utils.word_tokenizers import WhitespaceTokenizer

    # 16 buckets x 8 hashes = 128; a WhitespaceTokenizer object avoids loading spaCy
    # (only its get_shingles tokenizes; the shingles are given here).
    step = MinhashDedupSignature(
        output_folder=tempfile.mkdtemp(prefix="datatrove-"),
        config=MinhashConfig(n_grams=NGRAM, num_buckets=16, hashes_per_bucket=8, seed=SEED),
        language=WhitespaceTokenizer(),
    )
    hash_func = step._hash_func

    def sketch(docs: Sequence[list[str]]) -> Signatures:
        out = np.empty((len(docs), NUM_PERM), dtype=np.uint64)
        for i, doc in enumerate(docs):
            # As its get_shingles does: the hash of the UTF-8 bytes of each shingle.
            shingles = np.fromiter((hash_func(s.encode()) for s in doc), np.uint64, len(doc))
            out[i] = np.concatenate(step.get_signature(shingles.reshape(-1, 1)))
        return out

    return [
        Peer(
            "datatrove MinhashDedupSignature.get_signature",
            "strings",
            "shingle strings, its default xxhash64 (via its _hash_func), mod 2**61-1",
            sketch,
            share=0.5 if quick else 0.25,
        )
    ]


def text_dedup_peers(quick: bool) -> list[Peer]:
    from text_dedup.minhash import embed_func
    from text_dedup.utils import sha1_hash

    # As text_dedup.minhash.main with its defaults (sha1, hash_bits=64) and 16 x 8 bands.
    rng = np.random.RandomState(42)
    prime = np.uint64((1 << 61) - 1)
    permutations = (
        rng.randint(1, prime, size=(NUM_PERM,), dtype=np.uint64),
        rng.randint(0, prime, size=(NUM_PERM,), dtype=np.uint64),
    )
    options = {
        "num_perm": NUM_PERM,
        "ngram_size": NGRAM,
        "min_length": 0,
        "hashranges": [(i * 8, (i + 1) * 8) for i in range(16)],
        "permutations": permutations,
        "hash_func": lambda data: sha1_hash(data, d=32),
        "dtype": np.uint64,
        "max_hash": np.uint32((1 << 32) - 1),
        "modulo_prime": prime,
    }

    def sketch(docs: Sequence[str]) -> Signatures:
        out = np.empty((len(docs), NUM_PERM), dtype=np.uint64)
        for i, content in enumerate(docs):
            bands = embed_func(content, i, **options)["__signatures__"]
            out[i] = np.frombuffer(b"".join(bands), dtype=np.uint64).byteswap()
        return out

    return [
        Peer(
            "text-dedup embed_func",
            "joined",
            "syllables joined by spaces: its own \\W split + 5-gram join gives the same "
            "shingle strings; sha1 (its default), mod 2**61-1, band bytes out",
            sketch,
            share=0.5 if quick else 0.25,
        )
    ]


def all_peers(quick: bool, hasher: MinHasher) -> tuple[list[Peer], list[str]]:
    """Peers that import, and a note for each that does not."""
    peers = cleaner_peers(hasher) + datasketch_peers(quick) + rensa_peers()
    missing = []
    for package, factory in (("datatrove", datatrove_peers), ("text-dedup", text_dedup_peers)):
        try:
            peers += factory(quick)
        except ImportError as error:
            missing.append(f"{package}: not installable/importable here ({error})")
    return peers, missing


# --- timing and checks ----------------------------------------------------------------------


def subset_size(texts: Sequence[str], share: float) -> int:
    """Number of leading documents holding about ``share`` of the bytes."""
    if share >= 1.0:
        return len(texts)
    sizes = np.cumsum([len(t.encode("utf-8")) for t in texts])
    return max(1, int(np.searchsorted(sizes, share * sizes[-1])) + 1)


def time_peer(peer: Peer, prepared: Prepared) -> tuple[float, float, Any]:
    """(sketch seconds, text → signature seconds), scaled to all texts, and its output."""
    texts = prepared.texts
    count = subset_size(texts, peer.share)
    scale = nbytes(texts) / nbytes(texts[:count])
    items = prepared.forms[peer.form][:count]
    output: list[Any] = []
    seconds = best_seconds(lambda: output.append(peer.sketch(items)), peer.repeat) * scale
    return seconds, seconds + prepared.seconds[peer.form], output[-1]


def check_affine32(hasher: MinHasher, texts: Sequence[str], sample: int = 50) -> int:
    """Assert cleaner's signatures equal datasketch affine32 fed one hash at a time."""
    from datasketch import MinHash

    rng = random.Random(SEED)
    chosen = rng.sample(list(texts), min(sample, len(texts)))
    for text in chosen:
        minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", hashfunc=int)
        for value in hasher.shingle_hashes(text).tolist():
            minhash.update(value)
        assert np.array_equal(minhash.hashvalues, hasher.signature(text)), "affine32 mismatch"
    return len(chosen)


# --- estimate accuracy ----------------------------------------------------------------------


def accuracy_pairs(texts: list[str], limit: int) -> list[tuple[str, str]]:
    """Real near-duplicate pairs (0.5 <= J < 1, dev ground truth) and random pairs of ``texts``."""
    pairs: list[tuple[str, str]] = []
    root = data_dir()
    if root is not None and (root / "near_pairs_dev.jsonl").is_file():
        import json

        wanted: dict[str, str] = {}
        truth = []
        with open(root / "near_pairs_dev.jsonl", encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                if 0.5 <= row["jaccard"] < 1.0 and len(truth) < limit:
                    truth.append((row["a"], row["b"]))
                    wanted[row["a"]] = wanted[row["b"]] = ""
        for doc in iter_docs(files=("baomoi_dev.jsonl", "vnexpress_dev.jsonl")):
            if doc["id"] in wanted:
                wanted[doc["id"]] = doc["text"]
        pairs += [(wanted[a], wanted[b]) for a, b in truth]
    rng = random.Random(SEED)
    pairs += [tuple(rng.sample(texts, 2)) for _ in range(limit)]  # type: ignore[misc]
    return pairs


def estimate_errors(
    peers: list[Peer], hasher: MinHasher, pairs: list[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Mean and max |estimated J - exact J| of each peer's signatures over ``pairs``."""
    texts = [t for pair in pairs for t in pair]
    sets = [set(shingle_strings(t)) for t in texts]
    exact = np.array([len(a & b) / len(a | b) for a, b in zip(sets[::2], sets[1::2], strict=True)])
    prepared = prepare(texts, hasher)
    errors = {}
    for peer in peers:
        signatures = _as_matrix(peer.sketch(prepared.forms[peer.form]))
        estimate = (signatures[::2] == signatures[1::2]).mean(axis=1)
        error = np.abs(estimate - exact)
        errors[peer.name] = (float(error.mean()), float(error.max()))
    return errors


def _as_matrix(signatures: Any) -> Signatures:
    if hasattr(signatures, "to_rows"):  # rensa's digest matrix
        return np.asarray(signatures.to_rows())
    return np.asarray(signatures)


# --- the section ----------------------------------------------------------------------------


def run(quick: bool, out_dir: Path) -> list[Table]:
    hasher = MinHasher(num_perm=NUM_PERM, ngram=NGRAM, seed=SEED)
    texts = load_texts(2 if quick else 20)
    checked = check_affine32(hasher, texts)
    peers, missing = all_peers(quick, hasher)
    prepared = prepare(texts, hasher)
    sizes = {"sketch only": nbytes(texts), "text → signature": nbytes(texts)}
    timings: dict[str, dict[str, float | None]] = {}
    outputs: dict[str, Any] = {}
    for peer in peers:
        sketch, total, outputs[peer.name] = time_peer(peer, prepared)
        timings[peer.name] = {"sketch only": sketch, "text → signature": total}
    same = _check_int_peer(outputs, prepared)
    table = throughput_table(
        f"MinHash signatures, {NUM_PERM} permutations (one core)", sizes, timings, BASELINE
    )
    _add_hashes_column(table, peers)
    table.notes += _notes(texts, prepared, peers, checked, same, missing)
    plot = plot_throughput(table, out_dir / "signatures_throughput.png")
    if plot is not None:
        table.notes.append(f"![signature throughput]({plot.name})")
    return [table, _accuracy_table(peers, hasher, texts, 40 if quick else 200)]


def _check_int_peer(outputs: dict[str, Any], prepared: Prepared) -> int:
    """Assert the hashfunc=int datasketch rows equal cleaner's; return how many were compared."""
    ours = outputs["cleaner MinHasher.signatures"]
    theirs = outputs.get("datasketch update_batch, hashfunc=int")
    if theirs is None:
        return 0
    assert np.array_equal(ours[: len(theirs)], theirs), "cleaner != datasketch affine32"
    return len(theirs)


def _add_hashes_column(table: Table, peers: list[Peer]) -> None:
    forms = {peer.name: peer.form for peer in peers}
    table.columns.insert(1, "input")
    for row in table.rows:
        row.insert(1, forms[row[0]])


def _notes(
    texts: list[str],
    prepared: Prepared,
    peers: list[Peer],
    checked: int,
    same: int,
    missing: list[str],
) -> list[str]:
    shingles = sum(len(s) for s in prepared.forms["strings"])
    notes = [
        f"{len(texts):,} non-empty documents of the shared corpus in file order, "
        f"{nbytes(texts) / 1e6:.1f} MB of UTF-8, {shingles:,} shingle occurrences "
        f"(5-syllable windows of cleaner.dedup.syllables).",
        "sketch only: the peer's call on prepared input. text → signature adds the time to "
        "prepare that input from the raw text: "
        + ", ".join(f"{form} {seconds:.2f} s" for form, seconds in prepared.seconds.items())
        + ". strings = reference Python shingler (syllables, windows joined by spaces); "
        "bytes = strings UTF-8 encoded; joined = syllables joined by one space; "
        "batches = cleaner.shingle_batch; u32 = cleaner's 32-bit shingle hashes per document.",
        f"Ratios are to `{BASELINE}` (a new MinHash per document, update() per shingle).",
        f"Bit-for-bit check: cleaner's signature == datasketch MinHash(scheme='affine32', "
        f"hashfunc=int) updated hash by hash on {checked} sampled documents, and == the "
        f"hashfunc=int update_batch row on its {same:,} documents (asserted).",
    ]
    notes += [f"{p.name}: hashes {p.hashes}." for p in peers]
    slow = [f"{p.name} ({p.share:.0%})" for p in peers if p.share < 1.0]
    notes.append("Timed on the leading share of the bytes, then scaled: " + ", ".join(slow) + ".")
    notes.append("Peer versions: " + ", ".join(_versions()) + ".")
    notes += [f"Not run: {m}" for m in missing]
    return notes


def _versions() -> list[str]:
    out = []
    for package in ("datasketch", "rensa", "datatrove", "text-dedup"):
        try:
            out.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            out.append(f"{package} not installed")
    return out


def _accuracy_table(peers: list[Peer], hasher: MinHasher, texts: list[str], limit: int) -> Table:
    pairs = accuracy_pairs(texts, limit)
    # Peers sharing a hash family give identical signatures; one row per family.
    distinct = [p for p in peers if not p.name.startswith(("datasketch update", "datasketch Min"))]
    distinct += [p for p in peers if p.name == "datasketch MinHash.bulk"]
    distinct = [p for p in distinct if p.name != "cleaner batch_signatures (pre-shingled)"]
    errors = estimate_errors(distinct, hasher, pairs)
    table = Table(
        "MinHash Jaccard estimates vs exact Jaccard (same pairs, 128 permutations)",
        ["implementation", "mean |error|", "max |error|"],
    )
    for name, (mean, worst) in errors.items():
        table.add(name, f"{mean:.4f}", f"{worst:.4f}")
    table.notes.append(
        f"{len(pairs)} pairs: up to {limit} real near-duplicate pairs with 0.5 <= J < 1 "
        f"(dev ground truth) and {limit} random pairs; exact J over reference shingle-string "
        "sets. Expected error of a 128-permutation MinHash: sqrt(J(1-J)/128) <= 0.044. "
        "datasketch rows share one hash family (MinHash.bulk stands for them)."
    )
    return [table][0]
