"""Compare NLU pipeline configurations on the development set (the measurement behind docs/nlu-pipeline.md).

    .venv/bin/python tests/nlu_components/compare_pipelines.py                 # every candidate
    .venv/bin/python tests/nlu_components/compare_pipelines.py --only diet100_norm lr_norm
    .venv/bin/python tests/nlu_components/compare_pipelines.py --config config.yml   # the pipeline in use
    .venv/bin/python tests/nlu_components/compare_pipelines.py --evaluate /tmp/m.tar.gz   # one trained model

For each candidate it trains an NLU-only model from nlu/*.yml into a temporary directory (never models/), then,
in a fresh process, loads it and parses every message of tests/nlu_components/dev.yml. It reports intent
accuracy, macro F1, training wall time, model load time, and for the FallbackClassifier a sweep of
(threshold, ambiguity_threshold): how many messages would be answered right, answered wrong, or sent to
"maksudnya…?" / fallback. Results: JSON and Markdown in --out (default /tmp/lingkar-nlu-compare).

This is a measurement tool, not a test: it takes minutes per candidate on a 2-core machine. It never reads
tests/nlu/ (the independent held-out set).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "tests" / "nlu_components" / "dev.yml"
sys.path.insert(0, str(ROOT))

from scripts.nlu_eval import load_examples as load_dev  # noqa: E402  (the held-out evaluation's reader and scores)
from scripts.nlu_eval import per_intent_scores  # noqa: E402

ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONPATH": str(ROOT)}

_WS = "  - name: WhitespaceTokenizer\n"
_NORM = "  - name: rasa_plugins.nlu.tokenizer.LingkarTokenizer\n"
_FEATS = ("  - name: CountVectorsFeaturizer\n"
          "  - name: CountVectorsFeaturizer\n    analyzer: char_wb\n    min_ngram: 2\n    max_ngram: 4\n")
_FEATS_WORD_ONLY = "  - name: CountVectorsFeaturizer\n"
_TAIL = ("  - name: rasa_plugins.nlu.entities.LingkarEntityExtractor\n"
         "  - name: FallbackClassifier\n    threshold: 0.3\n    ambiguity_threshold: 0.1\n")


_FEATS_W12 = _FEATS.replace("CountVectorsFeaturizer\n  - name", "CountVectorsFeaturizer\n    max_ngram: 2\n  - name", 1)


def _scaled(c: int, extra: str = "") -> str:
    return (f"  - name: rasa_plugins.nlu.classifier.LingkarIntentClassifier\n    C: {c}\n    max_iter: 1000\n"
            f"{extra}")


def _diet(epochs: int, extra: str = "") -> str:
    return (f"  - name: DIETClassifier\n    epochs: {epochs}\n    entity_recognition: false\n"
            f"    constrain_similarities: true\n{extra}")


CANDIDATES: Dict[str, str] = {
    # DIET with word + char_wb n-grams, plain whitespace tokenizer (the skeleton's pipeline)
    "diet100_ws": _WS + _FEATS + _diet(100),
    # the same with the normalising tokenizer
    "diet100_norm": _NORM + _FEATS + _diet(100),
    "diet50_norm": _NORM + _FEATS + _diet(50),
    "diet200_norm": _NORM + _FEATS + _diet(200),
    # a smaller DIET (one transformer layer of 128, fewer epochs): faster training
    "diet60_small_norm": _NORM + _FEATS + _diet(60, "    number_of_transformer_layers: 1\n"
                                                    "    transformer_size: 128\n"
                                                    "    hidden_layers_sizes:\n      text: [128]\n"),
    # linear models on the same sparse features
    "lr_norm": _NORM + _FEATS + "  - name: LogisticRegressionClassifier\n    max_iter: 200\n",
    "lr_ws": _WS + _FEATS + "  - name: LogisticRegressionClassifier\n    max_iter: 200\n",
    "diet100_norm_wordonly": _NORM + _FEATS_WORD_ONLY + _diet(100),
    # second round: variance of DIET across random seeds, and LR with longer character n-grams
    "diet50_norm_seed1": _NORM + _FEATS + _diet(50, "    random_seed: 1\n"),
    "diet50_norm_seed2": _NORM + _FEATS + _diet(50, "    random_seed: 2\n"),
    "diet100_norm_seed1": _NORM + _FEATS + _diet(100, "    random_seed: 1\n"),
    "lr_norm_iter1000": _NORM + _FEATS + "  - name: LogisticRegressionClassifier\n    max_iter: 1000\n",
    "lr_norm_iter500": _NORM + _FEATS + "  - name: LogisticRegressionClassifier\n    max_iter: 500\n",
    "lr_norm_char15": _NORM + _FEATS.replace("min_ngram: 2\n    max_ngram: 4", "min_ngram: 1\n    max_ngram: 5")
    + "  - name: LogisticRegressionClassifier\n    max_iter: 200\n",
    # third round: logistic regression on log-damped, unit-length features with less regularisation, word
    # bigrams, and the damping of messages without a single known word (rasa_plugins/nlu/classifier.py)
    "lr_scaled_c100": _NORM + _FEATS + _scaled(100),
    "lr_scaled_c30_w12": _NORM + _FEATS_W12 + _scaled(30),
    "lr_scaled_c100_w12": _NORM + _FEATS_W12 + _scaled(100),
    "lr_scaled_c100_w12_damped": _NORM + _FEATS_W12 + _scaled(100, "    unknown_words_factor: 0.4\n"),
}


# Messages the bot should not answer as if it understood them: gibberish, stray characters, other languages,
# half-messages. Used only to see how the FallbackClassifier thresholds treat them (not part of accuracy).
NOISE = ["asdfgh", "???", "...", "wkwkwk", "hmmm", "zzz", "123", "ok ok ok ok", "kjdfhskjdf", "xixixi",
         "bsk lg", "yg td", "itu loh", "gimana ya", "terus", "apa", "kok gitu", "lah", "hah", "oh",
         "the quick brown fox", "what is the weather", "我想问一下", "mau nanya yg kemarin itu",
         "sy bingung", "tolong dong yg itu", "kenapa begitu", "bisa ga", "nah itu", "jadi gimana"]


def config_text(pipeline: str) -> str:
    return ("recipe: default.v1\nassistant_id: lingkar-compare\nlanguage: id\npipeline:\n" + pipeline + _TAIL
            + "policies:\n  - name: RulePolicy\n  - name: MemoizationPolicy\n")


async def _predict(model: Path, texts: List[str]):
    from rasa.core.agent import Agent

    t0 = time.monotonic()
    agent = Agent.load(str(model))
    load_s = time.monotonic() - t0
    out = []
    t1 = time.monotonic()
    for text in texts:
        parsed = await agent.parse_message(text)
        ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        out.append({"ranking": [(r["name"], float(r["confidence"])) for r in ranking[:5]],
                    "entities": [{k: e[k] for k in ("entity", "value")} for e in parsed.get("entities", [])]})
    parse_ms = (time.monotonic() - t1) * 1000 / max(1, len(texts))
    return load_s, parse_ms, out


def scores(pairs):
    """(accuracy, macro F1, F1 per intent) over the intents of the development set."""
    per = {lab: s["f1"] for lab, s in per_intent_scores(pairs).items() if s["support"]}
    acc = sum(1 for e, p in pairs if e == p) / len(pairs)
    return acc, sum(per.values()) / len(per), per


def fallback_sweep(gold: List[str], preds: List[dict]):
    """For each (threshold, ambiguity): share answered right, answered wrong, clarified ('maksudnya…?'), fallback."""
    rows = []
    for thr in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        for amb in (0.0, 0.05, 0.1, 0.15, 0.2):
            right = wrong = clarify = fallback = clarify_has_gold = 0
            for g, p in zip(gold, preds):
                rk = p["ranking"]
                top, conf = rk[0]
                second = rk[1][1] if len(rk) > 1 else 0.0
                if conf < thr:
                    fallback += 1
                elif amb and conf - second < amb:
                    clarify += 1
                    clarify_has_gold += g in (top, rk[1][0] if len(rk) > 1 else None)
                elif top == g:
                    right += 1
                else:
                    wrong += 1
            n = len(gold)
            rows.append({"threshold": thr, "ambiguity_threshold": amb, "right": right / n, "wrong": wrong / n,
                         "clarify": clarify / n, "fallback": fallback / n,
                         "clarify_offers_gold": clarify_has_gold / clarify if clarify else None})
    return rows


def slang_variant(text: str, rng) -> str:
    """Rewrite every word that has chat spellings in content/slang.yml into one of them ("saya" → "sy"/"gue").

    Measures how much a pipeline depends on having seen a spelling in training (the lexicon's whole point).
    """
    import re

    from rasa_plugins.nlu.lexicon import SlangLexicon

    lex = SlangLexicon.load()
    reverse: Dict[str, List[str]] = collections.defaultdict(list)
    for k, v in sorted(lex.words.items()):
        if " " not in v and re.fullmatch(r"[a-z]+", k) and k != v:
            reverse[v].append(k)
    out = []
    for w in text.split():
        canon = lex.normalise_word(w)
        options = reverse.get(canon) or reverse.get(w.lower())
        out.append(rng.choice(options) if options else w)
    return " ".join(out)


def typo_variant(text: str, rng) -> str:
    """One typo in about a third of the words of 5+ letters: a dropped vowel, swapped or doubled letters."""
    out = []
    for w in text.split():
        if len(w) >= 5 and w.isalpha() and rng.random() < 0.35:
            i = rng.randrange(1, len(w) - 1)
            kind = rng.choice(("drop", "swap", "double"))
            if kind == "drop":
                w = w[:i] + w[i + 1:]
            elif kind == "swap":
                w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            else:
                w = w[:i] + w[i] * 3 + w[i + 1:]
        out.append(w)
    return " ".join(out)


def noise_sweep(preds: List[dict]):
    """For each (threshold, ambiguity): share of NOISE messages that are NOT answered as a confident topic."""
    rows = []
    for thr in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        for amb in (0.0, 0.05, 0.1, 0.15, 0.2):
            held = 0
            for p in preds:
                rk = p["ranking"]
                top, conf = rk[0]
                second = rk[1][1] if len(rk) > 1 else 0.0
                if conf < thr or (amb and conf - second < amb) or top == "out_of_scope":
                    held += 1
            rows.append({"threshold": thr, "ambiguity_threshold": amb, "held_back": held / len(preds)})
    return rows


def evaluate(model: Path, dev: Path) -> dict:
    import random

    examples = load_dev(dev)
    n = len(examples)
    rng = random.Random(7)
    slang = [slang_variant(t, rng) for t, _ in examples]
    typos = [typo_variant(t, rng) for t, _ in examples]
    load_s, parse_ms, preds = asyncio.run(_predict(model, [t for t, _ in examples] + NOISE + slang + typos))
    noise_preds = preds[n:n + len(NOISE)]
    slang_preds = preds[n + len(NOISE):2 * n + len(NOISE)]
    typo_preds = preds[2 * n + len(NOISE):]
    preds = preds[:n]
    gold = [g for _, g in examples]
    pairs = [(g, p["ranking"][0][0]) for g, p in zip(gold, preds)]
    acc, macro, per = scores(pairs)
    conf = collections.Counter((g, p) for g, p in pairs if g != p)
    errors = [{"text": t, "gold": g, "pred": p["ranking"][0][0], "conf": round(p["ranking"][0][1], 3)}
              for (t, g), p in zip(examples, preds) if g != p["ranking"][0][0]]
    slang_acc = sum(p["ranking"][0][0] == g for (_, g), p in zip(examples, slang_preds)) / n
    typo_acc = sum(p["ranking"][0][0] == g for (_, g), p in zip(examples, typo_preds)) / n
    return {"n": len(examples), "accuracy": acc, "macro_f1": macro, "slang_accuracy": slang_acc,
            "typo_accuracy": typo_acc, "slang_examples": slang[:12], "typo_examples": typos[:12],
            "load_s": load_s, "parse_ms": parse_ms,
            "per_intent_f1": per, "confusions": [[g, p, c] for (g, p), c in conf.most_common(25)],
            "errors": errors, "sweep": fallback_sweep(gold, preds), "noise_sweep": noise_sweep(noise_preds),
            "noise_top": [[t, p["ranking"][0][0], round(p["ranking"][0][1], 3)] for t, p in zip(NOISE, noise_preds)],
            "confidence_right": _quantiles([p["ranking"][0][1] for g, p in zip(gold, preds)
                                            if p["ranking"][0][0] == g]),
            "confidence_wrong": _quantiles([p["ranking"][0][1] for g, p in zip(gold, preds)
                                            if p["ranking"][0][0] != g])}


def _quantiles(xs: List[float]):
    if not xs:
        return {}
    xs = sorted(xs)
    return {q: round(xs[min(len(xs) - 1, int(q / 100 * len(xs)))], 3) for q in (10, 25, 50, 75, 90)}


def train(name: str, workdir: Path, nlu_dir: Path, config: Path | None = None) -> tuple[Path, float]:
    cfg = workdir / f"{name}.yml"
    cfg.write_text(config.read_text() if config else config_text(CANDIDATES[name]))
    log = workdir / f"{name}.train.log"
    t0 = time.monotonic()
    with log.open("w") as fh:
        subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "train", "nlu", "--config", str(cfg), "--nlu",
                        str(nlu_dir), "--out", str(workdir), "--fixed-model-name", name],
                       cwd=ROOT, env=ENV, stdout=fh, stderr=subprocess.STDOUT, check=True)
    return workdir / f"{name}.tar.gz", time.monotonic() - t0


def markdown(results: Dict[str, dict]) -> str:
    lines = ["| config | accuracy | macro F1 | slang-shifted acc | typo acc | train s | load s | parse ms/msg |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r.get('slang_accuracy', 0):.3f} | "
                     f"{r.get('typo_accuracy', 0):.3f} | {r.get('train_s', 0):.0f} | {r['load_s']:.1f} | "
                     f"{r['parse_ms']:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", choices=sorted(CANDIDATES), help="candidates to run (default: all)")
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--nlu", type=Path, default=ROOT / "nlu")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "lingkar-nlu-compare")
    ap.add_argument("--evaluate", type=Path, help="evaluate this trained model only; print JSON")
    ap.add_argument("--no-train", action="store_true", help="re-evaluate models already in --out")
    ap.add_argument("--config", type=Path, help="measure this config file (e.g. config.yml) as candidate 'config'")
    args = ap.parse_args()

    if args.evaluate:
        print(json.dumps(evaluate(args.evaluate, args.dev)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    names = ["config"] if args.config else (args.only or list(CANDIDATES))
    for name in names:
        if args.no_train:
            model, train_s = args.out / f"{name}.tar.gz", results.get(name, {}).get("train_s", 0.0)
            if not model.exists():
                continue
        else:
            model, train_s = train(name, args.out, args.nlu, args.config)
        proc = subprocess.run([sys.executable, __file__, "--evaluate", str(model), "--dev", str(args.dev)],
                              cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        r["train_s"] = train_s
        results[name] = r
        results_path.write_text(json.dumps(results, indent=1))
        print(f"{name}: acc {r['accuracy']:.3f} macroF1 {r['macro_f1']:.3f} train {train_s:.0f}s "
              f"load {r['load_s']:.1f}s", flush=True)
    (args.out / "results.md").write_text(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
