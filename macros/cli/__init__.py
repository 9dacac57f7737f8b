"""The ``guidekit`` command: arguments in, exit codes out, for every subcommand (build,
check, translations, schema, export, probe). The one wing that parses arguments, and the
top of the house: it may import every other wing, and none imports it.
"""
