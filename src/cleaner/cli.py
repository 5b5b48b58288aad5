"""The ``cleaner`` command.

Exit codes: 0 success, 1 input error (unreadable or malformed input in strict
mode, every input record rejected, unwritable output), 2 usage or
configuration error (including outputs that collide with an input or with each
other, and a missing optional dependency), 130 interrupted (Ctrl-C: workers
stopped, temporary files removed). Errors print one line on stderr;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import click

from cleaner._version import __version__
from cleaner.boilerplate import CAPTIONS, BoilerplateConfig
from cleaner.dedup import (
    LEVELS,
    LINKAGES,
    VERIFY_MODES,
    DedupConfig,
    Level,
    Verify,
    parse_keep,
    text_settings,
)
from cleaner.errors import CleanerError, ConfigError
from cleaner.io import (
    DEFAULT_MAX_RECORD_BYTES,
    OUTPUT_FORMATS,
    ReadOptions,
    describe_input_formats,
)
from cleaner.normalize import NormalizeConfig
from cleaner.normalize.base import TONE_STYLES
from cleaner.normalize.encodings import LEGACY_MODES
from cleaner.pii import PiiConfig
from cleaner.pipeline import RecordStage, Stage
from cleaner.quality import QualityStage, load_quality_config
from cleaner.quality.stage import QUALITY_MODES, QualityMode
from cleaner.runner import DEFAULT_SHARD_SIZE, OutputPaths, RunOptions, run_files
from cleaner.stages import (
    BoilerplateStage,
    DedupStage,
    ExactDedupStage,
    NormalizeStage,
    PiiStage,
    optional_stages,
)

EXIT_INPUT_ERROR = 1
EXIT_USAGE_ERROR = 2
#: 128 + SIGINT, what shells report for a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleaner")
def main() -> None:
    """Clean Vietnamese web text: normalize, strip boilerplate, deduplicate."""


def _dedup_config(options: dict[str, Any], source_field: str) -> DedupConfig:
    """The dedup config of ``cleaner run``'s options (``keep`` as spelled on the command line)."""
    keep = parse_keep(options["keep"], source_field=source_field)
    return DedupConfig(**{**options, "verify": cast(Verify, options["verify"]), "keep": keep})


@main.command(
    help=f"Clean INPUTS: files of the formats {describe_input_formats()}; directories (their "
    ".txt files, HTML pages and Parquet part files); or - for JSON lines on stdin. "
    "--text-field and --id-field name the JSON field or CSV/Parquet column."
)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out", required=True, help="Output file, or a directory for all outputs.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(OUTPUT_FORMATS)),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option("--text-field", default="text", show_default=True, help="Input/output text field.")
@click.option("--id-field", default="id", show_default=True, help="Input/output id field.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes for the per-record work (normalize, boilerplate, signatures), at most "
    "4 per CPU and 64 (output is identical for any N).",
)
@click.option(
    "--legacy",
    type=click.Choice(LEGACY_MODES),
    default="auto",
    show_default=True,
    help="Legacy encodings to repair: detect TCVN3/VNI/cp1258 (auto), force one, or none.",
)
@click.option(
    "--tone-style",
    type=click.Choice(TONE_STYLES),
    default="first_vowel",
    show_default=True,
    help="Tone placement in open oa/oe/uy syllables.",
)
@click.option(
    "--ascii-punctuation",
    is_flag=True,
    help="Spell curly quotes, dashes and ellipses in ASCII.",
)
@click.option(
    "--collapse-layout",
    is_flag=True,
    help="Collapse indentation and the space runs of aligned lines (code, tables) too.",
)
@click.option(
    "--captions",
    type=click.Choice(CAPTIONS),
    default="remove",
    show_default=True,
    help="Remove or keep photo captions and credits.",
)
@click.option(
    "--rules",
    "rule_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra boilerplate rule file (same format as the packaged vi.txt); repeatable.",
)
@click.option(
    "--source-field",
    default="source",
    show_default=True,
    help="Meta field naming a record's site, for per-site boilerplate templates.",
)
@click.option(
    "--corpus-min-docs",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="A segment, prefix or suffix in at least this many documents of one source is a template.",
)
@click.option(
    "--min-content-syllables",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Drop a record left with fewer syllables after boilerplate removal (no_content).",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="document",
    show_default=True,
    help="Drop near-duplicate documents, or repeated paragraphs (passage).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.8,
    show_default=True,
    help="Jaccard similarity of syllable 5-gram sets that makes a duplicate.",
)
@click.option("--num-perm", type=click.IntRange(min=1), default=128, show_default=True)
@click.option("--ngram", type=click.IntRange(min=1), default=5, show_default=True)
@click.option(
    "--linkage",
    type=click.Choice(list(LINKAGES)),
    default="connected",
    show_default=True,
    help="Clusters as connected components, or around a kept document (no chaining).",
)
@click.option(
    "--verify",
    type=click.Choice(VERIFY_MODES),
    default="exact",
    show_default=True,
    help="How candidate pairs are checked before they count.",
)
@click.option(
    "--keep",
    "keep_spec",
    default="longest",
    show_default=True,
    metavar="POLICY",
    help="Which record of a near-duplicate cluster is kept: longest (the longest text); "
    "first (input order); newest:FIELD (the latest date in FIELD, ISO 8601 or seconds since "
    "1970, no zone = UTC; records without it rank last, a value that is no date is an error); "
    "priority:FILE (FILE lists preferred sources, one a line, best first, shell patterns "
    "allowed, matched against --source-field; unlisted sources rank last). After the policy: "
    "the longest text, then the first seen (on Spark, which has no input order: the smallest "
    "id; 'first' is refused there).",
)
@click.option(
    "--index",
    "index_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Persistent dedup index: drop records similar to anything in it (first seen wins).",
)
@click.option("--update-index", is_flag=True, help="Add the kept records to --index and save it.")
@click.option(
    "--skip",
    "skipped",
    multiple=True,
    type=click.Choice(optional_stages()),
    help="Skip a stage; repeatable (skipping dedup skips exact_dedup too).",
)
@click.option(
    "--url-field",
    default="url",
    show_default=True,
    help="Input field holding a record's URL: exact_dedup drops copies of one normalized URL.",
)
@click.option(
    "--quality",
    "quality_mode",
    type=click.Choice(QUALITY_MODES),
    default=None,
    help="Run the quality stage after dedup: drop records failing a rule, or only tag them.",
)
@click.option(
    "--quality-config",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file overriding the quality thresholds (runs the stage; default mode drop).",
)
@click.option(
    "--pii",
    "pii_mode",
    type=click.Choice(["redact"]),
    default=None,
    help="Replace e-mails, IP addresses, phone numbers and keyword-anchored ID, tax and "
    "bank-account numbers by tokens, after normalize and before dedup.",
)
@click.option(
    "--pii-token",
    default=PiiConfig.token,
    show_default=True,
    help="Replacement of --pii redact; {label} becomes PHONE, EMAIL, IP, ID_NUMBER, ...",
)
@click.option("--stats", "stats_path", default=None, help="Write the run's counters as JSON.")
@click.option(
    "--removed",
    "removed_path",
    default=None,
    help="Write every dropped record and removed span with its reason (JSONL).",
)
@click.option(
    "--rejects",
    "rejects_path",
    default=None,
    help="Where malformed input lines go in lenient mode.",
)
@click.option("--strict", is_flag=True, help="Stop at the first malformed input record.")
@click.option(
    "--max-record-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_RECORD_BYTES,
    show_default=True,
    help="Longer input lines (records) are rejected with reason record_too_large.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run from its last finished shard (same inputs and options; "
    "a run without --resume to the same output discards the saved shards).",
)
@click.option(
    "--shard-size",
    type=click.IntRange(min=1),
    default=DEFAULT_SHARD_SIZE,
    show_default=True,
    help="Input records per checkpointed shard.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="Run here, or on Spark (extra 'spark'; --out is then a directory of part files).",
)
@click.option(
    "--master",
    default="local[2]",
    show_default=True,
    help="Spark master URL for --engine spark (spark-submit's own --master wins).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar per pass (bytes, percentage, rate, ETA) on stderr "
    "[default: when stderr is a terminal].",
)
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
def run(
    inputs: tuple[str, ...],
    out: str,
    fmt: str,
    text_field: str,
    id_field: str,
    workers: int,
    legacy: str,
    tone_style: str,
    ascii_punctuation: bool,
    collapse_layout: bool,
    captions: str,
    rule_files: tuple[str, ...],
    source_field: str,
    corpus_min_docs: int,
    min_content_syllables: int,
    level: str,
    threshold: float,
    num_perm: int,
    ngram: int,
    linkage: str,
    verify: str,
    keep_spec: str,
    index_path: str | None,
    update_index: bool,
    skipped: tuple[str, ...],
    url_field: str,
    quality_mode: str | None,
    quality_config: str | None,
    pii_mode: str | None,
    pii_token: str,
    stats_path: str | None,
    removed_path: str | None,
    rejects_path: str | None,
    strict: bool,
    max_record_bytes: int,
    resume: bool,
    shard_size: int,
    engine: str,
    master: str,
    progress: bool | None,
    quiet: bool,
    debug: bool,
) -> None:
    """Clean input files (the help text lists the formats of :data:`cleaner.io.INPUT_FORMATS`)."""
    dedup_options = (
        None
        if "dedup" in skipped
        else {
            "threshold": threshold,
            "num_perm": num_perm,
            "ngram": ngram,
            "linkage": linkage,
            "verify": verify,
            "keep": keep_spec,
        }
    )
    if engine == "spark":
        unsupported = {
            "--workers": workers != 1,
            "--index": index_path is not None,
            "--level passage": level != "document",
            "--resume": resume,
            "--strict": strict,
            "--removed": removed_path is not None,
            "--rejects": rejects_path is not None,
            "--skip boilerplate": "boilerplate" in skipped,
        }
        _run_on_spark(
            [name for name, given in unsupported.items() if given],
            inputs,
            out,
            fmt,
            master,
            text_field,
            id_field,
            clean_options={
                "legacy": legacy,
                "tone_style": tone_style,
                "ascii_punctuation": ascii_punctuation,
                "keep_layout": not collapse_layout,
                "captions": captions,
                "extra_rules": rule_files,
                "min_content_syllables": min_content_syllables,
            },
            source_field=source_field,
            corpus_min_docs=corpus_min_docs,
            dedup=dedup_options,
            pii_token=pii_token if pii_mode == "redact" else None,
            quality=(quality_mode, quality_config)
            if _wants_quality(quality_mode, quality_config, skipped)
            else None,
            stats_path=stats_path,
            quiet=quiet,
            debug=debug,
        )
        return
    with _errors_exit(debug):
        paths = OutputPaths.resolve(out, fmt, removed_path, stats_path, rejects_path)
        paths.check(inputs, {"--index": index_path})
        options = RunOptions(
            read=ReadOptions(
                text_field=text_field,
                id_field=id_field,
                strict=strict,
                max_record_bytes=max_record_bytes,
            ),
            fmt=fmt,
            workers=workers,
            shard_size=shard_size,
            resume=resume,
            progress=not quiet and (sys.stderr.isatty() if progress is None else progress),
        )
        normalize_config = NormalizeConfig.from_options(
            tone_style=tone_style,
            ascii_punctuation=ascii_punctuation,
            legacy=legacy,
            keep_layout=not collapse_layout,
        )
        record_stages: list[RecordStage] = [NormalizeStage(normalize_config)]
        # After normalize (NFC, no invisible characters inside an address or a
        # number) and before every stage that keeps or reports text: removed
        # spans, dedup keys and the index never hold personal data, and pages
        # differing only in a phone number are exact duplicates.
        if pii_mode == "redact":
            record_stages.append(PiiStage(PiiConfig(token=pii_token)))
        finish_stages: list[Stage] = []
        if "boilerplate" not in skipped:
            config = BoilerplateConfig.from_options(
                captions=captions,
                extra_rules=rule_files,
                min_content_syllables=min_content_syllables,
            )
            finish_stages.append(
                BoilerplateStage(config, source_field=source_field, min_docs=corpus_min_docs)
            )
        if index_path and keep_spec != "longest":
            # Against an index each record is checked in input order: the first seen stays.
            raise ConfigError("--keep does not apply with --index (the first seen is kept)")
        if dedup_options is not None:
            dedup_config = _dedup_config(dedup_options, source_field)
            # Exact and same-URL copies first, cheaply; the persistent index
            # keeps the first record seen instead of the keep rule's choice,
            # and passage level keeps every document: neither drops copies.
            if level == "document" and index_path is None and "exact_dedup" not in skipped:
                finish_stages.append(ExactDedupStage(dedup_config.keep, url_field=url_field))
            finish_stages.append(
                DedupStage(
                    dedup_config,
                    level=cast(Level, level),
                    index=Path(index_path) if index_path else None,
                    update_index=update_index,
                    normalization=_text_settings(normalize_config, skipped),
                )
            )
        if _wants_quality(quality_mode, quality_config, skipped):
            mode = cast(QualityMode, quality_mode or "drop")
            finish_stages.append(QualityStage(load_quality_config(quality_config), mode=mode))
        report = run_files(inputs, paths, record_stages, finish_stages, options=options)
    if not quiet:
        click.echo(format_summary(report), err=True)


def _run_on_spark(
    unsupported: list[str],
    inputs: tuple[str, ...],
    out: str,
    fmt: str,
    master: str,
    text_field: str,
    id_field: str,
    *,
    clean_options: dict[str, Any],
    source_field: str,
    corpus_min_docs: int,
    dedup: dict[str, Any] | None,
    pii_token: str | None,
    quality: tuple[str | None, str | None] | None,
    stats_path: str | None,
    quiet: bool,
    debug: bool,
) -> None:
    """``cleaner run --engine spark``: the record-level stages, document dedup and quality on Spark.

    ``dedup`` holds the :class:`DedupConfig` options, ``keep`` as spelled on the
    command line; ``pii_token`` is given when ``--pii redact`` is; ``quality``
    is ``(--quality, --quality-config)`` when the stage runs.
    """
    with _errors_exit(debug):
        if unsupported:
            raise ConfigError(f"not supported with --engine spark: {', '.join(unsupported)}")
        config = None if dedup is None else _dedup_config(dedup, source_field)
        from cleaner.spark import run_spark

        pii = None if pii_token is None else PiiConfig(token=pii_token)
        quality_config = None if quality is None else load_quality_config(quality[1])

        counts = run_spark(
            list(inputs),
            out,
            fmt=fmt,
            master=master,
            text_field=text_field,
            id_field=id_field,
            source_field=source_field,
            min_docs=corpus_min_docs,
            clean_options=clean_options,
            dedup=config,
            pii=pii,
            quality=quality_config,
            quality_mode=cast(QualityMode, (quality and quality[0]) or "drop"),
        )
        if stats_path:
            Path(stats_path).write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        click.echo(f"{_spark_summary(counts)}  (spark, {master})", err=True)


def _spark_summary(counts: dict[str, Any]) -> str:
    """One line of the Spark run's counts (the quality drops when the stage ran)."""
    line = (
        f"records in {counts['records_in']:,}  out {counts['records_out']:,}  "
        f"no content {counts['no_content']:,}  duplicates {counts['duplicates']:,}"
    )
    quality = counts.get("quality")
    if quality is not None:
        line += f"  quality {quality['records_in'] - quality['records_out']:,}"
    return line


def _wants_quality(mode: str | None, config: str | None, skipped: tuple[str, ...]) -> bool:
    """Whether the quality stage runs: asked for by an option, and not skipped.

    Opt-in for now: on by default it would drop the short records that
    existing pipelines (and tests) keep.
    """
    return (mode is not None or config is not None) and "quality" not in skipped


def _text_settings(config: NormalizeConfig, skipped: tuple[str, ...]) -> dict[str, Any]:
    """What shaped the dedup keys: an index built with other settings must not be reused."""
    return text_settings(config, boilerplate="boilerplate" not in skipped)


@contextmanager
def _errors_exit(debug: bool) -> Iterator[None]:
    """Turn library and OS errors into one line on stderr and the documented exit code."""
    try:
        yield
    except CleanerError as error:
        if debug:
            raise
        code = EXIT_USAGE_ERROR if isinstance(error, ConfigError) else EXIT_INPUT_ERROR
        _fail(str(error), code)
    except OSError as error:
        if debug:
            raise
        _fail(f"{error.filename or ''}: {error.strerror or error}", EXIT_INPUT_ERROR)
    except KeyboardInterrupt:
        # The run has stopped its workers and removed its temporary files.
        _fail("interrupted", EXIT_INTERRUPTED)


def _fail(message: str, code: int) -> None:
    click.echo(f"cleaner: error: {message}", err=True)
    sys.exit(code)


def format_summary(report: dict[str, Any]) -> str:
    """Render a run report as a plain-text table."""
    lines = [
        f"records in {report['records_in']:,}  out {report['records_out']:,}  "
        f"rejected {sum(report['rejected'].values()):,}  "
        f"MB in {report['bytes_in'] / 1e6:.2f}  time {report['seconds']:.2f}s",
        f"{'stage':<14}{'in':>10}{'out':>10}{'MB in':>10}{'MB out':>10}  reasons",
    ]
    for stage in report["stages"]:
        reasons = ", ".join(f"{name}={count:,}" for name, count in stage["reasons"].items())
        lines.append(
            f"{stage['name']:<14}{stage['records_in']:>10,}{stage['records_out']:>10,}"
            f"{stage['bytes_in'] / 1e6:>10.2f}{stage['bytes_out'] / 1e6:>10.2f}  {reasons or '-'}"
        )
    for reason, count in report["rejected"].items():
        lines.append(f"rejected: {reason}={count:,}")
    if report.get("rejects"):
        lines.append(f"rejected records written to {report['rejects']}")
    duplicates = report["duplicate_ids"]
    if duplicates["count"]:
        lines.append(
            f"warning: {duplicates['count']:,} records reuse an earlier id "
            f"(first: {', '.join(duplicates['first'][:5])})"
        )
    return "\n".join(lines)
