"""``guidekit import``: legacy guides turned into the project's macro-driven pages. Each value
the data agrees with becomes the macro that renders it, each refuted one stays as typed and
is reported; headings get ids stable across locales; the page proves it renders back to the
legacy text. It reads pages with ``text``, finds and judges values with ``check``, renders
with ``site``'s macros and loads ``model``; only the command line imports it.
"""
