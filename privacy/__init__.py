"""Privacy operations on the warehouse: erasure of a person (``erasure``) and the rewrite of landing files without
their rows (``landing_files``). Plain Python over DuckDB; the ``trm erase`` command (cli/erase.py) wraps it. The
suppression list that keeps an erased person out of later loads is applied by ingestion (ingestion/suppression.py).
"""
