"""Assisted entry: candidate statements read from a news article, for an editor to confirm.

Pure: no database, no web, no I/O beyond trafilatura's reading of a string. The caller reads the article
with `read_article`, gives `find_candidates` the actors it knows, and shows the candidates. How it works
and how well: docs/extraction.md.
"""

from app.extraction.actors import KnownActor, KnownOffice
from app.extraction.article import Article, read_article
from app.extraction.candidates import Candidate, find_candidates
from app.extraction.errors import ExtractionError

__all__ = ["Article", "Candidate", "ExtractionError", "KnownActor", "KnownOffice", "find_candidates", "read_article"]
