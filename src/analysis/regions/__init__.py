"""The region hierarchy and the attribution of counts to regions.

Public interface (used by processing, the indicator engine, geometry and reports):
``load_config``, ``build_reference``, ``attribute``, ``region_table``, ``region_rows``,
``region_groups`` and the canonical ``PROVINCES`` / ``COROPS`` with the ``province_code``
normaliser.
"""

from analysis.regions.attribution import attribute
from analysis.regions.config import RegionConfig, load_config
from analysis.regions.names import COROPS, PROVINCES, name_key, province_code, province_codes
from analysis.regions.reference import Reference, build_reference
from analysis.regions.table import region_groups, region_rows, region_table

__all__ = [
    "COROPS",
    "PROVINCES",
    "Reference",
    "RegionConfig",
    "attribute",
    "build_reference",
    "load_config",
    "name_key",
    "province_code",
    "province_codes",
    "region_groups",
    "region_rows",
    "region_table",
]
