"""Run 1EdTech's Open Badges 2.0 validator (PyPI ``openbadges``) on one hosted assertion.

Runs inside its own virtual environment (``.venv-ob2``, made by ``make test``), never in the
application's. The validator fetches JSON-LD contexts from the network; here the OB 2.0
context is served from a local file and every other fetch must stay on this machine.

usage: python ob2_validator.py CONTEXT_FILE ASSERTION_URL [EMAIL]
Prints the report as JSON; exits 0 when the assertion is valid.
"""

import json
import sys

import openbadges
from openbadges.verifier import utils

context_file, target = sys.argv[1], sys.argv[2]
with open(context_file) as file:
    context = json.load(file)
local = {
    "https://w3id.org/openbadges/v2": context,
    "https://openbadgespec.org/v2/context.json": context,
}
fetch = utils.CachableDocumentLoader.__call__


def offline(self, url, *args, **kwargs):
    if url in local:
        return {"contextUrl": None, "documentUrl": url, "document": json.dumps(local[url])}
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise RuntimeError(f"refusing to fetch {url}: only this machine is reachable")
    return fetch(self, url, *args, **kwargs)


utils.CachableDocumentLoader.__call__ = offline
profile = {"email": sys.argv[3]} if len(sys.argv) > 3 else None
report = openbadges.verify(target, recipient_profile=profile)["report"]
print(json.dumps(report))
sys.exit(0 if report["valid"] else 1)
