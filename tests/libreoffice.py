"""LibreOffice headless as an independent spreadsheet application for tests.

``recalculated_sheets`` opens a workbook in a throwaway LibreOffice profile that is
set to recalculate every formula on load (``OOXMLRecalcMode`` = 0, "always"), and
returns each sheet's values as LibreOffice computed them, via CSV. Tests use it to
check that formulas depending on cells we wrote see the new values.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# Field separator ",", quote '"', UTF-8, from line 1, default cell format, no
# language, unquoted numbers, detect special numbers, raw values (not as shown), no
# formulas, keep spaces, and -1: every sheet to its own file "<name>-<Sheet>.csv".
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculated_sheets(path: Path, timeout: float = 180) -> dict[str, list[list[str]]]:
    """Every sheet of ``path`` as LibreOffice computes it: {sheet name: rows of strings}."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="lo-") as folder:
        work = Path(folder)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
        source = work / "in" / path.name
        source.parent.mkdir()
        shutil.copyfile(path, source)
        out = work / "out"
        env = dict(os.environ, HOME=str(work))
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                CSV_FILTER,
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env=env,
        )
        sheets: dict[str, list[list[str]]] = {}
        stem = source.stem + "-"
        for file in sorted(out.glob("*.csv")):
            name = file.stem[len(stem) :] if file.stem.startswith(stem) else file.stem
            with open(file, newline="", encoding="utf-8") as fh:
                sheets[name] = list(csv.reader(fh))
        if not sheets:
            raise RuntimeError(f"LibreOffice wrote no CSV for {path}")
        return sheets


def pdf_pages(path: Path, timeout: float = 180) -> list[str]:
    """``path`` printed to PDF by LibreOffice, each page's text as ``pdftotext -layout`` reads it.

    Text that a cell clips is not in the PDF, so a label cut short reads cut short here.
    """
    binary, reader = soffice(), shutil.which("pdftotext")
    if binary is None or reader is None:
        raise RuntimeError("LibreOffice (soffice) and pdftotext (poppler-utils) are needed")
    with tempfile.TemporaryDirectory(prefix="lo-") as folder:
        work = Path(folder)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        command = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        command += ["--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(work)]
        subprocess.run(
            [*command, str(path)],
            check=True,
            capture_output=True,
            timeout=timeout,
            env=dict(os.environ, HOME=str(work)),
        )
        pdf = work / (path.stem + ".pdf")
        text = subprocess.run(
            [reader, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=timeout
        ).stdout.decode("utf-8")
    return text.split("\f")[: text.count("\f")]
