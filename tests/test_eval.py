"""How sure the checker is, on real guides: ``make eval``'s scoring, and its labels.

The labels (``benchmarks/eval/labels/``) are facts about files of the corpus, read by hand;
the corpus itself stays outside the project. Without it these tests are skipped, saying so.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_check

RULE_IDS = set(__import__("macros.model.findings", fromlist=["RULES"]).RULES)
WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def test_labels_name_known_rules_and_languages() -> None:
    labels = eval_check.load_labels()
    assert len(labels) >= 100
    for path, label in labels.items():
        assert re.fullmatch(r"[a-z]{2}", label.lang), path
        for defect in label.defects:
            assert defect.rules <= RULE_IDS, (path, defect)
            assert defect.line >= 1, (path, defect)
            assert defect.reason, (path, defect)


def test_the_scorer_counts_hits_misses_and_false_positives() -> None:
    """On made-up labels and findings: every number of the table can move."""
    corpus = Path("/corpus")
    labels = {
        "a/guide.fr-fr.md": eval_check.Labelled(
            "a/guide.fr-fr.md",
            "fr",
            [eval_check.Defect(10, frozenset({"protocol-port"}), "x")],
            [30],
        ),
        "a/guide.de-de.md": eval_check.Labelled("a/guide.de-de.md", "de", [], []),
    }

    def finding(path: str, line: int, rule: str, severity: str = "error") -> dict:
        return {
            "path": f"/corpus/{path}",
            "line": line,
            "rule": rule,
            "severity": severity,
            "message": "m",
        }

    findings = [
        finding("a/guide.fr-fr.md", 11, "protocol-port"),  # a hit, one line off
        finding("a/guide.fr-fr.md", 10, "broken-link"),  # right line, rule not accepted
        finding("a/guide.fr-fr.md", 29, "contradiction"),  # on an unsure line: ignored
        finding("a/guide.de-de.md", 3, "value-mismatch"),  # an error on a clean file
        finding("a/guide.de-de.md", 4, "value-mismatch", "note"),  # notes are not scored
    ]
    scores = eval_check.score(corpus, labels, findings)
    fr, de = scores["fr"], scores["de"]
    assert (fr.defects, fr.hits, fr.errors, fr.true, len(fr.false), fr.ignored) == (
        1,
        1,
        2,
        1,
        1,
        1,
    )
    assert (de.clean_files, de.errors_in_clean, de.precision) == (1, 1, 0.0)
    overall = eval_check.total(scores)
    assert overall.recall == 1.0
    assert overall.precision == pytest.approx(1 / 3)
    assert eval_check.verdicts(scores, overall)  # precision and clean files miss the targets


def test_labels_quote_no_text_of_the_corpus(shared: Path) -> None:
    """A reason is in our words: no run of six words of it stands in the file it labels."""
    corpus = shared / "corpus"
    for path, label in eval_check.load_labels().items():
        text = " ".join(WORDS.findall((corpus / path).read_text(encoding="utf-8-sig").lower()))
        for defect in label.defects:
            words = WORDS.findall(defect.reason.lower())
            for start in range(len(words) - 5):
                run = " ".join(words[start : start + 6])
                assert f" {run} " not in f" {text} ", (path, defect.reason)


def test_the_checker_meets_its_targets_on_the_corpus(shared: Path) -> None:
    """``make eval``: precision and recall per language and overall, errors on clean files."""
    corpus = shared / "corpus"
    labels = eval_check.load_labels()
    assert eval_check.check_coverage(corpus, labels) == []
    findings = []
    for tree in sorted({p.split("/", 1)[0] for p in labels}):
        findings += eval_check.run_check(corpus / tree)
    scores = eval_check.score(corpus, labels, findings)
    overall = eval_check.total(scores)
    assert eval_check.verdicts(scores, overall) == [], eval_check.score_table(scores, overall)
