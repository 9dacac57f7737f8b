"""``guidekit check``: pages held against the data and against themselves. Scanning units
for hosts, ports and the vocabulary's words, binding each claim to a protocol, direction
and security, the rules and statements, links, anchors and images, legacy locale drift,
the set-up files of a built site, and the reports (text, JSON, SARIF). It reads pages with
``text``, renders the project's pages with the site's macros, and compares set-up files
with ``setup``; it never imports the probe or the command line.
"""
