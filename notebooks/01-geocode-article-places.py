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
# # 01 · From a news article to a GeoDataFrame of its places
#
# A report of 17 December 2024 says Ukraine's military intelligence (GUR)
# counted North Korean soldiers killed and wounded "near the villages of ..."
# in Russia's Kursk region, and some missing "in the area of" another village.
# Before anything is drawn on a map, four questions need honest answers:
#
# 1. Which words of the text are places?
# 2. Which real place does each name mean, and how sure are we?
# 3. Which names could **not** be placed, and why?
# 4. How far apart are the villages, and how far from the Russia–Ukraine border?
#
# Everything below runs offline: the gazetteer layers and the boundaries ship
# with `geokursk` (the first use stacks the layers into a local cache, about a
# minute). The notebook only calls the package; nothing is hard-coded about
# particular places.

# %%
import datetime as dt
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import geokursk
from geokursk import analysis
from geokursk.boundaries import admin1_frame, border_lines_frame, countries_frame
from geokursk.extract import extract_article, read_article

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.max_rows", 60)
print("geokursk", geokursk.__version__)

# %% [markdown]
# ## The article
#
# The copy we work from is a republication (17 January 2025) of an Al Jazeera
# report of 17 December 2024. It is kept outside the repository, next to it in
# `../shared/seed/`. A fresh clone without that folder uses our own re-telling,
# `data/article_retelling.txt`, which keeps the same facts and place names.

# %%
SOURCE_ARTICLE = Path("../../shared/seed/article.txt")  # the republished report
RETELLING = Path("../data/article_retelling.txt")  # our re-telling, shipped with the repo

article_path = SOURCE_ARTICLE if SOURCE_ARTICLE.exists() else RETELLING
used = "the source article" if article_path == SOURCE_ARTICLE else "our re-telling"
text = read_article(article_path)
print(f"Using {used}: {article_path} ({len(text):,} characters)")
print(text[:700], "...")

# %% [markdown]
# ## 1. Place mentions
#
# `extract_article` finds the place names in the text and geocodes each one
# with the areas the article names as context ("Kursk region", "Russia"...).
# "On Monday" in a republished text must be read against the *original*
# publication date, so we pass it; the extraction notes say what it did.

# %%
extraction = extract_article(text, published=dt.date(2024, 12, 17), outlet="Al Jazeera")
print("relative dates resolved against:", extraction.reference_date, f"({extraction.date_basis})")
for note in extraction.notes:
    print("note:", note)

# %% [markdown]
# One row per mention, in text order. Countries and regions are mentions too
# (`is_area`); `relation` is the word the text uses ("near", "in the area of")
# and `precision` follows ACLED/UCDP: a place "near" a village is
# `near_settlement`, not the village itself.

# %%
places = analysis.mentions_frame(extraction.places)
places[["mention", "relation", "precision", "is_area", "status", "name_latin", "admin1", "score"]]

# %% [markdown]
# Each distinct place, once:

# %%
places.drop_duplicates("mention")[
    ["mention", "precision", "status", "name", "name_latin", "country_code", "admin1", "admin2"]
]

# %% [markdown]
# ## 2. How the villages were resolved
#
# The places where the fighting is located are the ones the text puts
# *near* or *in the area of* something: the `near_settlement` mentions.
# `evidence` says why the words were taken as a place name; `context` is what
# the geocoder was told; `reason` is why the answer won.

# %%
villages = places[places["precision"] == "near_settlement"]
villages[["mention", "relation", "status", "name", "admin2", "score", "reason", "evidence"]]

# %% [markdown]
# ### Where each point comes from, and which sources agree
#
# The gazetteer is a stack of layers, each from sources of one licence: the
# Russian settlement register (Rosstat points), Ukrainian localities (Who's On
# First / GeoNames with the official KATOTTG names), GeoNames postal codes and
# cities, and a few points copied from Wikipedia infoboxes. Rows of different
# layers that are the same village are merged into one place; the point comes
# from the most trusted source (Wikipedia, then a register point confirmed by
# a second source, then a single register point, then postal codes), and every
# other source's point stays listed with its distance. `chosen` marks the
# point used; `km` is how far each source is from it.

# %%
sources = analysis.sources_frame(p.result for p in extraction.places)
sources[sources["query"].isin(villages["query"])][
    ["query", "layer", "source", "id", "quality", "chosen", "km"]
].round(2)

# %% [markdown]
# A village that only one source knows has a single row: its point is that
# source's, unconfirmed. How many sources back each village:

# %%
backing = sources[sources["query"].isin(villages["query"])].groupby("query")
backing.agg(sources=("layer", "nunique"), farthest_km=("km", "max")).round(2)

# %% [markdown]
# ### The homonyms that lost
#
# Village names repeat across Russia and Ukraine. For every village mention,
# the candidates the geocoder rejected, best first, with the reason each lost
# and its distance from the chosen place: namesakes and near-spellings
# elsewhere in Russia and Ukraine, outside the context region
# (`km_from_answer` shows how far off a wrong pick would be), and rows whose
# own point is flagged by the build (a postal point outside its region, a
# point shared by several villages), which are never returned as answers.

# %%
alternatives = analysis.alternatives_frame(p.result for p in extraction.places)
village_alternatives = alternatives[alternatives["query"].isin(villages["query"])]
shown = ["query", "rank", "name_latin", "admin1", "admin2", "quality", "score", "reason"]
village_alternatives[[*shown, "km_from_answer"]].round(1)

# %% [markdown]
# Why context matters: the same names geocoded one by one **without** the
# article's context. Several become `ambiguous` (equally good namesakes far
# apart) — the geocoder refuses to guess rather than pick one at random.

# %%
geokursk.geocode_frame(villages["mention"])[["query", "status", "reason"]]

# %% [markdown]
# Where those namesakes are: the chosen villages (red) and every rejected
# candidate (grey) more than 5 km from the answer.

# %%
countries = countries_frame()
far_namesakes = village_alternatives[~(village_alternatives["km_from_answer"] < 5)]
ax = countries.plot(color="#eeeeee", edgecolor="#bbbbbb", linewidth=0.5, figsize=(9, 5))
far_namesakes.plot(ax=ax, color="grey", markersize=12, label="rejected candidates")
villages.dropna(subset=["lat"]).plot(ax=ax, color="red", markersize=25, label="chosen")
ax.set(xlim=(20, 85), ylim=(42, 60), title="Village names and their namesakes")
ax.legend(loc="lower right")
ax.set_axis_off()

# %% [markdown]
# ## 3. What could not be placed
#
# Not found is a result, not an error: a mention that cannot be placed stays
# in the frame, without coordinates, with the reason (for instance: every
# place of that name lies outside the region the article names). Before the
# settlement registers were stacked in, Kurilovka was such a row: postal
# codes list only villages with a post office. An empty table means every
# mention of this article was placed.

# %%
places[places["status"] != "resolved"][["mention", "relation", "status", "context", "reason"]]

# %% [markdown]
# ## 4. Distances
#
# Distances are measured in a metric CRS: an azimuthal equidistant projection
# centred on the villages (exact from its centre, well under 0.1 % off
# anywhere near it), not in degrees.

# %%
located = villages[villages["status"] == "resolved"]
metric_crs = analysis.local_metric_crs(located)
print(metric_crs.srs)
analysis.distance_matrix_km(located, label="mention").round(1)

# %% [markdown]
# Distance to the Russia–Ukraine state border (land border from Natural Earth
# 1:10m, so read these to about ±3 km), and the oblast polygon each village
# falls in, checked against the gazetteer's own `admin1`:

# %%
analysis.join_admin1(located).assign(
    border_km=analysis.distance_to_border_km(located, pair="RU-UA").round(1)
)[["mention", "name", "admin1", "in_admin1", "admin2", "border_km"]]

# %% [markdown]
# The theatre: the Russian Kursk and Belgorod oblasts, Ukraine's Sumy oblast,
# the state border (black) and the villages, on the whole front (left) and
# close up (right).

# %%
oblasts = admin1_frame()
border = border_lines_frame()
ru_ua_border = border[border["pair"] == "Russia-Ukraine"]
theatre = oblasts[oblasts["iso_3166_2"].isin(["RU-KRS", "RU-BEL", "UA-59"])]
minx, miny, maxx, maxy = located.total_bounds

fig, (overview, closeup) = plt.subplots(1, 2, figsize=(13, 6))
for ax in (overview, closeup):
    theatre.plot(ax=ax, column="display", cmap="Pastel2", edgecolor="#999999", alpha=0.8)
    ru_ua_border.plot(ax=ax, color="black", linewidth=1.5)
    located.plot(ax=ax, color="red", markersize=30, zorder=3)
    ax.set_axis_off()
for name, point in zip(theatre["display"], theatre.representative_point(), strict=True):
    overview.annotate(name, (point.x, point.y), color="#777777", ha="center")
for row in located.itertuples():
    closeup.annotate(row.mention, (row.lon, row.lat), xytext=(5, 4), textcoords="offset points")
overview.set(xlim=(33.0, 38.6), ylim=(49.9, 52.5), title="Kursk, Belgorod and Sumy oblasts")
closeup.set(
    xlim=(minx - 0.4, maxx + 0.4),
    ylim=(miny - 0.25, maxy + 0.25),
    title="Villages named in the GUR claim",
)
plt.show()

# %% [markdown]
# ## Result
#
# `places` is an ordinary GeoDataFrame (EPSG:4326, one row per mention,
# unresolved rows kept with an empty geometry), ready to be exported with
# `geokursk.export` or mapped. Notebook 02 maps the claims this article
# reports (a curated dataset shipped with the package).

# %%
n_resolved = places["status"].eq("resolved").sum()
print(f"{type(places).__name__} in {places.crs}: {len(places)} mentions, {n_resolved} resolved")
places.head(3)
