"""The measures benchmarks/measure.py runs, one module per kind: services timed against
their own SQL replayed raw (services.py, newer.py), the writers in their own processes
(writers.py), the app itself headless (app.py, painted.py), and the run's own facts and
scratch databases (run.py). Each returns Result rows (common.py); report.py prints them."""
