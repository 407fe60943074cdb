"""Benchmark of every beat task with 100,000 open objects (run: ``python -m bench.sweeps``)."""
