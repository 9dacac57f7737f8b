"""The site: what ``mkdocs build`` runs. The macros a page may call and their rendering in
the page's language, figures, the template check and its rehearsal, the translation
status of the project's pages, the hooks, git information, and the build made aside then
swapped in. It imports the model, the set-up files (for the download links and the files
published with the site) and the page reader (``text``); never the checker, the probe or
the command line.
"""
