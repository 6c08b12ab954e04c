"""Reading tabular files (CSV, Parquet, JSON records) into columns."""
