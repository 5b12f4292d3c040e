"""On-demand benchmarks of the Portico kernel (not part of the test suite). Run ``python -m bench.run``."""
