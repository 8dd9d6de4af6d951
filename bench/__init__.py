"""The benchmark harness behind `make bench`: synthetic data, uvicorn, wrk, Datasette and a report (see README.md)."""
