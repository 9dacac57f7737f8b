"""Reading pages: Markdown (markdown-it) and built HTML read into the same units of text,
with their lines, headings, links, tables and lists. The checker reads pages through it,
and so does the site's translation status (which images and tables a page has). It
imports only the model, so that the site and the checker can share it without importing
each other.
"""
