"""vn-cleaner benchmark suite: ``python -m benchmarks [--quick]``."""
