"""The set-up files: what mail clients read to configure themselves (Thunderbird
autoconfig, Outlook Autodiscover, Apple profiles, DNS SRV records), built from the model
alone. It imports only the model, so that the site publishes these files and the checker
compares them without either being needed to make them.
"""
