"""The Textual TUI: screens that consume the agent's event stream and call the domain.

Nothing here decides anything about an interview: questions, follow-ups, grades and summaries
come from ``interviewer.agent`` as typed events; the TUI shows them and feeds answers back.
Build the app with :func:`interviewer.tui.app.make_app`.
"""
