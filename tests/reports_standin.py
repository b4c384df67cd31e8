"""A stand-in report notebook and a tiny processed folder for the batch and render tests.

The real notebook (notebooks/region_report.ipynb) is F1's; this one has the same
parameters cell and follows the same output contract (text/html and text/markdown only,
a cover section, ## headings), so the batch can be tested on its own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pandas as pd

from analysis.indicators.derived import DERIVED_COLUMNS
from analysis.store import schema

PARAMETERS = """\
region_level = "provincie"
region = "Utrecht"
processed_dir = "../data/processed"
generated_on = ""
# The batch's issue-13 parameters, declared as the real notebook declares them.
regional_text = ""
texts_dir = ""
download_stem = ""
edition_dir = ""
"""

BODY = """\
import html, json, os
from pathlib import Path
import pandas as pd
from IPython.display import HTML, Markdown, display

assert "_tp_leak" not in globals(), "state of a previous report leaked into this one"
_tp_leak = region
table = pd.read_parquet(Path(processed_dir) / "regions.parquet")
match = table[(table["region_level"] == region_level) & (table["region"] == region)]
if match.empty:
    raise ValueError(f"unknown region {region!r}")
FAIL_FOR = __FAIL_FOR__
if region in FAIL_FOR:
    raise ValueError(f"stand-in failure for {region}")
if region in __STDERR_FOR__:
    import sys
    print("a warning the notebook should not print", file=sys.stderr)
demo = json.loads((Path(processed_dir) / "manifest.json").read_text())["demo"]
banner = '<div class="demo-banner">DEMO</div>' if demo else ""
launched = b"ipykernel_launcher" in Path("/proc/self/cmdline").read_bytes()
launch = "launcher" if launched else "in-process"  # a kernel, or the worker itself
display(HTML(
    f'<section class="cover"><h1>Techniekpact-monitor</h1>'
    f'<p class="region">{html.escape(region)}</p><p>{html.escape(region_level)}</p>'
    f'<p class="generated">{generated_on}</p>'
    f'<p class="kernel-pid">kernel-{os.getpid()}</p>'
    f'<p class="kernel-launch">kernel-launch-{launch}</p>'
    f'{banner}</section>'
))
"""

CHART = """\
import base64, io
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot([2019, 2020, 2021], [0.31, 0.33, 0.36])
buffer = io.BytesIO()
fig.savefig(buffer, format="png", dpi=200)
plt.close(fig)
data = base64.b64encode(buffer.getvalue()).decode()
display(HTML(
    f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="Trend" width="600">'
    f'<figcaption>Trend. Bron: DUO</figcaption></figure>'
    '<table class="tp-table"><tr><th>Jaar</th><th>Aandeel</th></tr>'
    '<tr><td>2021</td><td class="num">36,0%</td></tr></table>'
))
"""


def make_notebook(
    path: Path, *, fail_for: tuple[str, ...] = (), stderr_for: tuple[str, ...] = ()
) -> Path:
    """Write the stand-in notebook; it raises for regions in ``fail_for``."""
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            BODY.replace("__FAIL_FOR__", repr(fail_for)).replace("__STDERR_FOR__", repr(stderr_for))
        ),
        nbformat.v4.new_markdown_cell("## Kiezen voor techniek\n\nTekst over de keuze."),
        nbformat.v4.new_markdown_cell("### Hoger onderwijs\n\nMeer tekst."),
        nbformat.v4.new_code_cell(CHART),
        nbformat.v4.new_markdown_cell("## Datakwaliteit\n\nTelregels."),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


REGIONS = [
    ("nederland", "Nederland", "NL01", None),
    ("provincie", "Utrecht", "PV26", "Noordvleugel"),
    ("provincie", "Fryslân", "PV21", "Noord"),
    ("provincie", "Zeeland", "PV29", "Zuidwest"),
    ("regiopact", "\"); import os; os.system('touch pwned')#", "RP01", None),
    ("regiopact", "../../etc/passwd", "RP02", None),
]


def make_processed(folder: Path, *, demo: bool = True) -> Path:
    """A processed folder with regions, indicators and a manifest listing their checksums."""
    folder.mkdir(parents=True, exist_ok=True)
    regions = pd.DataFrame(
        REGIONS, columns=["region_level", "region", "region_code", "landsdeel"]
    ).astype("string")
    regions.to_parquet(folder / "regions.parquet", index=False)
    rows = []
    for level, name, code, _ in REGIONS:
        for indicator, base in (("hbo_techniek_instroom", 20.0), ("mbo_techniek", 30.0)):
            for year in (2021, 2022):
                numerator = base + (year - 2021) * 10
                rows.append(
                    {
                        "indicator": indicator,
                        "region_level": level,
                        "region": name,
                        "region_code": code,
                        "year": year,
                        "schooljaar": f"{year}/{(year + 1) % 100:02d}",
                        "gender": "totaal",
                        "numerator": numerator,
                        "denominator": 100.0,
                        "share": numerator / 100,
                        "share_low": numerator / 100,
                        "share_high": numerator / 100,
                        "suppressed_cells": 0,
                    }
                )
    indicators = schema.conform(pd.DataFrame(rows), schema.INDICATOR_COLUMNS)
    indicators.to_parquet(folder / "indicators.parquet", index=False)
    # The batch's downloads and index read the folder as a report does (derived: empty).
    schema.empty_frame(DERIVED_COLUMNS).to_parquet(folder / "derived.parquet", index=False)
    write_manifest(folder, demo=demo)
    return folder


def write_manifest(folder: Path, *, demo: bool, extra: str = "") -> None:
    """The manifest with each output's sha256, as `techniekpact process` writes it."""
    outputs = {}
    for name in ("regions", "indicators"):
        data = (folder / f"{name}.parquet").read_bytes()
        outputs[name] = {
            "path": f"{name}.parquet",
            "sha256": hashlib.sha256(data + extra.encode()).hexdigest(),
            "bytes": len(data),
        }
    manifest = {
        "created": "2025-01-01T00:00:00+00:00",
        "demo": demo,
        "code_version": "test",
        "inputs": [],
        "warnings": [],
        "outputs": outputs,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
