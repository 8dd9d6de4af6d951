"""Topics: the questions whose stances are tracked."""
