"""The FastAPI app: server-rendered pages over a read-only corpus store, and their JSON twins.

Every page has an `/api/...` route returning the same data as JSON; both call one function of
`presslens.web.queries`. Article text is hostile input: templates autoescape everything, and
the highlighted body comes from `render.html.article_body`, which escapes each span.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from presslens import __version__
from presslens.corpus.search import SYNTAX_HELP, QuerySyntaxError
from presslens.corpus.store import Filters
from presslens.errors import InputError, PresslensError
from presslens.record import Article
from presslens.render.html import article_body
from presslens.watch.state import source_rows
from presslens.web import queries
from presslens.web.auth import TokenGate
from presslens.web.cache import Answers
from presslens.web.limits import DEFAULT_PER_MINUTE, AnalyzeRateLimit
from presslens.web.queries import Page
from presslens.web.safety import BodyLimit, SecurityHeaders
from presslens.web.stores import ReconnectingRoute, Stores

# An article pasted for analysis is text, not a crawl: a megabyte is a very long article.
DEFAULT_MAX_BODY_BYTES = 1_000_000
# Worker threads answering requests at once. Each holds a database connection and its page
# cache; the work is mostly Python, which runs one thread at a time, so more threads than
# this add memory and switching, not answers per second.
DEFAULT_THREADS = 8
MAX_PAGE_SIZE = 200


class AnalyzeRequest(BaseModel):
    """An article to analyse on the fly: plain text or HTML, one of the two."""

    text: str | None = Field(default=None, description="the article as plain text")
    html: str | None = Field(default=None, description="the article as an HTML page")


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("presslens.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["version"] = __version__
    return env


def create_app(location: str | Path, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, token: str | None = None,
               analyses_per_minute: int = DEFAULT_PER_MINUTE, threads: int = DEFAULT_THREADS) -> FastAPI:
    """Return the web app serving the corpus at this location (a SQLite file or a postgresql:// URL), read-only.

    With a token, every request must carry it (see presslens.web.auth); each client may ask
    for `analyses_per_minute` analyses (see presslens.web.limits). At most `threads` requests
    are worked on at once; the others wait their turn.
    """
    stores = Stores(str(location))
    # Whole-corpus lists and figures, kept until the corpus changes (presslens.web.cache).
    answers = Answers(stores.generation)
    # A missing, foreign or outdated database is one sentence now, not a 500 on the first page.
    # The store is opened read-only, so it cannot run a migration itself.
    stores.get()
    app = FastAPI(title="presslens", version=__version__, docs_url=None, redoc_url=None,
                  description="The pages and data of a presslens corpus: articles, entities, speakers, events.")
    # The interactive docs pages load scripts from a CDN, which the CSP forbids; the
    # OpenAPI document itself stays at /openapi.json.
    # A store whose server restarted is reopened and the read run again (GET routes only).
    app.router.route_class = ReconnectingRoute
    # The last added runs first: headers go on every answer, refusals included; a request
    # without the token is turned away before it can spend anyone's analysis budget.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(AnalyzeRateLimit, per_minute=analyses_per_minute)
    if token:
        app.add_middleware(TokenGate, token=token)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("presslens.web", "static")]), name="static")
    app.state.stores = stores
    app.router.add_event_handler("startup", lambda: _limit_threads(threads))
    app.router.add_event_handler("shutdown", stores.close)

    def kept(query, *args):
        """Return what `query(store, *args)` returns, computed once while the corpus stays as it is."""
        return answers.get((query.__name__, *args), lambda: query(stores.get(), *args))

    def page_of(page: int, size: int) -> Page:
        return Page(page, size)

    def render(template: str, request: Request, status: int = 200, **values) -> HTMLResponse:
        html = _environment().get_template(template).render(request=request, **values)
        return HTMLResponse(html, status_code=status)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        message = error.detail if isinstance(error.detail, str) else "The request failed."
        if error.status_code == 404 and message == "Not Found":
            message = "There is no page at this address."
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=error.status_code)
        return render("error.html.j2", request, status=error.status_code, message=message)

    @app.exception_handler(PresslensError)
    async def user_error(request: Request, error: PresslensError):
        # Something the request asked for that cannot be done, such as a search the store
        # cannot read as a query: the user's error, in their words, never a 500.
        text = str(error)
        return await http_error(request, StarletteHTTPException(400, text[:1].upper() + text[1:]))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in error.errors())
        message = f"The request is not valid ({problems})."
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=422)
        return render("error.html.j2", request, status=422, message=message)

    paging = {"page": Query(1, ge=1, description="page number, from 1"),
              "size": Query(50, ge=1, le=MAX_PAGE_SIZE, description="items per page")}

    # -- overview -------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(request: Request):
        return render("overview.html.j2", request, **kept(queries.overview))

    @app.get("/api/overview", tags=["corpus"])
    def overview_api() -> dict:
        """Return the corpus counts, latest articles, top entities and top speakers."""
        return kept(queries.overview)

    # -- articles -------------------------------------------------------------------

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(request: Request, page: int = paging["page"], size: int = paging["size"]):
        return render("articles.html.j2", request, result=kept(queries.articles, page_of(page, size)))

    @app.get("/api/articles", tags=["articles"])
    def articles_api(page: int = paging["page"], size: int = paging["size"]) -> dict:
        """Return a page of articles (id, title, published, source, outlet), newest first."""
        return kept(queries.articles, page_of(page, size))

    def article_or_404(article_id: str) -> Article:
        article = stores.get().article(article_id)
        if article is None:
            raise HTTPException(404, "There is no article with this id.")
        return article

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str):
        article = article_or_404(article_id)
        return render("article.html.j2", request, article=article, body=article_body(article), stored=True,
                      story=queries.article_story(stores.get(), article_id))

    @app.get("/api/articles/{article_id}", response_model=Article, tags=["articles"])
    def article_api(article_id: str):
        """Return the full record of one article."""
        # Written by the record itself: FastAPI would check the record again field by field
        # and encode it in Python, which costs more than the rest of the request.
        return Response(article_or_404(article_id).model_dump_json(), media_type="application/json")

    # -- search ---------------------------------------------------------------------

    search_params = {
        "kind": Query("articles", alias="in", pattern="^(articles|quotes)$",
                      description="what to search: articles (title and text) or quotes (their words)"),
        "since": Query(None, description="published on or after this date (YYYY-MM-DD)"),
        "until": Query(None, description="published on or before this date (YYYY-MM-DD)"),
        "outlet": Query(None, description="from outlets whose name or web address holds this text"),
        "speaker": Query(None, description="quoting (articles) or said by (quotes) this speaker"),
    }

    def search_filters(since: date | None, until: date | None, outlet: str | None, speaker: str | None) -> Filters:
        return Filters(since=since and since.isoformat(), until=until and until.isoformat(),
                       outlet=outlet or None, speaker=speaker or None)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "", kind: str = search_params["kind"],
                    since: date | None = search_params["since"], until: date | None = search_params["until"],
                    outlet: str | None = search_params["outlet"], speaker: str | None = search_params["speaker"],
                    page: int = paging["page"], size: int = paging["size"]):
        form = {"q": q, "in": kind, "since": since or "", "until": until or "", "outlet": outlet or "",
                "speaker": speaker or ""}
        if not q.strip():
            return render("search.html.j2", request, q=q, form=form, result=None, problem=None, syntax=SYNTAX_HELP)
        try:
            result = queries.search(stores.get(), q, page_of(page, size), kind,
                                    search_filters(since, until, outlet, speaker))
        except QuerySyntaxError as error:
            # Shown on the search page itself, with the form to correct it.
            return render("search.html.j2", request, status=400, q=q, form=form, result=None, problem=str(error),
                          syntax=SYNTAX_HELP)
        return render("search.html.j2", request, q=q, form=form, result=result, problem=None, syntax=SYNTAX_HELP)

    @app.get("/api/search", tags=["articles"])
    def search_api(q: str = Query(..., description=f"the query: {SYNTAX_HELP}"), kind: str = search_params["kind"],
                   since: date | None = search_params["since"], until: date | None = search_params["until"],
                   outlet: str | None = search_params["outlet"], speaker: str | None = search_params["speaker"],
                   page: int = paging["page"], size: int = paging["size"]) -> dict:
        """Return a page of the articles (best match first) or quotes (oldest first) matching q."""
        try:
            return queries.search(stores.get(), q, page_of(page, size), kind,
                                  search_filters(since, until, outlet, speaker))
        except QuerySyntaxError as error:
            raise HTTPException(400, str(error)[:1].upper() + str(error)[1:]) from None

    # -- entities -------------------------------------------------------------------

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def entities_page(request: Request, type: str | None = None, page: int = paging["page"],
                      size: int = paging["size"]):
        result = kept(queries.entities, page_of(page, size), type or None)
        return render("entities.html.j2", request, result=result, type=type or "")

    @app.get("/api/entities", tags=["entities"])
    def entities_api(type: str | None = Query(None, description="only entities of this type, e.g. PERSON"),
                     page: int = paging["page"], size: int = paging["size"]) -> dict:
        """Return a page of corpus entities, most mentioned first."""
        return kept(queries.entities, page_of(page, size), type or None)

    def entity_or_404(entity_id: int, page: Page) -> dict:
        found = queries.entity(stores.get(), entity_id, page)
        if found is None:
            raise HTTPException(404, "There is no entity with this id.")
        return found

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: int, page: int = paging["page"], size: int = paging["size"]):
        found = entity_or_404(entity_id, page_of(page, size))
        peak = max((d["mentions"] for d in found["days"]), default=0)
        return render("entity.html.j2", request, entity=found, peak=peak,
                      co_occurring_articles=queries.CO_OCCURRING_ARTICLES)

    @app.get("/api/entities/{entity_id}", tags=["entities"])
    def entity_api(entity_id: int, page: int = paging["page"], size: int = paging["size"]) -> dict:
        """Return one corpus entity: names, mentions per day, quotes, co-occurring entities, articles."""
        return entity_or_404(entity_id, page_of(page, size))

    # -- speakers -------------------------------------------------------------------

    # Names such as "Reuters/Ipsos" keep their slash in links (the urlencode filter leaves
    # "/" alone and servers decode %2F anyway), so the name is matched as a path.
    @app.get("/speakers/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(request: Request, name: str, page: int = paging["page"], size: int = paging["size"]):
        result = queries.speaker_quotes(stores.get(), name, page_of(page, size))
        if not result["total"]:
            raise HTTPException(404, "No quote in the corpus is by a speaker of this name.")
        return render("speaker.html.j2", request, name=name, result=result)

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(request: Request, page: int = paging["page"], size: int = paging["size"]):
        return render("speakers.html.j2", request,
                      result=queries.speakers(stores.get(), page_of(page, size), kept(queries.speaker_ranking)))

    @app.get("/api/speakers", tags=["speakers"])
    def speakers_api(n: int = Query(50, ge=1, le=MAX_PAGE_SIZE, description="how many")) -> list[dict]:
        """Return the speakers quoted most, with their quote and article counts."""
        return kept(queries.speaker_ranking)["items"][:n]

    @app.get("/api/speakers/{name:path}/quotes", tags=["speakers"])
    def speaker_api(name: str, page: int = paging["page"], size: int = paging["size"]) -> dict:
        """Return a page of the quotes of a speaker across the corpus, oldest first."""
        result = queries.speaker_quotes(stores.get(), name, page_of(page, size))
        if not result["total"]:
            raise HTTPException(404, "No quote in the corpus is by a speaker of this name.")
        return result

    # -- stories --------------------------------------------------------------------

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, page: int = paging["page"], size: int = paging["size"]):
        return render("stories.html.j2", request, result=kept(queries.stories, page_of(page, size)))

    @app.get("/api/stories", tags=["stories"])
    def stories_api(page: int = paging["page"], size: int = paging["size"]) -> dict:
        """Return a page of stories, largest first: label, article count, outlets, first and last date."""
        return kept(queries.stories, page_of(page, size))

    def story_or_404(story_id: str) -> dict:
        found = queries.story(stores.get(), story_id)
        if found is None:
            raise HTTPException(404, "There is no story with this id.")
        return found

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str):
        return render("story.html.j2", request, story=story_or_404(story_id))

    @app.get("/api/stories/{story_id}", tags=["stories"])
    def story_api(story_id: str) -> dict:
        """Return one story: its articles by outlet and date, and per outlet how its framing reads."""
        return story_or_404(story_id)

    # -- events ---------------------------------------------------------------------

    event_filters = {
        "type": Query(None, description="event type, e.g. attack, protest (or an ACLED type)"),
        "place": Query(None, description="part of the place name"),
        "since": Query(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="on or after this date, YYYY-MM-DD"),
        "until": Query(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="on or before this date, YYYY-MM-DD"),
    }

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, type: str | None = event_filters["type"],
                    place: str | None = event_filters["place"], since: str | None = event_filters["since"],
                    until: str | None = event_filters["until"], page: int = paging["page"],
                    size: int = paging["size"]):
        chosen = (type or None, place or None, since or None, until or None)
        result = kept(queries.events, page_of(page, size), *chosen)
        filters = {"type": type or "", "place": place or "", "since": since or "", "until": until or ""}
        return render("events.html.j2", request, result=result, types=kept(queries.event_types), filters=filters,
                      active={k: v for k, v in filters.items() if v},
                      map_svg=_events_map(kept(queries.event_places, *chosen)),
                      timeline_svg=_events_timeline(kept(queries.event_timeline, *chosen)))

    @app.get("/api/events/places", tags=["events"])
    def event_places_api(type: str | None = event_filters["type"], place: str | None = event_filters["place"],
                         since: str | None = event_filters["since"], until: str | None = event_filters["until"],
                         n: int = Query(300, ge=1, le=1000, description="how many places")) -> list[dict]:
        """Return the geocoded places of the filtered events with their coordinates and event counts, busiest first."""
        return kept(queries.event_places, type or None, place or None, since or None, until or None, n)

    @app.get("/api/events/timeline", tags=["events"])
    def event_timeline_api(type: str | None = event_filters["type"], place: str | None = event_filters["place"],
                           since: str | None = event_filters["since"], until: str | None = event_filters["until"],
                           n: int = Query(12, ge=1, le=MAX_PAGE_SIZE, description="how many groups")) -> list[dict]:
        """Return the busiest (day, type, place) groups of the filtered dated events, in date order."""
        return kept(queries.event_timeline, type or None, place or None, since or None, until or None, n)

    @app.get("/api/events", tags=["events"])
    def events_api(type: str | None = event_filters["type"], place: str | None = event_filters["place"],
                   since: str | None = event_filters["since"], until: str | None = event_filters["until"],
                   page: int = paging["page"], size: int = paging["size"]) -> dict:
        """Return a page of events, filtered by type, place and dates, in date order."""
        return kept(queries.events, page_of(page, size), type or None, place or None, since or None, until or None)

    # -- errors ---------------------------------------------------------------------

    @app.get("/errors", response_class=HTMLResponse, include_in_schema=False)
    def errors_page(request: Request, page: int = paging["page"], size: int = paging["size"]):
        return render("errors.html.j2", request, result=kept(queries.errors, page_of(page, size)))

    @app.get("/api/errors", tags=["corpus"])
    def errors_api(page: int = paging["page"], size: int = paging["size"]) -> dict:
        """Return a page of the items that failed ingest, with why."""
        return kept(queries.errors, page_of(page, size))

    # -- watched sources --------------------------------------------------------------

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page(request: Request):
        return render("sources.html.j2", request, sources=source_rows(stores.get()))

    @app.get("/api/sources", tags=["corpus"])
    def sources_api() -> list[dict]:
        """Return the sources `presslens watch` polls: when each was last polled, what it found, what became of it."""
        return source_rows(stores.get())

    # -- analyse on the fly -----------------------------------------------------------

    def analyse(text: str | None, html: str | None) -> Article:
        content = html if html else text
        if not content or not content.strip():
            raise HTTPException(400, "Give the article as non-empty 'text' or 'html'.")
        if len(content.encode("utf-8")) > max_body_bytes:
            raise HTTPException(413, f"The article is larger than the limit of {max_body_bytes:,} bytes.")
        import presslens

        try:
            return presslens.analyze(content)
        except InputError as error:
            raise HTTPException(400, f"The article could not be analysed: {error}.") from None

    @app.post("/api/analyze", response_model=Article, tags=["analyze"])
    def analyze_api(request: AnalyzeRequest):
        """Return the record of an article given as text or HTML, analysed now and not stored."""
        return analyse(request.text, request.html)

    @app.get("/analyze", response_class=HTMLResponse, include_in_schema=False)
    def analyze_form(request: Request):
        return render("analyze.html.j2", request, content="", article=None)

    @app.post("/analyze", response_class=HTMLResponse, include_in_schema=False)
    async def analyze_page(request: Request):
        # A urlencoded form is parsed here, which spares the app a multipart dependency.
        fields = parse_qs((await request.body()).decode("utf-8", errors="replace"))
        content = (fields.get("content") or [""])[0]
        article = await run_in_threadpool(analyse, content, None)
        return render("analyze.html.j2", request, content=content, article=article, body=article_body(article),
                      stored=False)

    return app


def _limit_threads(threads: int) -> None:
    # Routes written as plain functions run in the event loop's thread pool (40 by default).
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def _events_map(places: list[dict]) -> Markup:
    """Return the SVG map of the events' places, safe to embed: every label is escaped by the drawing."""
    from presslens.render.eventmap import places_map_svg

    points = [(p["name"] or "?", p["lon"], p["lat"],
               [t.replace("_", " ") for t, n in p["types"].items() for _ in range(n)]) for p in places]
    return Markup(places_map_svg(points, "Map of the places of the events shown"))


def _events_timeline(groups: list[dict]) -> Markup:
    """Return the SVG timeline of the busiest dated event groups, safe to embed."""
    from presslens.render.eventmap import dated_timeline_svg

    items = []
    for g in groups:
        try:
            day = date.fromisoformat(g["day"])
        except ValueError:
            continue
        label = g["type"].replace("_", " ") + (f" ×{g['events']}" if g["events"] > 1 else "")
        label += f" — {g['place']}" if g["place"] else ""
        items.append((day, label, f"{g['events']} event(s), e.g. “{g['trigger']}”"))
    return Markup(dated_timeline_svg(items, "Timeline of the busiest days of the events shown"))
