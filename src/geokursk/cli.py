"""Command-line interface: a thin layer over the public functions.

Every subcommand parses its arguments, calls library functions and prints.
Errors derived from :class:`geokursk.errors.GeokurskError` (and bad paths,
a full disk, arguments that are not UTF-8) are reported on one line on
stderr without a traceback.

Exit codes: 0 everything was done; 1 ``batch`` wrote its output but some
articles could not be processed (listed in its errors table); 2 bad input or
a failure, nothing (more) written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from geokursk.errors import GeokurskError, UsageError

__all__ = ["main"]

Handler = Callable[[argparse.Namespace], int]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geokursk",
        description="Offline geocoding, claims and maps for war reporting.",
    )
    parser.add_argument("--version", action="version", version=f"geokursk {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_geocode(sub)
    _add_reverse(sub)
    _add_gazetteer(sub)
    _add_layers(sub)
    _add_claims(sub)
    _add_extract(sub)
    _add_map(sub)
    _add_batch(sub)
    return parser


# --- geocode / gazetteer -----------------------------------


def _version() -> str:
    from geokursk import __version__

    return __version__


def _add_geocode(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "geocode",
        help="resolve place names (mentioned together), or a column of a table, to places",
        description="Resolve place names against the gazetteer. Names given in one call are "
        "treated as mentioned together and resolved jointly. With --table, geocode one column "
        "of a CSV file, each row on its own (with --context for every row or --context-column "
        "per row), and write the table with the geocoding columns added; the output format "
        "follows the suffix of -o: .csv, .geojson, .gpkg, .parquet.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="place names (Latin or Cyrillic)")
    p.add_argument("--context", metavar="TEXT", help='free text, e.g. "Kursk region, Russia"')
    p.add_argument("--table", metavar="FILE", help="a CSV (or .tsv) table, UTF-8, with a header")
    p.add_argument("--column", metavar="NAME", help="with --table: the column of place names")
    p.add_argument(
        "--context-column",
        metavar="COL",
        help="with --table: a column giving each row its own context",
    )
    p.add_argument(
        "-o",
        "--output",
        type=_output_file,
        metavar="OUT",
        help="with --table: file to write (.csv, .geojson, .gpkg, .parquet); every input row "
        "is kept",
    )
    p.add_argument("--no-progress", action="store_true", help="with --table: hide the progress bar")
    _gazetteer_option(p)
    p.add_argument(
        "--layer",
        action="append",
        default=[],
        metavar="FILE",
        help="a layer file stacked above all others for this call (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array (one object per NAME)")
    p.set_defaults(handler=_run_geocode)


def _gazetteer_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--gazetteer",
        metavar="PATH",
        help="gazetteer file built with `geokursk gazetteer build` "
        "(default: $GEOKURSK_GAZETTEER or the shipped one)",
    )


def _run_geocode(args: argparse.Namespace) -> int:
    import json

    from geokursk.geocode import Geocoder

    gc = Geocoder(args.gazetteer, layers=args.layer or None)
    if args.table is not None:
        return _run_geocode_table(args, gc)
    table_only = [
        opt
        for opt, value in (
            ("--column", args.column),
            ("--context-column", args.context_column),
            ("-o/--output", args.output),
        )
        if value is not None
    ]
    if table_only:
        raise UsageError(f"{', '.join(table_only)} go(es) with --table FILE")
    if not args.names:
        raise UsageError("give place names (geokursk geocode NAME...) or a table (--table FILE)")
    results = gc.geocode_many(args.names, context=args.context)
    for warning in dict.fromkeys(w for r in results for w in r.warnings):
        print(f"geokursk: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        return 0
    for r in results:
        where = (
            f"{r.place.label} {r.place.admin_path()} {r.place.lat:.4f},{r.place.lon:.4f}"
            if r.place is not None
            else "-"
        )
        print(f"{r.query}\t{r.status}\t{where}\t{r.score:.0f}\t{r.reason}")
    return 0


def _run_geocode_table(args: argparse.Namespace, geocoder: Any) -> int:
    from geokursk.tables import INPUT_SUFFIX, geocode_file

    if args.names:
        raise UsageError(
            f"give names or --table, not both (got {len(args.names)} name(s) and --table)"
        )
    if args.column is None or args.output is None:
        raise UsageError("--table needs --column NAME (the place names) and -o OUT")
    if args.json:
        raise UsageError("--json prints names' results; with --table write -o OUT.geojson")
    found = geocode_file(
        args.table,
        args.output,
        column=args.column,
        context=args.context,
        context_column=args.context_column,
        progress=not args.no_progress,
        geocoder=geocoder,
    )
    renamed = [c for c in found.columns if c.endswith(INPUT_SUFFIX)]
    if renamed:
        pairs = ", ".join(f"{c.removesuffix(INPUT_SUFFIX)} -> {c}" for c in renamed)
        print(
            f"geokursk: note: input column(s) renamed: {pairs} (the names are taken by "
            "geocoding columns)",
            file=sys.stderr,
        )
    counts = found["status"].value_counts()
    summary = ", ".join(
        f"{counts[s]} {s}" for s in ("resolved", "ambiguous", "unresolved", "empty") if s in counts
    )
    print(f"wrote {args.output}: {len(found)} rows ({summary or 'none'})")
    return 0


def _add_reverse(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reverse",
        help="describe coordinates: nearest settlements, raion, hromada, oblast, border distance",
        description="Reverse-geocode points given as LAT,LON (latitude first, decimal degrees): "
        "the nearest settlements with distance and direction, the raion, hromada, oblast and "
        "country they fall in (as far as the shipped polygons go; the output says where they "
        "do not) and the distance to a state border. For a negative latitude put -- before "
        "the points: geokursk reverse -- -33.9,18.4",
    )
    p.add_argument("points", nargs="+", metavar="LAT,LON", help="e.g. 51.115,35.36")
    p.add_argument(
        "--nearest",
        type=_positive_int,
        default=3,
        metavar="N",
        help="settlements to list per point (default 3)",
    )
    p.add_argument(
        "--border",
        default="RU-UA",
        metavar="PAIR",
        help="state border to measure to: RU-UA (default), RU-BY, UA-BY, or 'none'",
    )
    _gazetteer_option(p)
    p.add_argument("--json", action="store_true", help="print a JSON array (one object per point)")
    p.set_defaults(handler=_run_reverse)


def _lat_lon(text: str) -> tuple[float, float]:
    parts = [t for t in text.replace(";", ",").split(",") if t.strip()]
    try:
        lat, lon = (float(t) for t in parts)
    except ValueError:
        raise UsageError(
            f"{text!r} is not LAT,LON: give decimal degrees, latitude first, e.g. 51.115,35.36"
        ) from None
    return lat, lon


def _run_reverse(args: argparse.Namespace) -> int:
    import json

    from geokursk.geocode import Geocoder
    from geokursk.reverse_geocode import reverse

    points = [_lat_lon(t) for t in args.points]
    border = None if args.border.strip().lower() == "none" else args.border
    found = reverse(points, nearest=args.nearest, border=border, geocoder=Geocoder(args.gazetteer))
    records = json.loads(
        found.drop(columns="geometry").to_json(orient="records", force_ascii=False)
    )
    for rec in records:
        rec["settlements"] = json.loads(rec["settlements"]) if rec["settlements"] else []
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    for text, rec in zip(args.points, records, strict=True):
        print(f"{text}: {_where(rec)}")
        if rec["raion"]:
            print(f"  raion: {rec['raion']} [{rec['raion_source']}]")
        if rec["hromada"]:
            print(f"  hromada: {rec['hromada']} [{rec['hromada_source']}]")
        admin = [
            rec["oblast"],
            f"{rec['country']} ({rec['country_code']})" if rec["country"] else None,
        ]
        print(f"  in: {', '.join(a for a in admin if a) or '-'}")
        if border is not None:
            print(f"  border: {rec['border_km']:.1f} km from the {border} border")
        others = [
            f"{s['name_latin']} {s['km']:.1f} km {s['direction']}" for s in rec["settlements"][1:]
        ]
        if others:
            print(f"  also near: {'; '.join(others)}")
        if rec["note"]:
            print(f"  note: {rec['note']}")
    return 0


def _where(rec: dict[str, Any]) -> str:
    """``"2.5 km NE of Plekhovo (Плёхово)"`` for a reverse-geocoded point."""
    first = rec["settlements"][0] if rec["settlements"] else None
    if first is None:
        return "no settlement in the gazetteer"
    cyr = first["name_cyrillic"]
    name = (
        f"{first['name_latin']} ({cyr})"
        if cyr and cyr != first["name_latin"]
        else first["name_latin"]
    )
    if rec["description"].startswith("at "):
        return f"at {name}"
    return f"{first['km']:.1f} km {first['direction']} of {name}"


def _add_gazetteer(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gazetteer", help="build or inspect gazetteers")
    gsub = p.add_subparsers(dest="gazetteer_command", required=True)
    b = gsub.add_parser(
        "build",
        help="build a gazetteer from GeoNames dumps",
        description="Build a gazetteer SQLite file from GeoNames files as distributed: main "
        "dumps (RU.zip, allCountries.zip, cities500.zip), postal-code files and optionally "
        "alternateNamesV2.zip. Use the result with --gazetteer PATH or $GEOKURSK_GAZETTEER.",
    )
    b.add_argument("files", nargs="+", metavar="FILE", help="GeoNames .zip or .txt files")
    b.add_argument(
        "-o",
        "--output",
        required=True,
        type=_output_file,
        metavar="PATH",
        help="gazetteer to write",
    )
    b.add_argument(
        "--feature-classes",
        default="P,A",
        help="GeoNames feature classes to keep from main dumps (default P,A; '*' for all)",
    )
    b.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    b.set_defaults(handler=_run_gazetteer_build)
    i = gsub.add_parser("info", help="print a gazetteer's metadata as JSON")
    _gazetteer_option(i)
    i.set_defaults(handler=_run_gazetteer_info)


def _run_gazetteer_build(args: argparse.Namespace) -> int:
    import json

    from geokursk.build import build_gazetteer

    classes = None if args.feature_classes.strip() == "*" else args.feature_classes.split(",")
    stats = build_gazetteer(
        args.files, args.output, feature_classes=classes, progress=not args.no_progress
    )
    print(json.dumps({"output": str(args.output), **stats}, ensure_ascii=False))
    return 0


def _run_gazetteer_info(args: argparse.Namespace) -> int:
    import json

    from geokursk.gazetteer import Gazetteer

    gaz = Gazetteer(args.gazetteer)
    meta: dict[str, object] = {"path": str(gaz.path), **gaz.meta}
    if gaz.layers:
        meta["layers"] = gaz.layers
    print(json.dumps(meta, ensure_ascii=False, indent=2))
    return 0


def _add_layers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "layers",
        help="list, add or remove gazetteer layers",
        description="The gazetteer is a stack of layers. Your own layers (verified places from "
        "a CSV, GeoJSON or GeoNames file) take priority over the shipped ones.",
    )
    lsub = p.add_subparsers(dest="layers_command", required=True)
    ls = lsub.add_parser("list", help="print every layer (user layers first)")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=_run_layers_list)
    a = lsub.add_parser(
        "add",
        help="add a user layer from CSV, GeoJSON or a GeoNames dump",
        description="CSV/GeoJSON columns: name, lat, lon (required); id, alt_names, "
        "former_names (several separated by | or ;), name_ru, name_uk, admin1, admin2, "
        "country (ISO alpha-2), feature_type (village, town, city, capital or a GeoNames "
        "code), population, note. A bad row is an error naming file and line; nothing is added.",
    )
    a.add_argument("file", metavar="FILE")
    a.add_argument("--name", help="layer name (default: the file name)")
    a.add_argument("--licence", default="user-provided", help="licence of your data")
    a.add_argument("--attribution", default="", help="credit line for your data")
    a.add_argument("--replace", action="store_true", help="replace a layer of that name")
    a.set_defaults(handler=_run_layers_add)
    r = lsub.add_parser("remove", help="remove a user layer")
    r.add_argument("name", metavar="NAME")
    r.set_defaults(handler=_run_layers_remove)


def _run_layers_list(args: argparse.Namespace) -> int:
    import json

    from geokursk.layers import list_layers, user_layer_dir

    layers = list_layers()
    if args.json:
        print(json.dumps([lay.to_dict() for lay in layers], ensure_ascii=False, indent=2))
        return 0
    print(f"# user layers live in {user_layer_dir()}; lower rank wins a place's point")
    for lay in layers:
        who = "user" if lay.user else "shipped"
        print(f"{lay.name}\t{who}\trank {lay.point_rank}\t{lay.rows} rows\t{lay.licence}")
    return 0


def _run_layers_add(args: argparse.Namespace) -> int:
    from geokursk.layers import add_user_layer

    lay = add_user_layer(
        args.file,
        name=args.name,
        licence=args.licence,
        attribution=args.attribution,
        replace=args.replace,
    )
    print(f"added layer {lay.name!r}: {lay.rows} places -> {lay.path}")
    return 0


def _run_layers_remove(args: argparse.Namespace) -> int:
    from geokursk.layers import remove_user_layer

    path = remove_user_layer(args.name)
    print(f"removed layer {args.name!r} ({path})")
    return 0


# --- claims / extract ---------------------------------------


def _add_claims(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "claims",
        help="print or validate a claims dataset",
        description="Validate a claims dataset (the embedded one by default), geocode its "
        "places and print it; optionally export it as GeoJSON, GeoPackage or CSV.",
    )
    p.add_argument(
        "--claims",
        metavar="PATH",
        help="claims file: a dataset file or the output of `geokursk claims --json` "
        "(default: the embedded dataset)",
    )
    p.add_argument("--json", action="store_true", help="print the claims as a JSON array")
    p.add_argument(
        "--export",
        type=_output_file,
        metavar="PATH",
        help="also write the claims frame; format by suffix (.geojson, .gpkg, .csv)",
    )
    p.add_argument(
        "--places",
        action="store_true",
        help="with --export: write one row per claim-place link instead of one per claim",
    )
    p.set_defaults(handler=_run_claims)


def _run_claims(args: argparse.Namespace) -> int:
    import json

    from geokursk.claims import claim_places_frame, claims_frame, claims_to_records, load_claims
    from geokursk.export import export_frame

    claims = load_claims(args.claims)
    if args.export:
        build = claim_places_frame if args.places else claims_frame
        export_frame(build(claims), args.export)
    records = claims_to_records(claims)
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    for rec in records:
        places = ", ".join(f"{p['name']} ({p['status']})" for p in rec["places"]) or "-"
        when = _short_date(rec["claim_date"], rec["claim_date_precision"])
        print(f"{rec['id']}\t{rec['side']}\t{when}\t{places}")
    where = args.claims or "embedded dataset"
    exported = f"; exported to {args.export}" if args.export else ""
    print(f"{len(records)} valid claims in {where}{exported}", file=sys.stderr)
    return 0


def _short_date(iso: str | None, precision: str | None) -> str:
    """``"2024-09-01"`` with precision ``"month"`` -> ``"2024-09"``; ``None`` -> ``"-"``."""
    if iso is None:
        return "-"
    return {"month": iso[:7], "year": iso[:4]}.get(precision or "day", iso)


def _add_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="find place mentions and claim candidates in an article",
        description="Find place mentions (with character spans) in an article, resolve them "
        "with the gazetteer using the regions and places the article names, and propose claim "
        "candidates (claimant, figures, places, dates). Unresolved names are reported.",
    )
    p.add_argument("article", metavar="ARTICLE", help="UTF-8 text file of the article")
    p.add_argument(
        "--max-bytes",
        type=_positive_int,
        default=None,
        metavar="N",
        help="refuse a larger article (default: 1048576, 1 MiB, as `batch`)",
    )
    _gazetteer_option(p)
    p.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        help="publication date relative dates ('on Monday') refer to; for a republished "
        "report give the original date (default: the text's dateline, with a note)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=_run_extract)


def _iso_date(value: str) -> object:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {value!r}: use YYYY-MM-DD, e.g. 2024-12-17"
        ) from None


def _run_extract(args: argparse.Namespace) -> int:
    import json

    from geokursk.extract import extract_article, read_article
    from geokursk.extract.text import DEFAULT_MAX_BYTES
    from geokursk.geocode import Geocoder

    text = read_article(args.article, max_bytes=args.max_bytes or DEFAULT_MAX_BYTES)
    ex = extract_article(text, geocoder=Geocoder(args.gazetteer), published=args.published)
    if args.json:
        print(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"reference date: {ex.reference_date or '-'} ({ex.date_basis})")
    for note in ex.notes:
        print(f"note: {note}")
    print(f"\n{len(ex.places)} place mentions")
    for pm in ex.places:
        where = (
            f"{pm.result.place.name_latin} ({pm.result.place.admin_path()})"
            if pm.status == "resolved" and pm.result.place is not None
            else pm.result.reason
        )
        print(f"{pm.start:>6}-{pm.end:<6}{pm.mention}\t{pm.relation}\t{pm.status}\t{where}")
    print(f"\n{len(ex.claims)} claim candidates")
    for c in ex.claims:
        rec = c.to_record()
        figures = "; ".join(
            f"{f['qualifier']} {f['value'] if f['value'] is not None else '?'} {f['kind']}"
            for f in rec["figures"]
        )
        places = ", ".join(f"{p['relation']} {p['name']} ({p['status']})" for p in rec["places"])
        print(
            f"{rec['id']}\t{rec['claimant']} [{rec['side']}]\t{rec['claim_date'] or '-'}\t"
            f"{figures or '-'}\t{places or '-'}"
        )
    return 0


# --- map -------------------------------------------------------


_DEFAULT_MAP = Path("maps") / "kursk_claims.html"


def _add_map(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "map",
        help="write the interactive claims map as HTML",
        description="Draw a claims file (the embedded Kursk dataset by default), or the claims "
        "geokursk extracts from one article (--article). Extracted claims are marked "
        "unreviewed; save them with --save-claims, correct the file by hand (set "
        '"reviewed": true on the claims you checked) and draw it with --claims.',
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--claims",
        type=Path,
        default=None,
        metavar="PATH",
        help="claims file: a dataset, `claims --json` or `extract --json` output "
        "(default: the embedded Kursk dataset)",
    )
    src.add_argument(
        "--article",
        type=Path,
        default=None,
        metavar="FILE",
        help="UTF-8 text of one article: extract its claims and draw them",
    )
    p.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        help="with --article: publication date of the report (default: its dateline)",
    )
    p.add_argument(
        "--save-claims",
        type=_output_file,
        default=None,
        metavar="JSON",
        help="with --article: also write the extracted claims (the `extract --json` "
        "document) for review and correction",
    )
    _gazetteer_option(p)
    p.add_argument(
        "-o",
        "--output",
        type=_output_file,
        default=_DEFAULT_MAP,
        metavar="FILE",
        help=f"HTML file to write (default: {_DEFAULT_MAP})",
    )
    p.add_argument(
        "--self-contained",
        action="store_true",
        help="inline Leaflet and all other assets so the file works offline",
    )
    p.add_argument(
        "--title",
        default=None,
        metavar="TEXT",
        help="title shown on the map and in the page's <title> "
        "(default: 'Claims map' and the file's name)",
    )
    p.set_defaults(handler=_run_map)


def _run_map(args: argparse.Namespace) -> int:
    # Imported here so that `geokursk --help` stays fast.
    from geokursk.claims import claim_places_frame, claims_frame, load_claims
    from geokursk.mapexport import save_map
    from geokursk.maps import claims_map, map_provenance

    if args.article is None:
        if args.published is not None or args.save_claims is not None:
            raise UsageError("--published and --save-claims go with --article FILE")
        claims = load_claims(args.claims)
        geocoder = None
    else:
        claims, geocoder = _article_claims(args)
    source = args.article if args.article is not None else args.claims
    provenance = map_provenance(
        source,
        gazetteer=geocoder.gazetteer if geocoder is not None else None,
        dataset=f"claims extracted from {args.article.name}" if args.article else None,
    )
    m = claims_map(
        claims_frame(claims, geocoder=geocoder),
        claim_places_frame(claims, geocoder=geocoder),
        title=args.title or "Claims map",
        provenance=provenance,
    )
    out = save_map(m, args.output, self_contained=args.self_contained)
    unreviewed = sum(not c.reviewed for c in claims)
    note = f", {unreviewed} machine-extracted and unreviewed" if unreviewed else ""
    print(f"wrote {out} ({len(claims)} claims{note})")
    return 0


def _article_claims(args: argparse.Namespace) -> tuple[list[Any], Any]:
    """Extract an article's claims for ``map --article`` (and save them when asked)."""
    import json

    from geokursk.atomic import write_text_atomic
    from geokursk.claims import EXTRACTION_SCHEMA, parse_claims
    from geokursk.extract import extract_article, read_article
    from geokursk.geocode import Geocoder

    text = read_article(args.article)
    geocoder = Geocoder(args.gazetteer)
    ex = extract_article(text, geocoder=geocoder, published=args.published)
    if ex.reference_date is None and args.published is None:
        raise UsageError(
            f"{args.article}: the article has no dateline; give its publication date with "
            "--published YYYY-MM-DD"
        )
    doc = {"schema": EXTRACTION_SCHEMA, **ex.to_dict()}
    if args.save_claims is not None:
        write_text_atomic(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", args.save_claims)
        print(f"wrote {args.save_claims} ({len(ex.claims)} extracted claims to review)")
    if not ex.claims:
        raise UsageError(f"{args.article}: no claim was found in the article; nothing to draw")
    return parse_claims(doc, args.article), geocoder


# --- batch ------------------------------------------------------


def _add_batch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="extract places and claims from many articles (locally or on a Dask cluster)",
        description="Run `extract` over folders, globs or JSON Lines files of articles "
        "(objects with id, text, optional published and outlet) and write GeoParquet tables: "
        "OUT/places/part-*.parquet, OUT/claims/part-*.parquet, OUT/errors.parquet and "
        "OUT/summary.json. Runs on a local Dask cluster by default, or on an existing one "
        "with --scheduler. Articles that cannot be processed are listed in the errors table.",
    )
    p.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="folder, glob, text file or .jsonl file"
    )
    p.add_argument(
        "-o", "--output", required=True, type=_output_folder, metavar="OUT", help="output folder"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 ('sync': this process only; "
        "default: a local cluster)",
    )
    p.add_argument(
        "--workers",
        type=_non_negative_int,
        metavar="N",
        help="local worker processes (default: CPU count; 0: this process only); with "
        "--scheduler, wait for N workers",
    )
    _gazetteer_option(p)
    p.add_argument(
        "--partition-size",
        type=_positive_int,
        default=None,
        metavar="N",
        help="articles per task and per part file (default: 100); the output depends on it, "
        "never on the number of workers",
    )
    p.add_argument(
        "--max-bytes",
        type=_positive_int,
        default=None,
        metavar="N",
        help="larger articles go to the errors table (default: 1048576, 1 MiB)",
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(handler=_run_batch)


def _output_file(value: str) -> Path:
    """Check an output file argument: a non-empty path that is not a folder."""
    if not value.strip():
        raise argparse.ArgumentTypeError("expected a file path, got an empty string")
    path = Path(value)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} is a folder; give a file path inside it")
    return path


def _output_folder(value: str) -> Path:
    """Check an output folder argument: a non-empty path that is not a file."""
    if not value.strip():
        raise argparse.ArgumentTypeError("expected a folder path, got an empty string")
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} is a file; give a folder path")
    return path


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return n


def _non_negative_int(value: str) -> int:
    if value == "0":
        return 0
    return _positive_int(value)


def _run_batch(args: argparse.Namespace) -> int:
    from geokursk.batch import DEFAULT_MAX_BYTES, DEFAULT_PARTITION_SIZE, batch_extract

    summary = batch_extract(
        args.inputs,
        args.output,
        scheduler=args.scheduler,
        workers=args.workers,
        gazetteer=args.gazetteer,
        partition_size=args.partition_size or DEFAULT_PARTITION_SIZE,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
        progress=not args.no_progress,
    )
    print(summary)
    if summary.errors:
        print(
            f"{summary.errors} article(s) could not be processed: see "
            f"{Path(args.output) / 'errors.parquet'}",
            file=sys.stderr,
        )
        return 1
    return 0


# -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geokursk`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Process exit code: 0 on success; 1 when ``batch`` could not process
        every article (its output and errors table are written); 2 on bad
        input or a failure.
    """
    parser = _build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(raw):
        bad = _undecodable(arg)
        if bad is not None:
            parser.error(
                f"argument {i + 1} ({arg.encode('utf-8', 'replace').decode()!r}) is not valid "
                f"UTF-8 (byte 0x{bad:02x}); re-type it or convert it to UTF-8"
            )
    args = parser.parse_args(raw)
    handler: Handler = args.handler
    try:
        return handler(args)
    except BrokenPipeError:  # e.g. `geokursk claims --json | head`
        return 0
    except (GeokurskError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"geokursk: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # disk full, read-only file system, ...
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"geokursk: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2


def _undecodable(arg: str) -> int | None:
    """Return the first byte that was not UTF-8 in a command-line argument, if any.

    Python decodes arguments with ``surrogateescape``: a byte that is not UTF-8 becomes a
    lone surrogate U+DC80..U+DCFF, which would otherwise be dropped or written as invalid
    UTF-8 later.
    """
    for ch in arg:
        if "\udc80" <= ch <= "\udcff":
            return ord(ch) - 0xDC00
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
