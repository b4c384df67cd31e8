""" "Regionale aanpak": an analyst's Markdown, made safe, with its bad inputs."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from analysis.content import regional_text as rt

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _write(root: Path, text: str | bytes, name: str = "regiopact/twente.md") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def _section(path: Path, root: Path) -> str:
    (block,) = rt.regional_section(path, root)
    return block.html


def test_markdown_becomes_a_section_with_the_note(tmp_path: Path) -> None:
    path = _write(tmp_path, "# Actiepunten\n\n1. Meer **stages**\n2. [Site](https://x.nl)\n")
    page = _section(path, tmp_path)
    assert '<h2 id="regionale-aanpak">Regionale aanpak</h2>' in page
    assert rt.NOTE in page
    assert "<h3>Actiepunten</h3>" in page  # '#' is a sub-heading of the section
    assert "<strong>stages</strong>" in page and '<a href="https://x.nl">Site</a>' in page


def test_raw_html_scripts_events_and_javascript_links_never_run(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
        "[klik](javascript:alert(3)) [data](data:text/html,hi)\n",
    )
    page = _section(path, tmp_path)
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "javascript:" not in page and "data:text/html" not in page
    assert "klik" in page and "data" in page  # the words stay


def test_an_image_in_the_folder_is_embedded(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "kaart.png").write_bytes(PNG)
    path = _write(tmp_path, "![Kaart van Twente](../img/kaart.png)\n")
    page = _section(path, tmp_path)
    expected = base64.b64encode(PNG).decode()
    assert f'<img src="data:image/png;base64,{expected}" alt="Kaart van Twente">' in page


@pytest.mark.parametrize(
    "src", ["../../outside.png", "/etc/passwd.png", "https://example.org/a.png"]
)
def test_an_image_outside_the_texts_folder_is_an_error(tmp_path: Path, src: str) -> None:
    root = tmp_path / "teksten"
    (tmp_path / "outside.png").write_bytes(PNG)
    path = _write(root, f"![x]({src})\n")
    with pytest.raises(rt.RegionalTextError, match="outside the texts folder") as info:
        rt.regional_section(path, root)
    assert str(path) in str(info.value)


def test_invalid_utf8_names_file_line_and_byte(tmp_path: Path) -> None:
    path = _write(tmp_path, "Eerste regel\nTw\xe9ede".encode("latin-1"))
    with pytest.raises(rt.RegionalTextError, match=r"line 2, byte 15: not valid UTF-8") as info:
        rt.regional_section(path, tmp_path)
    assert str(path) in str(info.value)


def test_a_file_over_the_configured_limit_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / rt.SETTINGS_FILE).write_text("teksten:\n  max_text_bytes: 10\n", encoding="utf-8")
    limits = rt.load_limits(config)
    assert limits.max_text_bytes == 10
    path = _write(tmp_path, "x" * 11)
    with pytest.raises(rt.RegionalTextError, match="11 bytes, more than the limit of 10"):
        rt.read_text(path, limits)
    assert rt.read_text(_write(tmp_path, "x" * 10), limits) == "x" * 10


def test_a_bad_limit_in_config_is_an_error(tmp_path: Path) -> None:
    (tmp_path / rt.SETTINGS_FILE).write_text("teksten:\n  max_text_bytes: -1\n", encoding="utf-8")
    with pytest.raises(rt.RegionalTextError, match="max_text_bytes must be a positive"):
        rt.load_limits(tmp_path)


def test_unknown_region_slugs_are_named_with_close_matches(tmp_path: Path) -> None:
    _write(tmp_path, "a", "regiopact/twentee.md")
    _write(tmp_path, "b", "regiopact/twente.md")
    _write(tmp_path, "c", "provincy/utrecht.md")
    problems = rt.unknown_texts(
        tmp_path, {"regiopact": {"twente", "achterhoek"}, "provincie": {"utrecht"}}
    )
    assert len(problems) == 2
    assert "provincy" in problems[0] and "'provincie'" in problems[0]
    assert "twentee.md" in problems[1] and "'twente'" in problems[1]


def test_no_file_no_section(tmp_path: Path) -> None:
    assert rt.regional_section("", tmp_path) == []
    assert rt.regional_section(tmp_path / "nope.md", tmp_path) == []
