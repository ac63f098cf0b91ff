"""Full-text search over the library: SQLite FTS5 by default, PostgreSQL full-text search in
production.

The library holds hundreds of entries, curated ones among them that live in files, not in
the database; so no index is kept in sync. Each search hands the engine the entries' texts
for that one query (FTS5: a temporary table on the request's connection; PostgreSQL: arrays
unnested into a derived table) and reads back the matching keys by relevance. Words are
matched as prefixes on SQLite (``atelier`` finds ``ateliers``) and stemmed in the reader's
language on PostgreSQL, with a language-neutral match as the fallback. Accents are folded
first on both (PostgreSQL's ``unaccent`` is an extension a server may lack).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence

from sqlalchemy import Connection, text

from ..extensions import db

WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12
PG_CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "pt": "portuguese"}


def words(query: str) -> list[str]:
    """The words of a reader's query (punctuation and operators dropped), at most 12."""
    return WORD_RE.findall(query)[:MAX_WORDS]


def fold(text: str) -> str:
    """``text`` without accents (é -> e), so that either engine matches with or without them."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search(documents: Sequence[tuple[str, str]], query: str, language: str) -> list[str]:
    """Keys of the (key, text) ``documents`` that contain every word of ``query``, best first."""
    found = words(fold(query))
    if not found or not documents:
        return []
    documents = [(key, fold(body)) for key, body in documents]
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return _postgresql(connection, documents, " ".join(found), language)
    return _sqlite(connection, documents, found)


def _sqlite(
    connection: Connection, documents: Sequence[tuple[str, str]], found: list[str]
) -> list[str]:
    table = f"library_search_{secrets.token_hex(6)}"
    match = " ".join(f'"{word}"*' for word in found)  # quoted: no FTS5 operator gets through
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE temp.{table} USING fts5("
        "key UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    try:
        connection.execute(
            text(f"INSERT INTO temp.{table} (key, body) VALUES (:key, :body)"),  # noqa: S608
            [{"key": key, "body": body} for key, body in documents],
        )
        rows = connection.execute(
            text(f"SELECT key FROM temp.{table} WHERE {table} MATCH :q ORDER BY rank"),  # noqa: S608
            {"q": match},
        )
        return [row[0] for row in rows]
    finally:
        connection.exec_driver_sql(f"DROP TABLE temp.{table}")


def _postgresql(
    connection: Connection, documents: Sequence[tuple[str, str]], query: str, language: str
) -> list[str]:
    statement = text(
        """
        SELECT d.key FROM unnest(CAST(:keys AS text[]), CAST(:bodies AS text[])) AS d(key, body)
        WHERE to_tsvector(CAST(:config AS regconfig), d.body)
              @@ plainto_tsquery(CAST(:config AS regconfig), :q)
           OR to_tsvector('simple', d.body) @@ plainto_tsquery('simple', :q)
        ORDER BY ts_rank(to_tsvector(CAST(:config AS regconfig), d.body),
                         plainto_tsquery(CAST(:config AS regconfig), :q)) DESC, d.key
        """
    )
    rows = connection.execute(
        statement,
        {
            "keys": [key for key, _ in documents],
            "bodies": [body for _, body in documents],
            "config": PG_CONFIGS.get(language.split("-")[0], "simple"),
            "q": query,
        },
    )
    return [row[0] for row in rows]
