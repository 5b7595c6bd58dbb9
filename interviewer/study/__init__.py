"""The study loop: a spaced-repetition card per key point, rebuilt from graded answers, and the
choice of what to practise next."""
