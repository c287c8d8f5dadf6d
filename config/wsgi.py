"""The WSGI application, as gunicorn (``gunicorn.conf.py``) loads it in each worker process.

Once the project is loaded (its URL configuration imports every view), its objects are moved out of the cyclic
garbage collector's reach (``gc.freeze``) and the youngest generation's threshold raised: a request allocates
thousands of objects, and with Python's defaults every few requests set off a collection that walked the whole
loaded project (Django, Wagtail, the apps: hundreds of thousands of objects that live as long as the process).
Measured with bench/load.py at 200 ambassadors: the server's CPU per step from 12.3-15.0 ms to 10.1-10.6 ms.
Garbage without cycles is still freed at once; cyclic garbage waits a little longer (bounded by the threshold)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402 - after the project is set up

get_resolver().url_patterns  # noqa: B018 - imports every view before the freeze
gc.freeze()
gc.set_threshold(50_000, 20, 100)
