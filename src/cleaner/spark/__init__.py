"""Scale out on Spark (extra ``spark``): the same cleaning and dedup, identical results.

The per-record work runs the library's own code inside ``mapInPandas``
(Arrow batches); the corpus-wide steps are DataFrame operations. One module
per job:

- :mod:`~cleaner.spark.session`: the session (Arrow on), the pyspark import;
- :mod:`~cleaner.spark.columns`: column checks, the deprecated ``*_col`` keywords;
- :mod:`~cleaner.spark.reading`: the user's files as one DataFrame;
- :mod:`~cleaner.spark.clean`: normalize, redact, strip boilerplate;
- :mod:`~cleaner.spark.templates`: per-site templates, learned per partition;
- :mod:`~cleaner.spark.dedup`: near-duplicates (how: see its docs);
- :mod:`~cleaner.spark.quality`: the quality stage;
- :mod:`~cleaner.spark.run`: ``cleaner run --engine spark``, all of the above.

Columns are named as in I/O and on the command line: ``text_field``,
``id_field``, ``source_field`` (the old ``text_col``, ``id_col`` and
``source_col`` keywords still work, with a ``DeprecationWarning``).
"""

from cleaner.spark.clean import clean_dataframe
from cleaner.spark.dedup import DUPLICATE_COLUMNS, dedup_dataframe, duplicates_dataframe
from cleaner.spark.quality import quality_dataframe
from cleaner.spark.run import run_spark
from cleaner.spark.session import spark_session
from cleaner.spark.templates import learn_templates

__all__ = [
    "DUPLICATE_COLUMNS",
    "clean_dataframe",
    "dedup_dataframe",
    "duplicates_dataframe",
    "learn_templates",
    "quality_dataframe",
    "run_spark",
    "spark_session",
]
