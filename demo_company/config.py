"""Parameters of the demo company. Every rate the generator uses lives here so a scenario can be tuned
without touching the simulation code. Defaults follow /shared/realism.md (51job turnover 14.8-16.6 %,
Jobvite ~52-59 applications per requisition, time to hire ~40-55 days, offer acceptance 80-90 %)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np

GENERATOR_VERSION = "1.0.0"


@dataclass(frozen=True)
class Location:
    city: str
    code: str
    timezone: str
    country: str
    currency: str
    pay_factor: float  # band multiplier vs Shenzhen, in local currency
    platform: str  # IM platform used at this site
    chinese_share: float  # share of staff with Chinese names
    phone_cc: str


LOCATIONS: tuple[Location, ...] = (
    Location("Shenzhen", "SZ", "Asia/Shanghai", "CN", "CNY", 1.00, "wecom", 0.995, "86"),
    Location("Shanghai", "SH", "Asia/Shanghai", "CN", "CNY", 1.06, "wecom", 0.99, "86"),
    Location("Beijing", "BJ", "Asia/Shanghai", "CN", "CNY", 1.05, "wecom", 0.99, "86"),
    Location("Chengdu", "CD", "Asia/Shanghai", "CN", "CNY", 0.80, "wecom", 0.998, "86"),
    Location("Singapore", "SG", "Asia/Singapore", "SG", "SGD", 0.42, "slack", 0.55, "65"),
    Location("London", "LDN", "Europe/London", "GB", "GBP", 0.26, "slack", 0.2, "44"),
    Location("San Francisco", "SF", "America/Los_Angeles", "US", "USD", 0.55, "slack", 0.25, "1"),
)

# Levels: P = individual contributors, M = managers. Band midpoints are annual base in CNY for Shenzhen.
LEVELS: tuple[str, ...] = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "M1", "M2", "M3", "M4", "M5")
BAND_MID_CNY: tuple[int, ...] = (
    96_000, 150_000, 210_000, 290_000, 400_000, 560_000, 780_000, 1_050_000,
    420_000, 600_000, 850_000, 1_250_000, 2_000_000,
)


@dataclass
class Betas:
    """Log-hazard coefficients of the monthly voluntary-exit model: hazard = base * exp(sum beta * x).
    Each factor is scaled to roughly [0, 1] for "normal bad" (see factors.py)."""

    overtime: float = 0.8
    pay_below_band: float = 0.6
    low_one_on_one: float = 0.5
    manager_change: float = 0.6
    low_engagement: float = 0.9
    referrer_left: float = 0.8
    first_year: float = 0.3
    recent_promotion: float = -0.7

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


@dataclass
class GeneratorConfig:
    employees: int = 1000
    seed: int = 7
    as_of: date = date(2026, 10, 31)
    dirt_rate: float = 0.03
    attendance_days: int = 365
    im_days: int = 180
    progress: bool = True
    workers: int = 2  # 2: attendance + IM run in a second process; output is identical with 1
    history_months: int = 42  # 3.5 years of simulated history before as_of
    company_domain: str = "shanhai-tech.example"
    company_name: str = "Shanhai Technology"

    # Workforce dynamics
    annual_growth: float = 0.08
    annual_voluntary_turnover: float = 0.118
    annual_involuntary_turnover: float = 0.032
    betas: Betas = field(default_factory=Betas)
    involuntary_rating_beta: float = 0.9  # log-hazard per rating point below 3
    restructuring_months_before: int = 26  # one department cuts staff this many months before as_of
    restructuring_share: float = 0.12
    surge_months_before: int = 7  # overtime surge quarter starts this many months before as_of
    surge_extra_hours: float = 32.0  # extra monthly overtime hours in the surge department
    freeze_months_before: int = 21  # hiring-freeze quarter starts this many months before as_of
    rehire_share: float = 0.065  # eligible voluntary leavers who come back after 6-24 months (~4 % of all)
    span_of_control: int = 8
    monthly_manager_shuffle: float = 0.008  # ICs moved to another team manager per month
    monthly_transfer_rate: float = 0.0025
    promotion_prob: tuple[float, ...] = (0.0, 0.0, 0.05, 0.22, 0.42)  # by rating 1..5, per review
    band_inflation: float = 0.03  # bands move up every January
    rating_shares: tuple[float, ...] = (0.05, 0.15, 0.50, 0.22, 0.08)

    # Recruiting
    applications_per_requisition: float = 55.0
    offer_acceptance: float = 0.86
    time_to_fill_days: float = 45.0
    returning_candidate_share: float = 0.12
    channel_shares: dict[str, float] = field(default_factory=lambda: {
        "referral": 0.2, "job_board": 0.3, "campus": 0.1, "headhunter": 0.08, "website": 0.12,
        "event": 0.06, "social": 0.11, "other": 0.03})
    cancelled_requisition_share: float = 0.07

    # Engagement / surveys / IM
    survey_response_rate: float = 0.7
    comment_rate: float = 0.35
    candidate_survey_response_rate: float = 0.35
    questions_per_dimension: int = 2
    messages_per_day: float = 0.45  # per employee per working day
    text_pool_per_stratum: int = 4000  # distinct rendered texts per (lang, polarity, topic) before reuse

    # Dirt
    malformed_rate: float = 0.0005
    duplicate_rate_factor: float = 0.3  # exact duplicate rows = dirt_rate * this

    @property
    def n_departments(self) -> int:
        return int(np.clip(round(15 + 8 * np.log10(max(self.employees, 150) / 150)), 15, 40))

    def rng(self, name: str) -> np.random.Generator:
        """Independent stream per module/table, keyed by name: adding a table does not shift the others."""
        return np.random.default_rng([self.seed, zlib.crc32(name.encode())])
