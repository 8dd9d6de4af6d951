"""The application factory: `create_app()` builds everything from settings, nothing at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app import __version__, deps, paths
from app.accounts import routes as accounts_routes
from app.accounts.activity import ActivityMiddleware
from app.actors import routes as actors_routes
from app.config import Settings
from app.countries import routes as countries_routes
from app.db import Database
from app.extraction import routes as extraction_routes
from app.perf import process
from app.perf.admission import AdmissionMiddleware
from app.perf.pagecache import GZIP_LEVEL, GZIP_MINIMUM_SIZE, BodyCache
from app.stances import routes as stances_routes
from app.statements.routes import api as statements_api
from app.statements.routes import editing as statements_editing
from app.statements.routes import pages as statements_pages
from app.system import repository as system_repository
from app.system import routes as system_routes
from app.topics import routes as topics_routes
from app.web import errors, inputs
from app.web.conditional import NotModifiedMiddleware
from app.web.csrf import CrossSiteMiddleware
from app.web.hosts import AllowedHosts, AllowedHostsMiddleware
from app.web.limits import KB, BodyLimitMiddleware, BodyLimits
from app.web.routing import RouteIndex, include_flat
from app.web.security import SecurityHeadersMiddleware
from app.web.templating import build_token, make_environment

log = logging.getLogger("intercept_watch")


# What every state-changing route checks before its own dependencies: the CSRF token. Only those routes
# run it, since it needs the viewer, and so a read session: a route that only reads declares what it uses.
WRITE_CHECKS = (Depends(deps.csrf_protect),)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app; its engine is made when it starts and disposed when it stops."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Two connections for each request let in at once (app/web/admission.py): its read session,
        # and a write while it saves. A thread then never waits for a connection another request holds.
        in_flight = settings.in_flight_limit
        database = Database.from_url(settings.database_url, pool_size=in_flight, max_overflow=in_flight)
        with database.write() as session:
            secret = system_repository.ensure_secret(session)
        app.state.db = database
        app.state.secret = settings.secret_key.get_secret_value() if settings.secret_key else secret
        process.limit_threads(settings.thread_count)
        process.settle_long_lived_objects()
        try:
            yield
        finally:
            database.dispose()

    app = FastAPI(
        title="Intercept Watch",
        version=__version__,
        summary="Where NATO member states stand on intercepting Russian missiles and drones over Ukraine.",
        lifespan=lifespan,
        docs_url=None,  # served from vendored files by app/system/routes.py, never from a CDN
        redoc_url=None,
        openapi_url=None,  # served by app/system/routes.py, with the data's topics and codes (app/web/openapi.py)
        # Every route, including ones added later, refuses control characters in what it is sent (first);
        # include_flat puts WRITE_CHECKS in front of every state-changing route's own dependencies.
        dependencies=[Depends(inputs.plain_text)],
    )
    app.state.settings = settings
    app.state.templates = make_environment(notice=settings.notice)
    app.state.build = build_token(settings.notice)
    app.state.body_cache = BodyCache(settings.page_cache_mb * 1024 * 1024)
    errors.install(app)
    # The last added runs first: allowed hosts, admission, headers on every answer, early 304s, body limits,
    # cross-site refusals, activity.
    app.add_middleware(ActivityMiddleware)
    # Pages such as the matrix are a few hundred kilobytes of HTML; browsers get them gzipped.
    # Cached pages keep their gzipped copy (perf.pagecache.encoded), which this passes through as it is.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=GZIP_LEVEL)
    hosts = AllowedHosts.parse(settings.allowed_hosts)
    app.add_middleware(CrossSiteMiddleware, hosts=hosts)
    limits = BodyLimits(
        json=settings.json_body_kb * KB, form=settings.form_body_kb * KB, upload=settings.upload_body_kb * KB
    )
    app.add_middleware(BodyLimitMiddleware, limits=limits, upload_paths=extraction_routes.UPLOAD_PATHS)
    # An anonymous reader's revalidation is answered here, before routing, with the headers added.
    app.add_middleware(NotModifiedMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    # Only so many requests work at once, and the rest wait here holding nothing.
    app.add_middleware(AdmissionMiddleware, limit=settings.in_flight_limit)
    # Outermost: a request for a host name this site doesn't serve gets 400 before anything else.
    app.add_middleware(AllowedHostsMiddleware, hosts=hosts)
    app.mount("/static", StaticFiles(directory=paths.STATIC), name="static")
    for router in (
        stances_routes.router,
        countries_routes.router,
        actors_routes.router,
        extraction_routes.router,  # before /statements/{id}: /statements/extract is its own page
        statements_editing.router,
        statements_api.router,
        statements_pages.router,
        system_routes.router,
        accounts_routes.router,
        topics_routes.router,
    ):
        include_flat(app, router, write_checks=WRITE_CHECKS)
    RouteIndex.install(app)
    return app
