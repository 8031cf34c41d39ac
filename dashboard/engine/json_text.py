"""Frames as indented JSON text, written by polars: the bytes `json.dumps(indent=…, sort_keys=True,
ensure_ascii=False)` gives for the same rows as dicts, without building a dict per row.

At 100,000 cases `json.dump` of the per-case dicts took most of `python -m dashboard metrics`
(the indenting encoder is pure Python, and each row first becomes a dict). Here every column
is turned into its JSON text by a polars expression, and the rows are joined in polars; only
strings go through an encoder (polars' own, `struct.json_encode`, which escapes as Python's
json does with ensure_ascii=False: tests/engine/test_json_text.py checks that with hypothesis).
orjson was the other candidate: it still needs the dicts, and indents by two spaces only.

>>> frame = pl.DataFrame({"id": ["b", "a"], "n": [1, None], "xs": [[2, 3], []]})
>>> print(rows_object(frame, key="id", indent=1, depth=0))
{
 "a": {
  "id": "a",
  "n": null,
  "xs": []
 },
 "b": {
  "id": "b",
  "n": 1,
  "xs": [
   2,
   3
  ]
 }
}
"""

from __future__ import annotations

import polars as pl

_INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def json_string(expr: pl.Expr) -> pl.Expr:
    """A String expression -> its JSON string literal (quotes and escapes), null -> `null`."""
    encoded = pl.struct(expr.alias("s")).struct.json_encode()
    # '{"s":' + literal + '}'
    return encoded.str.slice(5, encoded.str.len_chars() - 6)


def json_value(name: str, dtype: pl.DataType, pad: str, indent: int) -> pl.Expr:
    """JSON text of column `name`; `pad` indents the line the value starts on (lists use it)."""
    col = pl.col(name)
    if dtype == pl.String:
        text = json_string(col)
    elif dtype == pl.Boolean:
        text = pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false"))
    elif dtype in _INTEGERS:
        text = col.cast(pl.String)
    elif dtype == pl.Date:
        text = pl.concat_str(pl.lit('"'), col.dt.to_string("%Y-%m-%d"), pl.lit('"'))
    elif isinstance(dtype, pl.List) and dtype.inner in _INTEGERS:
        inner = pad + " " * indent
        items = col.cast(pl.List(pl.String)).list.join(",\n" + inner)
        text = (
            pl.when(col.list.len() == 0)
            .then(pl.lit("[]"))
            .otherwise(pl.concat_str(pl.lit("[\n" + inner), items, pl.lit("\n" + pad + "]")))
        )
    else:  # floats are not written here: their repr would need Python's float formatting
        raise TypeError(f"column {name!r}: no JSON text for {dtype}")
    return pl.when(col.is_null()).then(pl.lit("null")).otherwise(text)


def rows_object(frame: pl.DataFrame, *, key: str, indent: int, depth: int) -> str:
    """`frame` as a JSON object {row[key]: row}, keys (and each row's keys) sorted.

    `depth` is how deep the object sits in the document (0: the document itself), so its lines
    are indented as `json.dumps(document, indent=indent)` would indent them there.
    """
    if frame.is_empty():
        return "{}"
    outer = " " * (indent * (depth + 1))
    inner = " " * (indent * (depth + 2))
    # one flat concat_str of every piece (a nested one per field took twice the time), and the
    # rows joined by Python (str.join in polars was slower at 100,000 rows)
    pieces = [pl.lit(outer), json_string(pl.col(key)), pl.lit(": {\n")]
    for i, n in enumerate(sorted(frame.columns)):
        pieces.append(pl.lit(("" if i == 0 else ",\n") + f"{inner}{_literal(n)}: "))
        pieces.append(json_value(n, frame.schema[n], inner, indent))
    pieces.append(pl.lit("\n" + outer + "}"))
    body = ",\n".join(frame.sort(key).select(pl.concat_str(pieces)).to_series().to_list())
    return "{\n" + body + "\n" + " " * (indent * depth) + "}"


def _literal(text: str) -> str:
    return pl.select(json_string(pl.lit(text))).item()
