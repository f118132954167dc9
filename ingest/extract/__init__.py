"""Article extraction: HTML bytes to a clean :class:`kliping.article.Article`.

Public surface::

    extract_article(content, url=None, *, headers=None, fetched_at=None, source=None, profile=None)
    extract_page(...same..., continuation=False) -> Page (.article, .continuations)
    continuation_urls(content, url, *, headers=None) -> list[str]   (at most MAX_CONTINUATIONS)
    merge_pages(pages) -> Article
    decode_html(content, headers=None) -> str

``profile`` is a source's ``extract:`` section, :class:`kliping.config.ExtractSettings`
(``body_selector``, ``drop_selectors``, ``drop_phrases``).

Stages, one module each: ``decode`` (charset), ``tree`` (safe parse),
``blocks`` (paragraph segmentation), ``container`` (where the article is),
``body`` + ``boilerplate``/``boilerplate.json`` (clean paragraphs),
``meta``/``jsonld``/``title``/``authors``/``published``/``dates``/``urls``/``section``
(metadata), ``pages`` (multi-page articles), ``article`` (the pipeline).
"""

from ingest.extract.article import Page, extract_article, extract_page
from ingest.extract.decode import decode_html
from ingest.extract.pages import MAX_CONTINUATIONS, continuation_urls, merge_pages

__all__ = ["MAX_CONTINUATIONS", "Page", "continuation_urls", "decode_html", "extract_article", "extract_page",
           "merge_pages"]
