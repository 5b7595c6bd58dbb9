"""`interviewer index [--rebuild]` and `interviewer search QUERY [-k N] [--json]`."""

from __future__ import annotations

import argparse
import sys
import time

from interviewer.cli.common import services_from
from interviewer.cli.output import fail, print_json, say
from interviewer.textproc import has_cjk


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("index", help="build or update the reference-note index (incremental)")
    p.add_argument("--rebuild", action="store_true", help="delete the index and build it again")
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("search", help="search the reference notes (hybrid dense + BM25)")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of hits (default 5)")
    p.add_argument("--note", action="append", help="only these note ids (repeatable)")
    p.add_argument("--track", help="only notes of this track")
    p.add_argument("--question", help="only the notes of this question")
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)


class _Bar:
    """A progress bar on stderr (silent when stderr is not a terminal, except the final line)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if total == 0:
            return
        width = 30
        filled = int(width * done / total)
        line = f"\rembedding chunks [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if self.tty or done == total:
            sys.stderr.write(line + ("\n" if done == total else ""))
            sys.stderr.flush()


def _index_error(exc: Exception) -> None:
    from interviewer.rag.index import IndexError_

    if isinstance(exc, IndexError_):
        fail(str(exc))
    raise exc


def cmd_index(args: argparse.Namespace) -> int:
    services = services_from(args)
    for issue in services.bank.issues:
        say(f"warning: {issue}", file=sys.stderr)
    start = time.perf_counter()
    try:
        report = services.retriever.ensure_index(progress=_Bar(), rebuild=args.rebuild)
    except Exception as exc:
        _index_error(exc)
    took = time.perf_counter() - start
    chunks = len(services.retriever.chunks)
    notes = len(services.bank.notes)
    if report.skipped:
        say(f"index up to date: {notes} notes, {chunks} chunks ({took:.2f}s)")
    else:
        say(
            f"indexed {notes} notes, {chunks} chunks: {report.added} added, {report.updated} updated, "
            f"{report.deleted} deleted, {report.unchanged} unchanged{' (rebuilt)' if report.rebuilt else ''} "
            f"in {took:.1f}s"
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if not args.query.strip():
        fail("the query is empty", code=2)
    if args.k < 1:
        fail("-k must be at least 1")
    services = services_from(args)
    notes = list(args.note or [])
    if args.question:
        if args.question not in services.bank.questions:
            fail(f"unknown question id {args.question!r}")
        notes += services.bank.questions[args.question].notes
    try:
        hits = services.retriever.search(args.query, args.k, note_ids=notes or None, track=args.track, mode=args.mode)
    except Exception as exc:
        _index_error(exc)
    if args.json:
        print_json([h.public() for h in hits])
        return 0
    for n, hit in enumerate(hits, start=1):
        found = "+".join(sorted(hit.found_by))
        say(
            f"{n}. {hit.chunk.title} — {hit.chunk.heading or '(intro)'}  [{hit.chunk.chunk_id}] "
            f"score={hit.score:.4f} via {found}"
        )
        if hit.chunk.summary and has_cjk(args.query):
            say(f"   摘要：{hit.chunk.summary}")
        snippet = " ".join(hit.chunk.text.split())[:240]
        say(f"   {snippet}…\n")
    if not hits:
        say("no hits")
    return 0
