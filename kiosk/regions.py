"""The Kemendagri region table bundled in ``resources/data/wilayah.csv``: names by code.

NIK prefixes use these codes without dots (``137111`` = Sumatera Barat / Kota Padang / Koto
Tangah). More kecamatan or cities are added by extending the CSV, not the code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from kiosk.paths import resources_dir


@dataclass(frozen=True)
class Region:
    code: str  # dotted Kemendagri code, e.g. "13.71.11.1009"
    level: str  # provinsi | kota | kabupaten | kecamatan | kelurahan | desa
    name: str
    parent: str
    postal_code: str

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")


@dataclass(frozen=True)
class PrefixRegions:
    """What a NIK's six-digit prefix says: province, city/regency and kecamatan names."""

    province: str | None
    city: str | None
    kecamatan: str | None


class RegionTable:
    def __init__(self, regions: list[Region]) -> None:
        self._by_code = {r.code: r for r in regions}

    @classmethod
    def load(cls, path: Path | None = None) -> RegionTable:
        path = path or resources_dir() / "data" / "wilayah.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [
                Region(
                    code=row["code"],
                    level=row["level"],
                    name=row["name"],
                    parent=row["parent"],
                    postal_code=row.get("postal_code") or "",
                )
                for row in csv.DictReader(handle)
            ]
        return cls(rows)

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code)

    def name_of(self, code: str) -> str | None:
        region = self._by_code.get(code)
        return region.name if region else None

    def by_nik_prefix(self, prefix6: str) -> PrefixRegions:
        """Names for the ``PP KK CC`` part of a NIK; unknown parts are None."""
        pp, kk, cc = prefix6[0:2], prefix6[2:4], prefix6[4:6]
        return PrefixRegions(
            province=self.name_of(pp),
            city=self.name_of(f"{pp}.{kk}"),
            kecamatan=self.name_of(f"{pp}.{kk}.{cc}"),
        )

    def kelurahan_of(self, kecamatan_code: str) -> list[Region]:
        """The kelurahan/desa of one kecamatan, in code order."""
        return sorted(
            (r for r in self._by_code.values()
             if r.parent == kecamatan_code and r.level in ("kelurahan", "desa")),
            key=lambda r: r.code,
        )

    def kecamatan_with_kelurahan(self) -> list[Region]:
        """Every kecamatan for which the table lists kelurahan (where a stand can be set up)."""
        parents = {r.parent for r in self._by_code.values() if r.level in ("kelurahan", "desa")}
        return sorted((self._by_code[c] for c in parents if c in self._by_code), key=lambda r: r.code)
