"""The screens of the TUI; each one is imported only when first shown."""
