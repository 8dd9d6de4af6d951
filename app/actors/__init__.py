"""Actors: the people and institutions whose statements are tracked, with their offices."""
