"""Resolver settings. Every number here is a default chosen for generality, not fitted to one data set."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResolverConfig:
    """Settings of :func:`ml.identity.resolve.resolve`.

    Linking
        threshold (0.8): minimum Fellegi-Sunter match probability for a pair to become a cluster edge. The
            probability uses the *global* prior (chance that two random records match), so it means the same
            on data sets of any size; on held-out synthetic data pairs scored 0.8-0.9 were ~90% true matches.
            Raise it for precision (fewer wrong merges), lower it for recall.
        strong_id_conflict ("auto"): when two records whose strong ids (``national_id``) disagree must never
            end in one cluster. Hashed ids (hex digests, e.g. the warehouse's HMAC of the PRC id) conflict
            whenever they differ. Plain ids conflict when they differ by more than ``id_typo_edits`` edits,
            and only if the field is reliable in *this* data: "auto" enforces them when the fitted model says
            records of one person disagree on the id less than ``id_conflict_max_m`` of the time (a keyed-in
            SSN that is often wrong stays ordinary evidence); "always" enforces plain ids regardless;
            "hashed" only digests; "off" never.
        id_typo_edits (2): see above; also the edit distance of the "similar" id comparison level.
        id_conflict_max_m (0.02): see "auto" above.

    Normalisation
        country_code ("86"): calling code added to national phone numbers (no ``+``/``00`` prefix).
        phone_match_digits (10): phones are compared on their last N digits, so +86 138…, 0086 138… and
            138… agree whatever prefix the source kept.
        dayfirst (True): how to read ambiguous ``01/02/1990`` dates (day first, as outside the US).

    Blocking
        max_block_size (60): blocks larger than this are not expanded to all pairs; a sorted-neighbourhood
            window of ``window`` records inside the block is used instead (logged).
        window (6): see above.
        weak_block_size (20): the cap for keys weak on their own (a name alone or with a city, an e-mail user
            name, a phonetic skeleton); their bigger blocks are skipped, not windowed.

    Model (unsupervised, Splink-style)
        u_sample_pairs (400_000): random record pairs used to estimate the u probabilities (plus a quarter as
            many among the records holding each sparse field, e.g. a national id only HRIS rows carry).
        em_session_pairs (200_000): pairs sampled per EM session (pairs sharing one field's value).
        em_max_iter (60), em_tol (1e-5): EM stopping rule for the m probabilities.
        prior_strength (20.0): pseudo-count of the Dirichlet prior on m (keeps small inputs sane).
        tf_adjust (names, city, postcode): fields whose exact matches are weighted by how rare the value is.
        tf_max_adjust (3.0): bound, in natural-log units, on that term-frequency adjustment.
        seed (0): seeds every random choice, so the same input gives the same output.

    Runtime
        workers (-1): threads for rapidfuzz (-1 = all cores).
        progress (False): tqdm bars on stderr for the long phases.
    """

    threshold: float = 0.8
    strong_id_conflict: str = "auto"
    id_typo_edits: int = 2
    id_conflict_max_m: float = 0.02
    country_code: str = "86"
    phone_match_digits: int = 10
    dayfirst: bool = True
    max_block_size: int = 60
    window: int = 6
    weak_block_size: int = 20
    u_sample_pairs: int = 400_000
    em_session_pairs: int = 200_000
    em_max_iter: int = 60
    em_tol: float = 1e-5
    prior_strength: float = 20.0
    tf_adjust: tuple[str, ...] = ("family_name", "given_name", "city", "postcode")
    tf_max_adjust: float = 3.0
    seed: int = 0
    workers: int = -1
    progress: bool = False

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be a probability strictly between 0 and 1, got {self.threshold}")
        if not self.country_code.isdigit():
            raise ValueError(f"country_code must be digits like '86', got {self.country_code!r}")
        if self.strong_id_conflict not in ("auto", "always", "hashed", "off"):
            raise ValueError(f"strong_id_conflict must be auto, always, hashed or off, got {self.strong_id_conflict!r}")
        if self.max_block_size < 2 or self.window < 1:
            raise ValueError("max_block_size must be >= 2 and window >= 1")
