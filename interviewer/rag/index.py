"""The Chroma index of note chunks: build, incremental update, embedder identity, server mode.

Each chunk's content hash lives in its Chroma metadata and a small manifest file beside the
index records the embedder identity and the hash of the whole corpus. An update re-embeds only
chunks whose hash changed, deletes chunks that disappeared, and returns at once when nothing
changed and the store still holds as many chunks as the manifest says (a store emptied or cut
short behind our back is refilled). Switching embedder rebuilds the collection: vectors of two
models never mix. The manifest is written before the first chunk, marked unfinished, so a first
build that is interrupted is resumed by the next update (chunks already stored are kept).

With a Chroma server, every call is bounded by ``timeout_s``: a server that accepts connections
but never answers costs at most that long per call, then an ``IndexError_``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import numpy as np

from interviewer.rag.cache import EmbeddingCache
from interviewer.rag.chunking import Chunk
from interviewer.rag.embedders import Embedder, chroma_embedding_function

COLLECTION = "interviewer_notes"
MANIFEST = "manifest.json"
APP_MARK = "interviewer-index"

Progress = Callable[[int, int], None]
R = TypeVar("R")


class IndexError_(Exception):
    """A user-facing index problem (corrupt/foreign index, unreachable server)."""


@dataclass
class UpdateReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    skipped: bool = False
    """True when the manifest showed nothing changed and the store holds the chunks it lists."""
    resumed: bool = False
    """True when the store did not match its manifest (an interrupted build, or chunks lost) and was
    completed."""


def corpus_digest(chunks: Sequence[Chunk], identity: str) -> str:
    h = hashlib.sha1(identity.encode())
    for c in sorted(chunks, key=lambda c: c.chunk_id):
        h.update(c.chunk_id.encode())
        h.update(c.digest().encode())
    return h.hexdigest()


def _check_reachable(url: str, timeout_s: float) -> tuple[str, int, bool]:
    parsed = urlparse(url if "://" in url else f"http://{url}")
    host = parsed.hostname or "localhost"
    ssl = parsed.scheme == "https"
    port = parsed.port or (443 if ssl else 8000)
    try:
        with socket.create_connection((host, port), timeout=min(timeout_s, 10.0)):
            pass
    except OSError as exc:
        raise IndexError_(
            f"Chroma server at {url} is unreachable ({exc.strerror or exc}); "
            "check `chroma_url` or unset it to use the embedded index"
        ) from None
    return host, port, ssl


class NoteIndex:
    """Dense index of chunks in Chroma (embedded under ``root`` or on a server at ``url``)."""

    def __init__(self, root: Path, embedder: Embedder, url: str = "", timeout_s: float = 10.0) -> None:
        self.root = root
        self.embedder = embedder
        self.url = url
        self.timeout_s = timeout_s
        self._client: Any = None
        self._collection: Any = None

    # -- clients -----------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        name = MANIFEST if not self.url else f"manifest-{hashlib.sha1(self.url.encode()).hexdigest()[:8]}.json"
        return self.root / name

    @property
    def snapshot_path(self) -> Path:
        """The search snapshot (BM25 postings, and vectors for the embedded store) beside the manifest."""
        return self.manifest_path.with_name(self.manifest_path.stem.replace("manifest", "search") + ".snapshot")

    def current_digest(self) -> str | None:
        """The corpus digest of a finished build, from the manifest alone (no Chroma import); None if
        there is none or a build is unfinished. IndexError_ on a corrupted or foreign manifest."""
        manifest = self._read_manifest()
        if not manifest or manifest.get("building"):
            return None
        digest = manifest.get("digest")
        return digest if isinstance(digest, str) and digest else None

    def _read_manifest(self) -> dict[str, Any]:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            raise IndexError_(
                f"the index manifest {self.manifest_path} is corrupted; run `interviewer index --rebuild`"
            ) from None
        if not isinstance(data, dict) or data.get("app") != APP_MARK:
            raise IndexError_(f"{self.manifest_path} was not written by interviewer; run `interviewer index --rebuild`")
        return data

    def _write_manifest(self, digest: str, count: int, *, building: bool = False) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = {"app": APP_MARK, "embedder": self.embedder.identity, "digest": digest, "chunks": count}
        if building:
            data["building"] = True
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.manifest_path)

    def _call(self, what: str, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """``fn(*args, **kwargs)``; with a server, bounded by ``timeout_s`` and any failure made an
        IndexError_ naming the server (chromadb's HTTP client itself waits forever)."""
        if not self.url:
            return fn(*args, **kwargs)
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = fn(*args, **kwargs)
            except BaseException as exc:
                box["error"] = exc

        worker = threading.Thread(target=run, name=f"chroma {what}", daemon=True)
        worker.start()
        worker.join(self.timeout_s)
        if worker.is_alive():
            raise IndexError_(
                f"Chroma server at {self.url} did not answer within {self.timeout_s:g} s ({what}); "
                "check the server, `timeout_s`, or unset `chroma_url` to use the embedded index"
            )
        if "error" in box:
            exc = box["error"]
            if isinstance(exc, IndexError_ | KeyboardInterrupt | SystemExit):
                raise exc
            raise IndexError_(f"Chroma server at {self.url} failed ({what}): {type(exc).__name__}: {exc}") from None
        return box["value"]  # type: ignore[no-any-return]

    def client(self) -> Any:
        if self._client is not None:
            return self._client
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.url:
            host, port, ssl = _check_reachable(self.url, self.timeout_s)
            client = self._call("connect", chromadb.HttpClient, host=host, port=port, ssl=ssl, settings=chroma_settings)
            _bound_http(client, self.timeout_s)
            self._call("heartbeat", client.heartbeat)
            self._client = client
            return self._client
        store = self.root / "chroma"
        if store.exists() and not self.manifest_path.exists():
            raise IndexError_(
                f"{store} holds an index interviewer did not write (no manifest); run `interviewer index --rebuild`"
            )
        self._read_manifest()  # raises on a corrupted or foreign manifest
        try:
            store.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(store), settings=chroma_settings)
        except Exception as exc:
            raise IndexError_(
                f"the index at {store} is unreadable ({type(exc).__name__}: {exc}); run `interviewer index --rebuild`"
            ) from None
        return self._client

    def collection(self) -> Any:
        if self._collection is None:
            try:
                self._collection = self._call(
                    "open collection",
                    self.client().get_or_create_collection,
                    COLLECTION,
                    metadata={"hnsw:space": "cosine", "embedder": self.embedder.identity},
                    embedding_function=chroma_embedding_function(self.embedder),
                )
            except IndexError_:
                raise
            except Exception as exc:
                raise IndexError_(
                    f"the index is unreadable ({type(exc).__name__}: {exc}); run `interviewer index --rebuild`"
                ) from None
        return self._collection

    # -- lifecycle ---------------------------------------------------------------------------
    def wipe(self) -> None:
        """Delete the index (never the notes): the embedded store directory and the collection."""
        self._collection = None
        if self.url:
            client = self.client()
            try:
                self._call("delete collection", client.delete_collection, COLLECTION)
            except IndexError_ as exc:
                if "did not answer" in str(exc):
                    raise
            self.manifest_path.unlink(missing_ok=True)
            self.snapshot_path.unlink(missing_ok=True)
            return
        self._client = None
        for path in (self.root / "chroma", self.manifest_path, self.snapshot_path):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)

    def is_current(self, chunks: Sequence[Chunk]) -> bool:
        manifest = self._read_manifest()
        return manifest.get("digest") == corpus_digest(chunks, self.embedder.identity)

    def update(self, chunks: Sequence[Chunk], progress: Progress | None = None, rebuild: bool = False) -> UpdateReport:
        """Make the index hold exactly ``chunks``, embedding only what changed."""
        report = UpdateReport()
        if rebuild:
            self.wipe()
            report.rebuilt = True
        digest = corpus_digest(chunks, self.embedder.identity)
        manifest = {} if rebuild else self._read_manifest()
        if manifest.get("digest") == digest:
            if self.count() == manifest.get("chunks") == len(chunks):
                report.skipped = True
                report.unchanged = len(chunks)
                return report
            report.resumed = True  # the store lost chunks behind the manifest's back: refill it
        elif manifest.get("building"):
            report.resumed = True
        if not manifest:
            # before the first chunk is stored: an interrupted first build is then ours, and resumed
            self._write_manifest("", 0, building=True)
        col = self.collection()
        if (col.metadata or {}).get("embedder") != self.embedder.identity:
            self._call("delete collection", self.client().delete_collection, COLLECTION)
            self._collection = None
            col = self.collection()
            report.rebuilt = True
        existing = self._call("read ids", col.get, include=["metadatas"])
        have = {i: (m or {}).get("digest") for i, m in zip(existing["ids"], existing["metadatas"] or [], strict=False)}
        wanted = {c.chunk_id: c for c in chunks}
        stale = [i for i in have if i not in wanted]
        if stale:
            self._call("delete chunks", col.delete, ids=stale)
            report.deleted = len(stale)
        todo = [c for c in chunks if have.get(c.chunk_id) != c.digest()]
        report.unchanged = len(chunks) - len(todo)
        total = len(todo)
        if progress:
            progress(0, total)
        cache = EmbeddingCache(self.embedder.identity)
        for start in range(0, total, 64):
            batch = todo[start : start + 64]
            vectors = self._vectors(batch, cache)
            self._call(
                "store chunks",
                col.upsert,
                ids=[c.chunk_id for c in batch],
                embeddings=[v.tolist() for v in vectors],
                documents=[c.text for c in batch],
                metadatas=[
                    {
                        "note_id": c.note_id,
                        "title": c.title,
                        "heading": c.heading,
                        "track": c.track,
                        "digest": c.digest(),
                    }
                    for c in batch
                ],
            )
            for c in batch:
                if c.chunk_id in have:
                    report.updated += 1
                else:
                    report.added += 1
            if progress:
                progress(min(start + len(batch), total), total)
        self._write_manifest(digest, len(chunks))
        return report

    def _vectors(self, batch: Sequence[Chunk], cache: EmbeddingCache) -> np.ndarray:
        """Vectors for a batch: from the bundled cache where the chunk is unchanged, else embedded."""
        cached = [cache.get(c.digest()) for c in batch]
        misses = [c for c, v in zip(batch, cached, strict=True) if v is None]
        fresh = iter(self.embedder.embed_passages([c.embed_text() for c in misses]) if misses else [])
        return np.vstack([v if v is not None else next(fresh) for v in cached])

    def query(self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks."""
        col = self.collection()
        result = self._call(
            "query", col.query, query_embeddings=[list(vector)], n_results=k, where=where or None, include=["distances"]
        )
        ids = result["ids"][0] if result["ids"] else []
        dists = result["distances"][0] if result.get("distances") else [0.0] * len(ids)
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=False)]

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        """The stored vectors of ``ids``, in that order (KeyError naming a chunk the store lacks)."""
        col = self.collection()
        by_id: dict[str, Any] = {}
        page = 5000  # bounded reads: a 100k-chunk store in one call would hit SQLite's variable limit
        for offset in range(0, max(len(ids), self.count()), page):
            got = self._call("read vectors", col.get, include=["embeddings"], limit=page, offset=offset)
            by_id.update(zip(got["ids"], got["embeddings"], strict=True))
        if not ids:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([np.asarray(by_id[i], dtype=np.float32) for i in ids])

    def count(self) -> int:
        return int(self._call("count", self.collection().count))


def _bound_http(client: Any, timeout_s: float) -> None:
    """Give chromadb's HTTP session (created with no timeout at all) ours, where it can be reached;
    ``NoteIndex._call`` bounds every call in any case, this lets an abandoned call end too."""
    with contextlib.suppress(Exception):
        import httpx

        client._server._session.timeout = httpx.Timeout(timeout_s)
