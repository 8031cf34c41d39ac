"""Data in and out: the contract, import, export, reads into polars, versioning, backup, seeding."""
