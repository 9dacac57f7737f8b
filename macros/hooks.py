"""MkDocs hooks: publish the top-level ``images/`` folder with the site.

MkDocs only copies ``docs_dir``; the images live beside it so that every
language's pages share them. Each file becomes ``images/<name>`` in the site.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File, Files


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
