"""MkDocs hooks: publish the top-level ``images/`` folder with the site, and the
machine-readable set-up files.

MkDocs only copies ``docs_dir``; the images live beside it so that every
language's pages share them. Each file becomes ``images/<name>`` in the site.
The set-up files (Thunderbird autoconfig, Outlook Autodiscover, Apple
profiles, DNS SRV records) are written after the build, at the paths the
README lists; ``guidekit export`` writes the same files elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from macros.model.frontmatter import refuse_front_matter_aliases
from macros.site.redirects import legacy_redirects
from macros.model.sourcemap import DataError
from macros.setup.files import project_setup_files, write_files

log = get_plugin_logger("guidekit")


def on_config(config):
    """Each page's old address (front matter ``legacy.url``, written by ``guidekit import``)
    redirects to the page, through the mkdocs-redirects plugin."""
    plugin = config.plugins.get("redirects")
    if plugin is None:
        return config
    root = Path(config.config_file_path).parent
    maps = dict(plugin.config.get("redirect_maps") or {})
    maps.update(legacy_redirects(root, str(config.site_url or "http://127.0.0.1:8000/")))
    plugin.config["redirect_maps"] = maps
    return config


def on_files(files: Files, config) -> Files:
    images = Path(config.config_file_path).parent / "images"
    for path in sorted(images.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            uri = "images/" + path.relative_to(images).as_posix()
            if files.get_file_from_path(uri) is None:
                files.append(
                    File(
                        uri,
                        src_dir=str(images.parent),
                        dest_dir=config.site_dir,
                        use_directory_urls=config.use_directory_urls,
                        dest_uri=uri,
                    )
                )
    return files


def on_page_read_source(page, config) -> str | None:
    """Refuse a page whose front matter holds a YAML alias before MkDocs builds its value:
    a few bytes of aliases expand to gigabytes in whatever walks the page's metadata. The
    text read is handed to MkDocs, which then does not read the file again; a file that is
    not UTF-8 is left to MkDocs, to report as it does."""
    try:
        text = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
    except (OSError, ValueError):
        return None
    try:
        refuse_front_matter_aliases(text, f"docs/{page.file.src_uri}")
    except DataError as exc:
        raise PluginError(f"{exc}\nnothing was built") from None
    return text


def on_post_build(config) -> None:
    # After each build, since File objects would follow the i18n plugin into every
    # language's folder; the i18n plugin rebuilds each language into the same site_dir,
    # so this runs once per language and writes the same bytes each time.
    root = Path(config.config_file_path).parent
    written = write_files(project_setup_files(root), Path(config.site_dir))
    log.debug("wrote %d machine-readable set-up files", len(written))
