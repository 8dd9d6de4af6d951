"""System state: the data version behind ETags, the synthetic-data marker, health."""
