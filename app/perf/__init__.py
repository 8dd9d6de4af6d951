"""The speed machinery, in one place; docs/performance.md says why each piece exists and what it saves.

- driver.py: DriverRead, the hottest reads compiled once per dialect and run on the driver's cursor.
- versioned.py: small values every page needs, read once per data version.
- pagecache.py: rendered bodies per URL and data version, with their gzipped copies.
- admission.py: at most so many requests at work at once; the rest wait holding nothing.
- process.py: the thread pool's size and the garbage collector's thresholds, set once per process.
"""
