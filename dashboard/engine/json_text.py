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

import io
from typing import BinaryIO

import polars as pl

#: the characters a JSON string escapes (json.dumps with ensure_ascii=False)
_ESCAPED = r'["\\\x00-\x1f]'
_INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def json_string(expr: pl.Expr) -> pl.Expr:
    """A String expression -> its JSON string literal (quotes and escapes), null -> `null`."""
    encoded = pl.struct(expr.alias("s")).struct.json_encode()
    # '{"s":' + literal + '}'
    return encoded.str.slice(5, encoded.str.len_chars() - 6)


def json_value(
    name: str, dtype: pl.DataType, pad: str, indent: int, *, nulls: bool = True, plain: bool = False
) -> pl.Expr:
    """JSON text of column `name`; `pad` indents the line the value starts on (lists use it).

    `nulls=False`: the column holds no null (no test for one); `plain=True`: a String column
    holds no character JSON escapes (`"`, `\\`, controls), so it is only put in quotes.
    """
    col = pl.col(name)
    if dtype == pl.String:
        text = pl.concat_str(pl.lit('"'), col, pl.lit('"')) if plain else json_string(col)
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
    return pl.when(col.is_null()).then(pl.lit("null")).otherwise(text) if nulls else text


def rows_object(frame: pl.DataFrame, *, key: str, indent: int, depth: int) -> str:
    """`frame` as a JSON object {row[key]: row}, keys (and each row's keys) sorted.

    `depth` is how deep the object sits in the document (0: the document itself), so its lines
    are indented as `json.dumps(document, indent=indent)` would indent them there.
    """
    buffer = io.BytesIO()
    write_rows_object(frame, buffer, key=key, indent=indent, depth=depth)
    return buffer.getvalue().decode()


def write_rows_object(
    frame: pl.DataFrame, out: BinaryIO, *, key: str, indent: int, depth: int
) -> None:
    """Write `rows_object` to `out` as UTF-8, by polars (no Python string per row)."""
    if frame.is_empty():
        out.write(b"{}")
        return
    outer = " " * (indent * (depth + 1))
    inner = " " * (indent * (depth + 2))
    # a column without nulls needs no test for one, strings without a character to escape only
    # their quotes: both found in one pass, as JSON encoding every string took a third of the time
    strings = [n for n, dtype in frame.schema.items() if dtype == pl.String]
    escaped = frame.select(pl.col(strings).str.contains(_ESCAPED).any()).row(0, named=True)
    values = {
        n: json_value(
            n,
            frame.schema[n],
            inner,
            indent,
            nulls=frame[n].null_count() > 0,
            plain=not escaped.get(n, True),
        )
        for n in frame.columns
    }
    # one flat concat_str of every piece (a nested one per field took twice the time)
    pieces = [pl.lit(outer), values[key], pl.lit(": {\n")]
    for i, n in enumerate(sorted(frame.columns)):
        pieces.append(pl.lit(("" if i == 0 else ",\n") + f"{inner}{_literal(n)}: "))
        pieces.append(values[n])
    pieces.append(pl.lit("\n" + outer + "}"))
    # the rows written as they are, one after the other, by a CSV writer that quotes nothing
    # (straight to `out`: a 60 MB document is not copied into one more buffer)
    rows = frame.sort(key).select(pl.concat_str(pieces))
    out.write(b"{\n")
    for part, end in ((rows.head(-1), ",\n"), (rows.tail(1), "\n")):
        part.write_csv(out, include_header=False, quote_style="never", line_terminator=end)
    out.write(b" " * (indent * depth) + b"}")


def _literal(text: str) -> str:
    return pl.select(json_string(pl.lit(text))).item()
