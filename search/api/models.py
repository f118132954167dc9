"""The shapes the API answers with, for the OpenAPI schema (and the fuzzer that checks it).

Handlers return the engine's own dicts (``SearchResults.to_dict()``, the same
JSON as ``kliping search --json``); these models document them, and the
schemathesis tests prove the two agree.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. query, bad_parameter, not_found.")
    message: str = Field(description="What went wrong and how to fix it.")


class ErrorBody(BaseModel):
    error: ErrorDetail


class StoryOfHit(BaseModel):
    id: str = Field(description="The story (syndication cluster) id; `kliping stories show ID` lists it.")
    copies: int = Field(description="Other copies of the story in the archive.")
    also_in: list[str] = Field(description="Their outlets, first published first, the hit's own left out.")


class SearchHit(BaseModel):
    id: str
    url: str
    title: str
    source: str
    published: str | None = Field(description="ISO 8601 as published; a bare date when no time was given.")
    author: str | None
    score: float
    snippet: str = Field(description="HTML: the article text escaped, matched words in <mark>.")
    story: StoryOfHit | None = Field(None, description="With collapse=true: the story this hit stands for.")


class AliasApplied(BaseModel):
    typed: str = Field(description="The name as typed in the query.")
    group: str = Field(description="The alias group's label (its first name).")
    names: list[str] = Field(description="Every name searched for it.")


class SearchResponse(BaseModel):
    total: int = Field(description="How many articles match (all pages).")
    page: int
    size: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] | None = Field(
        None, description="Hit counts by source and by month (YYYY-MM), when facets=true.")
    did_you_mean: str | None = Field(None, description="A spelling suggestion when few articles match.")
    aliases: list[AliasApplied] | None = Field(
        None, description="The names the query was expanded by (absent when none applied, or alias=false).")
    collapsed: bool | None = Field(None, description="True with collapse=true: one hit per story.")
    stories: int | None = Field(None, description="With collapse=true: stories among all matching articles, "
                                                  "when the server looked at all of them (null otherwise).")


class TrendBucket(BaseModel):
    start: str = Field(description="First day of the bucket (YYYY-MM-DD, WIB); weeks start on Monday.")
    count: int = Field(description="Articles matching the query in the bucket.")
    total: int = Field(description="Every article archived in the bucket (within the source filter).")
    share: float = Field(description="count / total (0 when nothing is archived then).")


class TrendResponse(BaseModel):
    query: str
    by: str = Field(description="day, week or month.")
    collapsed: bool = Field(description="Copies of one story counted once.")
    matched: int = Field(description="Dated matching articles, all buckets.")
    undated: int = Field(description="Matching articles with no publish date (in no bucket).")
    buckets: list[TrendBucket]
    aliases: list[AliasApplied] | None = None


class ArticleResponse(BaseModel):
    id: str
    url: str
    title: str
    body: str = Field(description="Plain text; paragraphs separated by a blank line.")
    source: str | None
    published: str | None
    author: str | None
    authors: list[str]
    section: str | None
    editor: str | None
    language: str | None
    fetched_at: str | None


class LastRun(BaseModel):
    started_at: str | None
    finished_at: str | None
    found: int
    new: int
    updated: int
    unchanged: int
    failed: int
    last_error: str | None


class SourceStatus(BaseModel):
    name: str
    configured: bool = Field(description="Listed in config.yaml (false: only found in the archive).")
    archived: int
    indexed: int
    last_run: LastRun | None
    health: dict[str, Any] | None = Field(None, description="Source health: status (ok, alarm, learning, empty), "
                                           "alarms (JSON events), measures (day, today, recent) and the baseline.")


class SourcesResponse(BaseModel):
    sources: list[SourceStatus]


class Counts(BaseModel):
    articles: int


class IndexCounts(BaseModel):
    documents: int
    watermark: int = Field(description="Archive change number the index has caught up to.")
    generation: int = Field(description="Whoosh commit generation; -1 before the first commit.")


class HealthResponse(BaseModel):
    status: str = Field(description="ok, or empty when nothing is indexed yet.")
    archive: Counts
    index: IndexCounts
