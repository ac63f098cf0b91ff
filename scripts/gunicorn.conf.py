"""What scripts/serve's gunicorn master does once it has loaded the application (--preload)
and before it forks the workers: work done here is done once and shared, not once per worker.
"""

import gc

#: Templates are these files; the folders may hold others (images, notes) that are not.
TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".svg", ".json")


def when_ready(server):
    app = server.app.wsgi()
    environment = getattr(app, "jinja_env", None)  # the hello-world baseline has none
    if environment is not None:
        for name in environment.list_templates():
            if name.endswith(TEMPLATE_SUFFIXES):
                environment.get_template(name)  # compiled once, in memory every worker shares
    # Objects loaded so far are never scanned again by the collector: scanning writes their
    # headers, which would copy the memory pages holding them into each worker.
    gc.collect()
    gc.freeze()
