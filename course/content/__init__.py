"""The course as files: modules, lessons, quizzes, the initiatives library and badges, read
from ``modules/`` and ``badges/`` into frozen dataclasses (:mod:`.model`) by :mod:`.loader`.

This package is the bottom layer: it imports no Flask and no other part of the server, so
it can be tested, and used by tools, without an application.
"""
