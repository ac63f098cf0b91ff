"""The library's blueprint; its routes are spread over views, contribute, review, opendata."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("library", __name__, template_folder="templates")
