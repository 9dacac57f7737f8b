"""How sure is the checker: ``guidekit check`` over real legacy guides, scored against labels.

The labels (``benchmarks/eval/labels/``) were written by reading each file of the corpus:
every real defect (line, the rules that may report it, a reason in our words), the lines
where a reader cannot tell (``unsure``: a finding there counts neither way), and the files
judged clean. They are facts about the files and quote none of their text.

Scoring: an error finding within one line of a labelled defect whose rules include the
finding's rule is a hit; any other error finding is a false positive (unless it falls on an
``unsure`` line). Recall is the share of defects hit, precision the share of error findings
that are hits; both per language (the label's ``lang``) and overall, with the error findings
per clean file. Notes and warnings are not scored: they do not fail a CI run.

    .venv/bin/python benchmarks/eval_check.py ../shared/corpus [--verbose] [--json]

Exits 1 when a target is missed, 2 when the labels and the corpus disagree (a labelled file
is missing, a guide file has no label).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from common import table

ROOT = Path(__file__).resolve().parent.parent
LABELS = Path(__file__).resolve().parent / "eval" / "labels"
TARGETS = {"precision": 0.95, "recall": 0.90, "errors_per_clean_file": 0.05}
MIN_LABELS = 5  # a language is held to the targets from this many labelled defects


@dataclass
class Defect:
    line: int
    rules: frozenset[str]
    reason: str
    hit: bool = False


@dataclass
class Labelled:
    path: str  # relative to the corpus root
    lang: str
    defects: list[Defect]
    unsure: list[int]


@dataclass
class Score:
    defects: int = 0
    hits: int = 0
    errors: int = 0
    true: int = 0
    ignored: int = 0
    clean_files: int = 0
    errors_in_clean: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.hits / self.defects if self.defects else 1.0

    @property
    def precision(self) -> float:
        return self.true / self.errors if self.errors else 1.0

    @property
    def per_clean(self) -> float:
        return self.errors_in_clean / self.clean_files if self.clean_files else 0.0


def load_labels(folder: Path = LABELS) -> dict[str, Labelled]:
    out: dict[str, Labelled] = {}
    for path in sorted(folder.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        base = data["folder"]
        for name, entry in (data.get("files") or {}).items():
            defects = [
                Defect(int(d["line"]), frozenset(d["rules"]), str(d.get("reason", "")))
                for d in entry.get("defects") or []
            ]
            unsure = [int(u["line"]) for u in entry.get("unsure") or []]
            out[f"{base}/{name}"] = Labelled(f"{base}/{name}", entry["lang"], defects, unsure)
    return out


def run_check(tree: Path) -> list[dict]:
    """The findings of ``guidekit check TREE`` as a user runs it, in JSON."""
    command = [str(Path(sys.executable).with_name("guidekit")), "check", str(tree)]
    result = subprocess.run(
        [*command, "--format", "json"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"guidekit check {tree} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)["findings"]


def score(corpus: Path, labels: dict[str, Labelled], findings: list[dict]) -> dict[str, Score]:
    by_lang: dict[str, Score] = defaultdict(Score)
    errors_of: dict[str, list[dict]] = defaultdict(list)
    for finding in findings:
        if finding["severity"] != "error":
            continue
        where = (ROOT / finding["path"]).resolve()
        try:
            relative = where.relative_to(corpus.resolve()).as_posix()
        except ValueError:
            relative = finding["path"]
        errors_of[relative].append(finding)
    unlabelled = sorted(set(errors_of) - set(labels))
    if unlabelled:
        raise SystemExit(f"error findings on files without labels: {', '.join(unlabelled)}")
    for path, label in labels.items():
        mine = by_lang[label.lang]
        mine.defects += len(label.defects)
        clean = not label.defects
        mine.clean_files += clean
        for finding in errors_of.get(path, []):
            line, rule = finding["line"], finding["rule"]
            matched = [d for d in label.defects if abs(d.line - line) <= 1 and rule in d.rules]
            shown = f"{path}:{line}: [{rule}] {finding['message'][:140]}"
            if matched:
                mine.errors += 1
                mine.true += 1
                for defect in matched:
                    defect.hit = True
            elif any(abs(u - line) <= 1 for u in label.unsure):
                mine.ignored += 1
            else:
                mine.errors += 1
                mine.false.append(shown)
                mine.errors_in_clean += clean
        for defect in label.defects:
            if defect.hit:
                mine.hits += 1
            else:
                rules = ", ".join(sorted(defect.rules))
                mine.misses.append(f"{path}:{defect.line}: [{rules}] {defect.reason}")
    return dict(by_lang)


def total(scores: dict[str, Score]) -> Score:
    out = Score()
    for s in scores.values():
        for name in ("defects", "hits", "errors", "true", "ignored", "clean_files"):
            setattr(out, name, getattr(out, name) + getattr(s, name))
        out.errors_in_clean += s.errors_in_clean
        out.misses += s.misses
        out.false += s.false
    return out


def verdicts(scores: dict[str, Score], overall: Score) -> list[str]:
    """Each target missed, in words; empty when every target is met."""
    missed = []
    held = {"all": overall} | {k: v for k, v in scores.items() if v.defects >= MIN_LABELS}
    for name, s in held.items():
        if s.precision < TARGETS["precision"]:
            missed.append(f"{name}: precision {s.precision:.2f} < {TARGETS['precision']}")
        if s.recall < TARGETS["recall"]:
            missed.append(f"{name}: recall {s.recall:.2f} < {TARGETS['recall']}")
    if overall.per_clean > TARGETS["errors_per_clean_file"]:
        missed.append(
            f"all: {overall.per_clean:.3f} error findings per clean file "
            f"> {TARGETS['errors_per_clean_file']}"
        )
    return missed


def score_table(scores: dict[str, Score], overall: Score) -> str:
    head = (
        "lang",
        "defects",
        "hits",
        "recall",
        "errors",
        "false",
        "precision",
        "clean",
        "err/clean",
    )
    rows = [
        (
            name,
            str(s.defects),
            str(s.hits),
            f"{s.recall:.2f}",
            str(s.errors),
            str(len(s.false)),
            f"{s.precision:.2f}",
            str(s.clean_files),
            f"{s.per_clean:.3f}",
        )
        for name, s in [*sorted(scores.items()), ("all", overall)]
    ]
    return table(head, rows)


def check_coverage(corpus: Path, labels: dict[str, Labelled]) -> list[str]:
    """Labelled files that are not in the corpus, guide files that have no label."""
    problems = [f"labelled but not found: {p}" for p in labels if not (corpus / p).is_file()]
    trees = {p.split("/", 1)[0] for p in labels}
    for tree in sorted(trees):
        for guide in sorted((corpus / tree).rglob("guide.*.md")):
            relative = guide.relative_to(corpus).as_posix()
            if relative not in labels:
                problems.append(f"not labelled: {relative}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the corpus folder (e.g. ../shared/corpus)")
    parser.add_argument("--verbose", action="store_true", help="list every miss and false hit")
    parser.add_argument("--json", action="store_true", help="the scores as JSON")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not corpus.is_dir():
        print(f"{corpus} not found: nothing to evaluate (make eval CORPUS=path/to/corpus)")
        return 0
    labels = load_labels()
    problems = check_coverage(corpus, labels)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    findings = []
    for tree in sorted({p.split("/", 1)[0] for p in labels}):
        findings += run_check(corpus / tree)
    scores = score(corpus, labels, findings)
    overall = total(scores)
    missed = verdicts(scores, overall)
    if args.json:
        payload = {
            lang: {
                "defects": s.defects,
                "hits": s.hits,
                "recall": round(s.recall, 4),
                "errors": s.errors,
                "false_positives": len(s.false),
                "precision": round(s.precision, 4),
                "clean_files": s.clean_files,
                "errors_per_clean_file": round(s.per_clean, 4),
            }
            for lang, s in [*sorted(scores.items()), ("all", overall)]
        }
        print(json.dumps({"scores": payload, "missed": missed}, indent=2))
        return 1 if missed else 0
    print(f"guidekit check over {corpus}: {len(labels)} labelled files")
    print(score_table(scores, overall))
    print(
        f"targets: precision >= {TARGETS['precision']}, recall >= {TARGETS['recall']} overall "
        f"and in every language with >= {MIN_LABELS} defects; <= "
        f"{TARGETS['errors_per_clean_file']} error findings per clean file"
    )
    if args.verbose or missed:
        for line in overall.false:
            print(f"false: {line}")
        for line in overall.misses:
            print(f"missed: {line}")
    print("targets met" if not missed else "targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
