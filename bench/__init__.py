"""Benchmarks: `python -m bench.run [--only SUBSTR] [--quick]` (see bench/README.md)."""
