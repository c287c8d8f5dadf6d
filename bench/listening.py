#!/usr/bin/env python
"""How well reports/listening tells negative from positive reviews, how fast and in how much memory.

    .venv/bin/python bench/listening.py [--dataset ../shared/datasets/sentiment_fr_dev/reviews.csv]

The dataset (French bank customers' reviews with their star ratings, columns text,label) is read where it lies
and never copied into the project. Reviews of 1-2 stars are negative, 4-5 positive, 3 left out; a review is
predicted positive when its sentiment score is above 0 (a neutral text counts as negative here).

The reviews are split by a hash of their text: 70 % "tuning" (what the lexicon was adjusted on), 30 % "held
out" (never looked at while tuning), to check that what was tuned generalises. Goals: macro-F1 >= 0.80, at
least 200 texts/s for the whole analysis (language, sentiment, scrubbing), peak memory under 1 GB.

If textblob-fr happens to be installed, its lexicon is scored alongside for comparison. The last line is one
JSON object.
"""

import argparse
import csv
import json
import resource
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.listening.language import detect_language  # noqa: E402
from reports.listening.scrub import scrub  # noqa: E402
from reports.listening.sentiment import sentiment, sentiment_score  # noqa: E402

DATASET = ROOT.parent / "shared" / "datasets" / "sentiment_fr_dev" / "reviews.csv"
CLASSES = ("negative", "positive")


def reviews_read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [(row["text"], int(row["label"])) for row in csv.DictReader(handle)]
    return [(text, "negative" if stars <= 2 else "positive") for text, stars in rows if stars != 3]


def held_out(text):
    return zlib.crc32(text.encode()) % 10 >= 7


def scores(truth, predicted):
    per_class = {}
    for name in CLASSES:
        tp = sum(t == name and p == name for t, p in zip(truth, predicted))
        fp = sum(t != name and p == name for t, p in zip(truth, predicted))
        fn = sum(t == name and p != name for t, p in zip(truth, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_class[name] = round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0
    accuracy = sum(t == p for t, p in zip(truth, predicted)) / len(truth) if truth else 0.0
    return {
        "n": len(truth),
        "accuracy": round(accuracy, 3),
        "macro_f1": round(sum(per_class.values()) / len(CLASSES), 3),
        "f1": per_class,
    }


def evaluate(reviews, score):
    result = {}
    for part, keep in (("all", lambda t: True), ("tuning", lambda t: not held_out(t)), ("held_out", held_out)):
        chosen = [(text, label) for text, label in reviews if keep(text)]
        predicted = ["positive" if score(text) > 0 else "negative" for text, _ in chosen]
        result[part] = scores([label for _, label in chosen], predicted)
    return result


def throughput(texts, seconds=2.0):
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            detect_language(text)
            sentiment(text)
            scrub(text)
        done += len(texts)
    return round(done / (time.perf_counter() - started))


def textblob_fr_score():
    try:
        from textblob_fr import PatternAnalyzer
    except ImportError:
        return None
    analyzer = PatternAnalyzer()
    return lambda text: analyzer.analyze(text)[0] - 0.1  # its best cut on this set is at 0.1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(DATASET))
    args = parser.parse_args()
    reviews = reviews_read(args.dataset)
    result = {"lexicon": evaluate(reviews, sentiment_score)}
    result["texts_per_s"] = throughput([text for text, _ in reviews])
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    other = textblob_fr_score()
    if other is not None:
        result["textblob_fr"] = evaluate(reviews, other)
    for name in ("lexicon", "textblob_fr"):
        for part, figures in result.get(name, {}).items():
            print(
                f"{name:12} {part:9} n={figures['n']:4} accuracy {figures['accuracy']:.3f} macro-F1 {figures['macro_f1']:.3f}"
            )
    print(f"{result['texts_per_s']} texts/s (language, sentiment, scrubbing), peak RSS {result['peak_rss_mb']} MB")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
