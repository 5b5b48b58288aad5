"""Build the optional C scanner; everything else is declared in pyproject.toml."""

from setuptools import Extension, setup

# optional=True: a machine without a C compiler still installs the package,
# which then normalizes with the pure-Python fixers (same results, slower).
setup(
    ext_modules=[Extension("cleaner._speedups", ["src/cleaner/_speedups.c"], optional=True)],
)
