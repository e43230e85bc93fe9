"""The demo data of `make demo`: the Hainan, Hunan and Weihai plans in motion.

Each plan's people (people.py), two years of its history replayed through the ordinary
services (replay.py: reporting.py, history.py, committee.py), and the nightly rollups of the
last 90 days. Demo data is marked (`Plan.is_demo`), created only where settings.DEMO_ALLOWED
is true (never in production) and loaded idempotently: running it again keeps what is there.
"""

from devdata.demo.load import demo_load
from devdata.demo.people import DEMO_PASSWORD, DemoLogin

__all__ = ["DEMO_PASSWORD", "DemoLogin", "demo_load"]
