"""Production settings with the demo allowed: used only by the fault suite to run `load_demo`
against its own throwaway cluster (production refuses demo data, rightly)."""

from config.settings.production import *  # noqa: F403

DEMO_ALLOWED = True
