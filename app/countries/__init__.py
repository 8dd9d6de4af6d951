"""Countries: the 32 member states, NATO's own institutions, and Ukraine."""
