"""Tracks: the subject areas a bank's questions belong to. They are data, declared by each bank in
its ``tracks.yaml`` (the built-in nine in ``data/questions/tracks.yaml``); a user bank adds its own."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from interviewer.domain.question import TRACK_ID, Lang, LocalizedText


class Track(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=TRACK_ID)
    name: LocalizedText


def track_name(tracks: Mapping[str, Track], track_id: str, lang: Lang) -> str:
    """The track's name in ``lang``; its id when ``tracks`` does not declare it (never an error: a
    stored session may name a track its bank no longer has)."""
    track = tracks.get(track_id)
    return track.name.get(lang) if track is not None else track_id
