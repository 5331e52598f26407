"""Reading keytrail's stored Details from Python, and the benchmarks' virtualenv.

A Detail is stored as TEXT, as a zstd frame compressed with one of the index's own dictionaries
(table `dictionaries`, the id in the frame's header), or, in indexes written before schema v3, as
its length (4 bytes, little endian) and raw DEFLATE. `Details(con).text(value)` returns the text
of any of them; zstd needs the `zstandard` module, which `ensure_venv` installs into
`.venv-bench` beside DuckDB.
"""
import os
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv-bench"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def in_bench_venv() -> bool:
    try:
        return Path(sys.prefix).resolve() == VENV.resolve()
    except OSError:
        return False


def ensure_venv(script: str, modules: dict[str, str]) -> None:
    """Re-executes `script` inside .venv-bench, creating it and pip-installing `modules`
    (import name -> PyPI name) that it lacks."""
    if in_bench_venv():
        return
    py = VENV / "bin" / "python"
    if not py.exists():
        print(f"{Path(script).name}: creating virtualenv {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    missing = [pkg for mod, pkg in modules.items()
               if subprocess.run([str(py), "-c", f"import {mod}"], capture_output=True).returncode != 0]
    if missing:
        print(f"{Path(script).name}: installing {', '.join(missing)} into the virtualenv", file=sys.stderr)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", *missing], check=True)
    os.execv(str(py), [str(py), str(Path(script).resolve()), *sys.argv[1:]])


class Details:
    """Decodes the stored Details of one index (its dictionaries loaded once each)."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.decompressors = {}

    def text(self, value) -> bytes:
        if value is None:
            return b""
        if isinstance(value, str):
            return value.encode()
        if value[:4] == ZSTD_MAGIC:
            import zstandard
            dict_id = zstandard.get_frame_parameters(value).dict_id
            d = self.decompressors.get(dict_id)
            if d is None:
                if dict_id:
                    (raw,) = self.con.execute("SELECT dict FROM dictionaries WHERE id = ?", (dict_id,)).fetchone()
                    d = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(raw))
                else:
                    d = zstandard.ZstdDecompressor()
                self.decompressors[dict_id] = d
            return d.decompress(value)
        return zlib.decompress(value[4:], -15)
