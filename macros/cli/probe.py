"""``guidekit probe``: the command line of the server probe (macros/probe/).

Exit codes as for every guidekit command: 0 every endpoint probed matches the settings,
1 at least one does not, 2 bad usage or unreadable input (settings, --cafile).
"""

from __future__ import annotations

import argparse
import ssl
import sys
from pathlib import Path

from macros.model.project import Project
from macros.model.sourcemap import DataError, load_yaml
from macros.model.validation import load_settings
from macros.probe.report import json_report, text_result, text_summary
from macros.probe.run import probe
from macros.probe.targets import targets
from macros.probe.tls import tls_context


def register(sub: argparse._SubParsersAction) -> None:
    probe_cmd = sub.add_parser(
        "probe",
        help="connect to the offer's servers and prove the settings: greeting, SSL or "
        "STARTTLS, certificate, SMTP AUTH (exit 1 on a failure)",
    )
    probe_cmd.add_argument("--offer", help="the offer to probe (default: default_offer)")
    probe_cmd.add_argument("--settings", help="settings file (default: data/settings.yml)")
    probe_cmd.add_argument("--region", help="the region to probe (default: the offer's default)")
    probe_cmd.add_argument(
        "--cafile",
        help="PEM file of CA certificates to trust besides the system's (a private CA)",
    )
    probe_cmd.add_argument(
        "--timeout",
        type=seconds,
        default=10.0,
        metavar="S",
        help="seconds allowed for each endpoint, all its steps together (default: 10)",
    )
    probe_cmd.add_argument("--format", choices=("text", "json"), default="text")
    probe_cmd.set_defaults(func=cmd_probe)


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds in (0, 600]")
    return value


def cmd_probe(args: argparse.Namespace) -> int:
    path = Path(args.settings) if args.settings else Project(args.root).settings_path
    display = args.settings or Project(args.root).display(path)
    try:
        settings = load_settings(path, display)
        _, smap = load_yaml(path, display)
        found = targets(settings, smap, args.offer, args.region)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(
            "guidekit probe: the settings above cannot be read; nothing was probed", file=sys.stderr
        )
        return 2
    except LookupError as exc:
        print(f"guidekit probe: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.cafile:
        try:
            tls_context(args.cafile)
        except (OSError, ssl.SSLError) as exc:
            print(
                f"guidekit probe: --cafile {args.cafile}: not readable as PEM ({exc})",
                file=sys.stderr,
            )
            return 2
    results = []
    for target in found:
        result = probe(target, args.cafile, args.timeout)
        results.append(result)
        if args.format == "text":
            sys.stdout.write(text_result(result))
            sys.stdout.flush()  # endpoints can be slow: show each as it is known
    if args.format == "json":
        sys.stdout.write(json_report(results))
    else:
        sys.stdout.write(text_summary(results))
    return 1 if any(r.ok is False for r in results) else 0
