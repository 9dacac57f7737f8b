"""External links: always listed, fetched only on request, remembered in a cache.

The rest of the check is offline and deterministic, so it can run in CI and in
pre-commit. Whether another site still serves a page is neither: it needs the
network and its answer changes on its own. So http(s) links are only collected
here; ``check_urls`` asks the servers when the user passes ``--online``, and
keeps each answer in a JSON cache so that a re-run (after fixing one link)
does not ask again about the hundred others.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from macros.model.findings import Finding
from macros.text.units import Link

from .links import as_written, has_placeholder

HTTP = re.compile(r"^https?://", re.I)
MAX_WORKERS = 8  # enough to hide latency, few enough not to look like an attack
USER_AGENT = "guidekit-link-check/0.1"  # some servers refuse Python-urllib

Places = Mapping[str, list[tuple[str, int]]]
Pages = Iterable[tuple[str, Iterable[Link]]]


@dataclass(frozen=True)
class Result:
    """What a server answered (``status``), or why it did not (``error``), and when."""

    status: int | None
    error: str | None
    checked_at: float

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400

    @property
    def found(self) -> str:
        return f"HTTP {self.status}" if self.status is not None else self.error or "no answer"


def external_links(pages: Pages) -> dict[str, list[tuple[str, int]]]:
    """Every http(s) URL, without its fragment, and each (path, line) that links to it.

    One URL is fetched once however many pages use it; every place is kept so
    that a broken URL is reported on each line a writer has to edit.
    """

    def url(href: str) -> str | None:
        # relative links are checked offline; mailto: and tel: are not pages
        return href.partition("#")[0] if HTTP.match(href) and not has_placeholder(href) else None

    return _places(pages, url)


def placeholder_links(pages: Pages) -> dict[str, list[tuple[str, int]]]:
    """Every link whose target another tool fills in (``{legacy}1683``, ``%base%/y``): neither
    a file of the tree nor a URL to fetch, so only listed, for review by hand."""
    return _places(pages, lambda href: as_written(href) if has_placeholder(href) else None)


def _places(pages: Pages, key: Callable[[str], str | None]) -> dict[str, list[tuple[str, int]]]:
    places: dict[str, dict[tuple[str, int], None]] = {}  # dicts as ordered sets
    for path, links in pages:
        for link in links:
            found = key(link.href.strip())
            if found is not None:
                places.setdefault(found, {})[(path, link.line)] = None
    return {target: list(where) for target, where in places.items()}


def fetch_status(url: str, timeout: float) -> int:
    """The final HTTP status of ``url``: HEAD first, GET when the server will not do HEAD.

    HEAD spares the page body, but some servers answer it with 405 or 501, or
    hang up; those are asked again with GET (whose body is never read).
    """
    try:
        status = _request(url, "HEAD", timeout)
    except (ConnectionResetError, http.client.BadStatusLine):
        status = 405  # the server hung up on HEAD
    if status in (405, 501):
        status = _request(url, "GET", timeout)
    return status


class _KeepMethod(urllib.request.HTTPRedirectHandler):
    """Follow redirects with the same method (urllib turns HEAD into GET before 3.13)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
        return new


def _request(url: str, method: str, timeout: float) -> int:
    # The opener is built per request so that proxy settings are read from the
    # environment of this run (and tests can clear them).
    opener = urllib.request.build_opener(_KeepMethod)
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        if 300 <= error.code < 400:  # urllib gave up: a loop, too many hops, no Location
            raise urllib.error.URLError(f"redirect not followed: {error.reason}") from None
        return error.code


def check_urls(
    urls: Iterable[str],
    cache_path: Path,
    timeout: float = 10.0,
    max_age: float = 7 * 86400,
    fetch: Callable[[str, float], int] = fetch_status,
) -> dict[str, Result]:
    """The answer for each URL: from the cache when younger than ``max_age``, else fetched.

    ``timeout`` bounds each connection and each read, so one dead server costs
    seconds, not minutes; at most ``MAX_WORKERS`` requests run at once. Every
    answer, a failure too, is cached with its time: a re-run within ``max_age``
    sends no request at all (delete the cache file to ask again sooner).
    """
    wanted = list(dict.fromkeys(urls))
    cache = _load(cache_path)
    now = time.time()
    results = {
        u: cache[u] for u in wanted if u in cache and 0 <= now - cache[u].checked_at < max_age
    }
    todo = [u for u in wanted if u not in results]
    if todo:
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(todo))) as pool:
            answers = list(pool.map(lambda u: _check(u, timeout, fetch), todo))
        fresh = dict(zip(todo, answers, strict=True))
        results.update(fresh)
        _save(cache_path, {**cache, **fresh})
    return {u: results[u] for u in wanted}


def _check(url: str, timeout: float, fetch: Callable[[str, float], int]) -> Result:
    try:
        return Result(fetch(url, timeout), None, time.time())
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Result(None, _reason(error, timeout), time.time())


def _reason(error: Exception, timeout: float) -> str:
    """A short cause a writer can act on, not a traceback."""
    cause = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(cause, TimeoutError):
        return f"no answer within {timeout:g} s"
    return str(cause) or type(cause).__name__


def _load(path: Path) -> dict[str, Result]:
    """The cached answers; a missing or damaged cache is empty (it only saves requests)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    cache = {}
    for url, entry in raw.items() if isinstance(raw, dict) else ():
        if not isinstance(entry, dict) or not isinstance(entry.get("checked_at"), int | float):
            continue
        status, error = entry.get("status"), entry.get("error")
        if isinstance(status, int | None) and isinstance(error, str | None):
            cache[url] = Result(status, error, float(entry["checked_at"]))
    return cache


def _save(path: Path, cache: Mapping[str, Result]) -> None:
    """Write to a temporary file, then replace: an interrupted run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {url: asdict(result) for url, result in sorted(cache.items())}
    handle, name = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
            out.write("\n")
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def findings_for(results: Mapping[str, Result], places: Places) -> list[Finding]:
    """One ``broken-link`` error per place of each URL that did not answer 2xx or 3xx."""
    findings = []
    for url, result in results.items():
        if result.ok:
            continue
        verb = "answers" if result.status is not None else "cannot be reached:"
        message = f"the external link {url} {verb} {result.found} (update or remove the link)"
        what = ("broken-link", "error", message, "a reachable page", result.found)
        findings += [
            Finding(path, line, 1, *what, needle=url) for path, line in places.get(url, [])
        ]
    return sorted(findings, key=lambda f: f.sort_key)


def listing(places: Places, what: str = "external link(s)") -> str:
    """Each target, then the page and line of every link to it, for review by hand."""
    lines = []
    for url in sorted(places):
        lines.append(url)
        lines += [f"  {path}:{line}" for path, line in places[url]]
    pages = {path for where in places.values() for path, _ in where}
    lines.append(f"{len(places)} {what} on {len(pages)} page(s)")
    return "\n".join(lines) + "\n"
