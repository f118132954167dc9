"""``kliping stories``: syndication clusters, rebuilt in bulk or shown for one article."""

from __future__ import annotations

import json

import click

from kliping.cli import EXIT_NOT_FOUND, pass_app
from kliping.cli.options import json_option, progress_bar


@click.group("stories")
def command() -> None:
    """Stories: the same story republished by several outlets, as one cluster.

    Articles are put in stories as they are stored (crawl, daemon, import);
    `rebuild` clusters the whole archive again, oldest first, for an archive
    from before stories or after a change of thresholds.

    \b
    Examples:
      kliping stories rebuild
      kliping stories show 5564780689a2b409
      kliping search karhutla --collapse
    """


@command.command("rebuild")
@pass_app
def rebuild(app) -> None:  # type: ignore[no-untyped-def]
    """Cluster every archived article again (the index is untouched).

    \b
    Example:
      kliping stories rebuild
    """
    archive = app.archive()
    with progress_bar(archive.count(), "clustering") as bar:
        counts = archive.rebuild_stories(progress=bar.update)
    click.echo(f"{counts['articles']} articles in {counts['stories']} stories")


@command.command("show")
@click.argument("article_id")
@json_option
@pass_app
def show(app, article_id: str, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """The story of ARTICLE_ID (an id from search results, or a story id):
    every copy, first published first.

    Exits 3 when there is no such article or story.

    \b
    Examples:
      kliping stories show 5564780689a2b409
      kliping stories show 5564780689a2b409 --json
    """
    archive = app.archive(readonly=True)
    story = archive.story_of(article_id)
    members = story.members if story else archive.story_members(article_id)
    if not members:
        click.echo(f"no article or story with id {article_id!r}; take an id from search results "
                   "(articles stored before stories existed need `kliping stories rebuild`)", err=True)
        raise SystemExit(EXIT_NOT_FOUND)
    story_id = story.story_id if story else article_id
    if as_json:
        click.echo(json.dumps({"story": story_id, "first_published": members[0].article_id,
                               "members": [vars(m) for m in members]}, ensure_ascii=False, indent=2))
        return
    click.echo(f"story {story_id}: {len(members)} {'copy' if len(members) == 1 else 'copies'}")
    for n, member in enumerate(members):
        mark = "first published" if n == 0 else f"similarity {member.similarity:.2f}" if member.similarity \
            else "founded the story"
        click.echo(f"  {member.published or 'no date':<25} {member.source or '':<18} {member.article_id}  "
                   f"{member.title}  ({mark})")
