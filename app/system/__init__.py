"""System state: the data version behind ETags, health."""
