"""The engine: pure polars computations, no database and no Streamlit."""
