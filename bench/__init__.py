"""Benchmarks, beside the application and not part of it: ``python -m bench data`` fills a
database with a large, consistent world (``data.py``, ``command.py``); ``python -m bench``
measures the pages and feeds that must keep a constant cost as it grows (``run.py``)."""
