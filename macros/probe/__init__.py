"""The live probe: each endpoint the settings publish, connected to for real, its greeting,
TLS, certificate and SMTP AUTH held to what the data says. Targets, checks, certificates,
the wire protocols and the report. It imports only the model: the servers are compared
with the data, not with the pages.
"""
