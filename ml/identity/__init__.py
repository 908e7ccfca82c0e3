"""Identity resolution: one stable, non-reversible ``person_key`` per real person across ATS, HRIS, events and
IM accounts (and any other person table: FEBRL / voter-file style layouts work through column aliases).

Public API::

    from ml.identity import ResolverConfig, resolve, evaluate, load_overrides
    result = resolve(records, ResolverConfig(threshold=0.9), previous=old_crosswalk, overrides=steward)
    result.crosswalk   # record_id, person_key, rule, score, cluster_size

Pipeline: normalize -> blocking -> comparisons -> unsupervised Fellegi-Sunter (training, scoring) -> cluster
(with must/cannot-links) -> keys. See ``README.md`` in this folder for the design and its trade-offs.
"""

from .config import ResolverConfig
from .evaluate import evaluate
from .overrides import load_overrides
from .resolve import ResolutionResult, resolve

__all__ = ["ResolutionResult", "ResolverConfig", "evaluate", "load_overrides", "resolve"]
