import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# The cyclic collector, tuned for a web worker (docs/performance.md, seventh round). A page
# build allocates tens of thousands of objects (rows, querysets, template nodes) that die with
# the request, freed by reference counting; at the default first threshold (700) the collector
# still ran dozens of times a request, and its older passes walked every module, class, model
# and URL pattern loaded at start-up. Those are frozen (never examined again), and the first
# generation is examined every 50,000 allocations: the few cycles a request leaves are still
# freed, a little later.
GC_THRESHOLDS = (50_000, 20, 100)
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
