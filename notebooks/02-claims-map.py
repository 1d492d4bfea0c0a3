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
# # 02 · Who claimed what, when, where — on a map
#
# A report is not one fact but several *claims*: Ukraine's military
# intelligence (GUR) gave figures and villages, the Pentagon backed them, the
# Kremlin referred questions to the Ministry of Defence, which did not reply.
# `geokursk.claims` keeps each claim attributable (claimant, side, outlet,
# dates), keeps the places as the text words them ("near", "in the area of"),
# and links claims that corroborate, dispute or respond to each other.
#
# This notebook shows the claims dataset shipped with the package as tables,
# draws it as an interactive map, and exports the map as one HTML file.

# %%
import html
from pathlib import Path

import pandas as pd
from IPython.display import HTML

import geokursk
from geokursk.claims import claim_places_frame, claims_frame, load_claims

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.max_columns", 40)

# %% [markdown]
# ## The claims
#
# `load_claims()` with no path loads the embedded dataset (validated on load:
# unknown keys, dangling links or impossible dates are errors that name the
# claim and the field). `claims_frame` gives one row per claim; its geometry
# is where the claim is about: a point, a buffer around several villages, a
# region or a country polygon, or nothing.

# %%
claims = load_claims()
claims_gdf = claims_frame(claims)
print(f"{len(claims)} claims, {claims_gdf.crs}")
claims_gdf[
    [
        "claim_id",
        "claimant",
        "side",
        "claim_date",
        "claim_date_precision",
        "claim_status",
        "figures_text",
        "extent",
        "n_places",
        "n_unresolved",
    ]
]

# %% [markdown]
# The status of each claim comes from the links between claims: a claim that
# another claim backs is `corroborated`, one that another disputes is
# `disputed` (disputed wins), and a non-answer (no comment, a referral, no
# reply) is `no_comment`.

# %%
claims_gdf.value_counts(["side", "claim_status"]).rename("claims").to_frame()

# %%
claims_gdf[["claim_id", "paraphrase", "corroborated_by", "disputed_by", "responses"]]

# %% [markdown]
# ## The places of the claims
#
# One row per claim–place link, geocoded with the claim's context. The
# uncertainty radius follows the precision the text allows: "near a village"
# is drawn as an area of several km, not as a pin on the village. The village
# the gazetteer does not know stays in the table, `unresolved`, without
# coordinates.

# %%
places_gdf = claim_places_frame(claims)
places_gdf[
    [
        "claim_id",
        "place",
        "relation",
        "precision",
        "uncertainty_m",
        "geocode_status",
        "name",
        "name_latin",
        "admin1",
        "score",
    ]
]

# %% [markdown]
# ## The interactive map, in one HTML file
#
# Claims are grouped in layers by side and claimant, coloured by status, and
# filterable by date; the Kursk and Sumy oblasts and the Russia–Ukraine border
# are drawn for reference; a place that could not be located is a "?" badge
# at its claim's area, and a claim without any location is listed in a panel.
# Click a marker for the claim, its figures and how the place was geocoded.
#
# `save_map(..., self_contained=True)` writes the map as one HTML file with
# every script and stylesheet inlined from installed packages, and gives
# identical bytes for identical input. The file goes to `maps/` at the
# repository root, which git ignores; from the command line:
# `geokursk map --self-contained -o maps/kursk_claims.html` (or `make map`).
#
# The map below *is* that file, shown in a frame: nothing is fetched, so it
# draws offline, here and in a browser. Its background (towns, oblasts,
# raions, rivers, the border) is vector data in the file; the tile layers of
# the layer switcher are the only part that needs a network.

# %%
kursk_map = geokursk.claims_map(
    claims_gdf,
    places_gdf,
    title="North Korean troops in Kursk: who claimed what",
    provenance=geokursk.map_provenance(None),  # the embedded dataset, its SHA-256, the layers
)
output = geokursk.save_map(
    kursk_map, Path("../maps/kursk_claims_notebook.html"), self_contained=True
)
page = output.read_text(encoding="utf-8")
print(f"wrote {output.resolve()} ({len(page) / 1e6:.1f} MB)")
HTML(
    f'<iframe srcdoc="{html.escape(page)}" title="{output.name}" allowfullscreen'
    ' style="width: 100%; height: 620px; border: 1px solid #ddd"></iframe>'
)
