"""The engine: pure polars computations over case and event frames (metrics, indicators, docket,
disclosure control), no database and no Streamlit."""
