"""The model: what the project's data says, loaded once and validated, with every value's
``file:line``. The settings (offers, regions, hosts, ports), the labels, the clients, a
page's front matter, the project's folders and languages, and the two shapes of a problem
(``Problem`` for data, ``Finding`` for pages). It knows no output, no MkDocs, no checker:
it imports no other wing, and every other wing may import it.
"""
