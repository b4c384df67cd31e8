"""The PDF printer without Chromium says what to install."""

from __future__ import annotations

import pytest

from analysis.publish import pdf


def test_pdf_printer_without_chromium_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    with pytest.raises(pdf.PdfError, match=r"Chromium not found.*make system-deps"):
        pdf.PdfPrinter().__enter__()
