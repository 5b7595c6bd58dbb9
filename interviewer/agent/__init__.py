"""The interviewer agent: plans a session, asks, listens, decides follow-ups, records events."""
