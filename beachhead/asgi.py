import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beachhead.settings")
django_application = get_asgi_application()

from beachhead.core.uploads import BoundedBodyASGI  # noqa: E402 (after Django is set up)

# A body past every bound is refused before Django spools it to a temporary file.
application = BoundedBodyASGI(django_application)
