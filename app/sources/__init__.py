"""Sources: the articles and pages a statement is taken from."""
