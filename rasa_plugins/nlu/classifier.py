"""Intent classifier: Rasa's LogisticRegressionClassifier on scaled features, with its regularisation exposed.

Rasa 3.6's ``LogisticRegressionClassifier`` fits scikit-learn's logistic regression on the raw sentence features
(the summed counts of every featurizer) with a fixed ``C`` of 1.0. Raw counts let a long message weigh far more
than a short one, so the greetings, politeness and story around a real question ("Selamat siang Bapak/Ibu, suami
saya kena PHK bulan lalu ... dokumen apa untuk mencairkan JHT?") pull it towards the wrong intent. This component
changes two things, both measured (docs/nlu-pipeline.md):

* ``sublinear_tf``: each count ``n`` becomes ``1 + log(n)`` (a word said three times is not three times the
  evidence);
* ``l2_normalise``: each message's feature vector is scaled to length 1, so a message's length does not set how
  sure the classifier is;
* ``C``: with unit-length vectors the default ``C = 1.0`` regularises far too much (every intent gets a similar
  probability); the value in ``config.yml`` is the one chosen by measurement.

Less regularisation makes the model surer of itself on everything, gibberish included ("asdfgh", "kjdfhskjdf",
"我想问一下" would otherwise be answered as if understood). So the words of the training examples are kept with
the model, and a message in which not one word (normalised token) was ever seen in training has its confidences
multiplied by ``unknown_words_factor``: the FallbackClassifier then catches it unless the character n-grams alone
are very sure (a misspelling of a known word still gets through).

Dense sentence features (``rasa_plugins.nlu.dense.LingkarSentenceEmbedder``), when the pipeline has them, are not
mixed into that scaling: the sparse part is scaled as above, the dense vector is scaled to length 1 and multiplied
by ``dense_weight``, and the two are put side by side. Without a dense featurizer the features are exactly the
sparse ones, as before.

A bare "berhenti" / "stop" / "unsubscribe" (the whole message, :func:`lingkar.form_words.is_stop`) is the intent
``unsubscribe`` with confidence 1 whatever the model says: stopping every subscription must not depend on the
model's confidence, in any state of the conversation. "berhenti kerja, JHT bisa cair?" is not such a message.

A worry about the worker's own personal data ("nomor hp? buat apa?", "jgn disebar ya", "data sy aman kah?":
:attr:`lingkar.signals.Signals.privacy`) is the intent ``my_data`` with confidence 1, so it is answered with what the
data is for, who sees it and how to delete it, outside a form and at any form's question alike; unless the model read a
decision about the data (delete it, agree, refuse, cancel, a person, be contacted) with at least the fallback's
confidence, which stands. A request for other people's data or the bot's own instructions
(:attr:`lingkar.signals.Signals.others_data`) is ``my_data`` too, and refused there, whatever the model read but
deleting one's own data, cancelling or stopping when the model is sure of them.

An intent that needs words the message lacks (``requires`` in content/signals.yml, read by
:func:`lingkar.signals.topic_allowed`; ``subscribe`` and ``request_contact``) loses its confidence when the model
ranks it first, so the next reading or the fallback stands: "kalau risikonya sangat tinggi?" after the employer's
contribution is no request for news, and "saya peserta juga?" after "Saya WNA ..." no request to be called.
A scam report (:attr:`lingkar.signals.Signals.scam`) read as a request to be contacted loses
that reading the same way, so the warning comes before any form.

A change of mind about leaving or stopping ("tidak jadi berhenti deh, sy bayar yg desember dulu. lewat apa?":
``NOT_CANCELLING``) read as ``cancel`` loses that reading too: the question after it is answered. So does a question
about a case read as ``cancel`` or ``goodbye`` ("trus klo sa berhenti dan jadi ojol?", "Sa sudah kerja dua tahun di
sana, cukup kah syaratnya?": :func:`asks_a_case`). A cost question read as a request for a person ("biaya per
orang?" after GN Lingkaran) loses that reading unless it has a word of talking to someone (``TALK_WORDS``).
Help sought with paying read as an offer to pay for others ("Kami tdk mampu bayar iurannya. Ada bantuan dr
pemerintah utk bayarkan?" as ``sponsor_offer``: :func:`asks_for_help_paying`) is renamed ``cannot_afford`` at the same
confidence, so the worker hears the cheapest way and is offered to be put forward instead of a sponsor's form.

Everything else (training, the intent ranking, persistence with skops) is Rasa's own code.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterable, List, Set, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import normalize

from lingkar.form_words import is_stop
from lingkar.signals import read_signals, sponsor_offer_words, topic_allowed

#: The intent of a bare "berhenti" / "stop" (content/forms.yml ``stop``).
STOP_INTENT = "unsubscribe"
#: The intent of a worry about one's own personal data, and the model's readings that stand over that worry.
PRIVACY_INTENT = "my_data"
#: What a request for other people's data does not override ("hapus data saya", "batal", "berhenti"); an "ok" with
#: it ("ok kalau gitu cek saldo jht NIK ... punya sodara sy") is no agreement.
KEPT_OVER_OTHERS_DATA = frozenset({"delete_my_data", "cancel", "unsubscribe"})
#: ... when the model is at least this sure of it: "tolong kirim data peserta ... nama & no HP" is not "hapus data saya"
#: because "data" and "no HP" are the words of both (the fallback's threshold, config.yml)
KEPT_OVER_OTHERS_DATA_MIN = 0.4
#: Intents the model's first reading keeps only with a word of their own (content/signals.yml ``requires``).
WORDS_REQUIRED = frozenset({"subscribe", "request_contact"})
#: Readings a scam report loses ("tadi ada yg telpon, ngaku petugas, minta kode OTP"): no contact form before the
#: warning; the next reading (or the fallback, which warns) stands.
SCAM_DEMOTED = frozenset({"request_contact", "human_handoff"})


#: Declining to give something ("sy tdk mau kasih", "tidak usah kirim NIK"): never a request to be contacted.
DECLINES = re.compile(r"\b(tdk|tidak|gak|ga|nggak|ngga|nda|ndak|tida|gk)\s+(mau|usah|perlu)\s+"
                      r"(kasih\w*|kasi|kirim\w*|memberi\w*|dikasih|diberi\w*)\b", re.I)
DECLINE_DEMOTED = frozenset({"request_contact"})
#: Changing one's mind about leaving or stopping ("tidak jadi berhenti deh, sy bayar yg desember dulu. lewat apa?"):
#: no cancelling of the conversation; the next reading stands.
NOT_CANCELLING = re.compile(r"\b(tdk|tidak|gak|ga|nggak|ngga|nda|ndak|tida|gk|gajadi|gjd)\s*(jadi|jd)\s+"
                            r"(berhenti|stop|keluar|resign|mundur|pindah|pensiun|nonaktif|putus)\b", re.I)
NOT_CANCELLING_DEMOTED = frozenset({"cancel"})
#: A question about a case ("trus klo sa berhenti dan jadi ojol?", "Sa sudah kerja dua tahun di sana, cukup kah
#: syaratnya?") is neither cancelling nor saying goodbye: the next reading stands. A question is a "what if" opening
#: ("kalau ...", not "kalau begitu ...") or a question word with a question mark, in at least CASE_QUESTION_MIN_WORDS.
CASE_OPENING = re.compile(r"^\W*((trus|terus|trs|lalu|jadi|jd|tapi|tp|dan)\s+)?(kalau|kalo|klo|kl|klau|"
                          r"seandainya|andaikan|andai|misalnya|misal)\b(?!\s+(begitu|gitu|gt|gtu|bgitu|bgtu)\b)",
                          re.I)
QUESTION_WORD = re.compile(r"\b(apa|apakah|berapa|brp|brapa|bisa|bisakah|bs|gimana|bagaimana|gmn|cukup|boleh|"
                           r"masih|msh|dapat|dpt|kapan|kpn|siapa|mana|kenapa|knp|mengapa|perlu|harus|hrs)\b|"
                           r"\b\w+kah\b|\bkah\b", re.I)
CASE_QUESTION_MIN_WORDS = {"cancel": 4,
                           # a shorter question read as goodbye ("sampai kapan harga itu?": "sampai" as in "sampai
                           # jumpa") is a follow-up the action server places (actions/answers.py FOLLOW_UP_MAX_WORDS)
                           "goodbye": 8}


#: A programme named in a question ("oh itu sudah sama JHT?"): no goodbye, however short ("sudah" is a word of both).
PROGRAMME_NAMED = re.compile(r"\b(jht|jkk|jkm|jp|jkp|iuran\w*|klaim\w*)\b", re.I)


def asks_a_case(text: str, intent: str = "cancel") -> bool:
    """``text``, read as ``intent``, asks a question about a case rather than ending anything (see
    :data:`CASE_OPENING`)."""
    if intent == "goodbye" and "?" in (text or "") and PROGRAMME_NAMED.search(text or ""):
        return True
    if intent not in CASE_QUESTION_MIN_WORDS or len((text or "").split()) < CASE_QUESTION_MIN_WORDS[intent]:
        return False
    return bool(CASE_OPENING.search(text) or ("?" in text and QUESTION_WORD.search(text)))


def _sure_of(ranking: List[Dict[str, Any]] | None, names: frozenset) -> bool:
    """The model's first reading is one of ``names``, at least as sure as the fallback's threshold."""
    return bool(ranking and ranking[0].get("name") in names
                and float(ranking[0].get("confidence") or 0.0) >= KEPT_OVER_OTHERS_DATA_MIN)


def _demote_first(message: Message, ranking: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """``ranking`` with its first reading at confidence 0, re-sorted, set as the message's intent and ranking."""
    demoted = sorted([dict(r, confidence=0.0) if i == 0 else r for i, r in enumerate(ranking)],
                     key=lambda r: -float(r.get("confidence") or 0.0))
    message.set("intent", demoted[0], add_to_output=True)
    message.set("intent_ranking", demoted, add_to_output=True)
    return demoted


#: A cost question read as asking for a person ("biaya per orang?" after GN Lingkaran: "orang" as in "per person"):
#: no handoff without a word of talking to someone; the next reading stands.
COST_NOT_TALK = re.compile(r"\b(biaya\w*|iuran\w*|berapa\w*|brp|harga\w*|tarif\w*|bayar\w*)\b", re.I)
TALK_WORDS = re.compile(r"\b(bicara|bicra|ngobrol|ngomong|omong|chat|hubungi|hubungkan|sambung\w*|telp\w*|telep\w*|"
                        r"nelpon|petugas|cs|admin|manusia|asli|beneran|robot|bot|operator|staf\w*|pegawai|diladeni)\b",
                        re.I)
HANDOFF_DEMOTED = frozenset({"human_handoff"})

#: Help sought with paying ("Kami tdk mampu bayar iurannya. Ada bantuan dr pemerintah utk bayarkan?") read as an offer
#: to pay for others: the worker cannot afford it (the cheapest way, GN Lingkaran, being put forward), no sponsor form.
HELP_SOUGHT = re.compile(r"\b(tdk|tidak|tak|nda|ndak|tra|tida|ga|gak|kurang)\s+(mampu|sanggup|kuat bayar)\b|"
                         r"\b(ada|minta|dapat|dpt|cari|butuh)\s+bantuan\b|\b(bisa|bs)\s+(dibantu|dibayari|dibayarkan|"
                         r"dibayarin|ditanggung)\b", re.I)
#: An offer to pay ("kami mau membayari iuran nelayan", "sa yg bayar"; "perusahaan sy mau jadi donatur" by the
#: sponsor's own words, content/signals.yml ``sponsor.offer``): stands.
SPONSOR_WILL = re.compile(r"\b(mau|ingin|pengen|siap|bersedia|akan|bisa)\s+(\w+\s+)?(membayari|bayari|bayarin|"
                          r"membayarkan|bayarkan|menanggung|tanggung|membantu|bantu|menyumbang|donasi)\b|"
                          r"\b(sy|saya|sa|kami|aku)\s+(yg|yang)\s+bayar", re.I)
OFFER_READINGS = frozenset({"sponsor_offer"})
HELP_INTENT = "cannot_afford"


def asks_for_help_paying(text: str) -> bool:
    """Help with paying sought, no offer to pay made (:data:`HELP_SOUGHT`, :data:`SPONSOR_WILL`)."""
    return bool(HELP_SOUGHT.search(text or "")) and not (SPONSOR_WILL.search(text or "") or sponsor_offer_words(text))


def _renamed_first(message: Message, ranking: List[Dict[str, Any]], name: str) -> List[Dict[str, Any]]:
    """``ranking`` with its first reading renamed ``name`` at the same confidence (``name``'s own reading dropped)."""
    first = dict(ranking[0], name=name)
    renamed = [first] + [r for r in ranking[1:] if r.get("name") != name]
    message.set("intent", first, add_to_output=True)
    message.set("intent_ranking", renamed, add_to_output=True)
    return renamed


DECISIONS = frozenset({"delete_my_data", "cancel", "human_handoff", "request_contact", "affirm", "deny", STOP_INTENT})


#: The parse data's list of the questions of a message that asks several, each with its own intent.
QUESTIONS_KEY = "questions"
_QUESTION_SPAN = re.compile(r"[^.?!\n]*\?")


#: Where one sentence joins two questions ("JKP nya brp sebulan, dan JHT sy 11 jt bisa diurus lewat hp?").
_JOINED = re.compile(r",?\s+(?:dan|terus|trus|trs|lalu|serta|sekalian)\s+|,\s+(?=(?:kalau|kalo|klo|kl)\b)", re.I)
#: A word that makes a clause a question of its own.
_ASKS = re.compile(r"\b(?:berapa|brp|brapa|brpa|apa|apakah|bagaimana|gimana|gmn|bisa|bs|bisakah|boleh|kapan|kpn|"
                   r"di ?mana|dmn|ke ?mana|kemana|kmn|siapa|caranya|syarat\w*|\w+kah)\b", re.I)


def question_spans(text: str) -> List[Tuple[int, int]]:
    """(start, end) of each question of ``text``: each sentence that ends in "?" ("... Berapa iuran kami? Terus
    kalau mulai Januari, masih dapat potongan kah?" has two), and each half of one that joins two questions with
    "dan", "terus" or ", kalau", when both halves ask ("Berapa iurannya untuk kurir, dan daftarnya di mana?")."""
    spans: List[Tuple[int, int]] = []
    for m in _QUESTION_SPAN.finditer(text or ""):
        if not re.search(r"\w", m.group(0)):
            continue
        start = m.start()
        for j in _JOINED.finditer(m.group(0)):
            cut = m.start() + j.start()
            if _ASKS.search(text[start:cut]) and _ASKS.search(text[cut:m.end()]):
                spans.append((start, cut))
                start = cut
        spans.append((start, m.end()))
    return spans


def scale_features(X: csr_matrix, sublinear_tf: bool, l2_normalise: bool) -> csr_matrix:
    """The feature matrix as the classifier sees it: counts damped by a logarithm and rows of unit length."""
    X = csr_matrix(X, dtype=np.float64, copy=True)
    if not X.shape[1]:
        return X  # no sparse featurizer in the pipeline
    if sublinear_tf:
        positive = X.data > 0
        X.data[positive] = 1.0 + np.log(X.data[positive])
    if l2_normalise:
        X = normalize(X, norm="l2", copy=False)
    return X


def sentence_matrix(features: List[Features | None]) -> csr_matrix:
    """One row per message from its sentence features (a message without any gets a row of zeros)."""
    dims = {f.features.shape[-1] for f in features if f is not None}
    if len(dims) > 1:
        raise ValueError(f"sentence features of different sizes {sorted(dims)}")
    dim = dims.pop() if dims else 0
    if not dim:
        return csr_matrix((len(features), 0), dtype=np.float64)
    return vstack([csr_matrix(f.features if f is not None else (1, dim), dtype=np.float64) for f in features],
                  format="csr")


def combine_features(sparse: csr_matrix, dense: csr_matrix, sublinear_tf: bool, l2_normalise: bool,
                     dense_weight: float) -> csr_matrix:
    """The scaled sparse features, then (if there are any) the unit-length dense ones times ``dense_weight``."""
    X = scale_features(sparse, sublinear_tf, l2_normalise)
    if not dense.shape[1]:
        return X
    return hstack([X, normalize(dense, norm="l2") * float(dense_weight)], format="csr")


VOCABULARY_FILE = "vocabulary.json"


def message_words(message: Message) -> Set[str]:
    """The normalised words of a message as the featurizers see them (token lemmas, lower case)."""
    return {(t.lemma or t.text).lower() for t in message.get(TOKENS_NAMES[TEXT]) or []}


def damp_unknown(ranking: List[Dict[str, Any]], words: Iterable[str], vocabulary: Set[str],
                 factor: float) -> List[Dict[str, Any]]:
    """The ranking with every confidence multiplied by ``factor`` when none of ``words`` is in ``vocabulary``."""
    if not vocabulary or any(w in vocabulary for w in words):
        return ranking
    return [{**r, "confidence": r["confidence"] * factor} for r in ranking]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LingkarIntentClassifier(LogisticRegressionClassifier):
    """Logistic regression on log-damped, length-normalised features (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(),
                "C": 1.0, "sublinear_tf": True, "l2_normalise": True, "unknown_words_factor": 1.0,
                # weight of the dense sentence vector (length 1) beside the sparse one (length 1)
                "dense_weight": 1.0}

    def __init__(self, config: Dict[str, Any], name: str, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.validate_config(self.config)  # Rasa does not call it for classifiers: a bad config.yml fails here
        self.clf.set_params(C=float(self.config["C"]))
        self.vocabulary: Set[str] = set()

    def train(self, training_data: TrainingData) -> Resource:
        self.vocabulary = {w for e in training_data.intent_examples if e.get("intent") and e.get(TEXT)
                           for w in message_words(e)}
        return super().train(training_data)  # fits, then persist() below

    def persist(self) -> None:
        super().persist()
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / VOCABULARY_FILE).write_text(json.dumps(sorted(self.vocabulary), ensure_ascii=False),
                                                     encoding="utf-8")

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LingkarIntentClassifier:
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as model_dir:
                component.vocabulary = set(json.loads((model_dir / VOCABULARY_FILE).read_text(encoding="utf-8")))
        except (ValueError, OSError):
            component.vocabulary = set()  # an untrained component: nothing to damp
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        messages = super().process(messages)
        factor = float(self.config["unknown_words_factor"])
        for message in messages:
            ranking = message.get("intent_ranking")
            if is_stop(str(message.get(TEXT) or "")):
                stop = {"name": STOP_INTENT, "confidence": 1.0}
                rest = [dict(r, confidence=0.0) for r in ranking or [] if r.get("name") != STOP_INTENT]
                message.set("intent", stop, add_to_output=True)
                message.set("intent_ranking", [stop] + rest, add_to_output=True)
                continue
            if ranking and factor != 1.0:
                damped = damp_unknown(ranking, message_words(message), self.vocabulary, factor)
                if damped is not ranking:
                    message.set("intent", damped[0], add_to_output=True)
                    message.set("intent_ranking", damped, add_to_output=True)
                    ranking = damped
            if ranking and ranking[0].get("name") in WORDS_REQUIRED \
                    and not topic_allowed(ranking[0].get("name"), str(message.get(TEXT) or "")):
                ranking = _demote_first(message, ranking)
            questions = self.sub_questions(message)
            if questions:
                message.set(QUESTIONS_KEY, questions, add_to_output=True)
            signals = read_signals(str(message.get(TEXT) or "")) if ranking else None
            if ranking and signals.scam and ranking[0].get("name") in SCAM_DEMOTED:
                ranking = _demote_first(message, ranking)
            declined = bool(ranking and ranking[0].get("name") in DECLINE_DEMOTED
                            and DECLINES.search(str(message.get(TEXT) or "")))
            if declined:
                ranking = _demote_first(message, ranking)  # "kamu mau minta NIK sy? sy tdk mau kasih": no request
            if ranking and ranking[0].get("name") in NOT_CANCELLING_DEMOTED \
                    and NOT_CANCELLING.search(str(message.get(TEXT) or "")):
                ranking = _demote_first(message, ranking)  # "tidak jadi berhenti deh": a change of mind, no cancel
            text = str(message.get(TEXT) or "")
            if ranking and ranking[0].get("name") in HANDOFF_DEMOTED and COST_NOT_TALK.search(text) \
                    and not TALK_WORDS.search(text):
                ranking = _demote_first(message, ranking)  # "biaya per orang?": a cost, not a person
            if ranking and ranking[0].get("name") in OFFER_READINGS and asks_for_help_paying(text):
                ranking = _renamed_first(message, ranking, HELP_INTENT)  # "kami tdk mampu ... ada bantuan?": help
            if ranking and asks_a_case(str(message.get(TEXT) or ""), str(ranking[0].get("name"))):
                ranking = _demote_first(message, ranking)  # "trus klo sa berhenti dan jadi ojol?": a question
            # a decision the model is unsure of ("jgn2 nanti data sy disalahgunakan. Kenapa harus kasih NIK?" read as
            # "deny" at 0.25) does not stand over the worry
            decided, kept = _sure_of(ranking, DECISIONS), _sure_of(ranking, KEPT_OVER_OTHERS_DATA)
            if ranking and (signals.others_data and not kept
                            or (not decided or declined) and signals.privacy):
                mine = {"name": PRIVACY_INTENT, "confidence": 1.0}
                rest = [dict(r, confidence=0.0) for r in ranking if r.get("name") != PRIVACY_INTENT]
                message.set("intent", mine, add_to_output=True)
                message.set("intent_ranking", [mine] + rest, add_to_output=True)
        return messages

    def sub_questions(self, message: Message) -> List[Dict[str, Any]]:
        """Each question of a message that asks two or more ("Bisa ikut pensiun bulanan juga kah? Dan kalau ikut JHT,
        umur berapa sa bisa ambil uangnya?"), classified by the same model on the features of its own tokens: the
        message's token rows summed over the question's span, scaled like a whole message. Word bigrams that cross
        tokens are not in those rows, so a question is read on its words and their letters. Empty for a message
        with fewer than two questions, or when the pipeline has dense features (they exist per message only)."""
        text = str(message.get(TEXT) or "")
        spans = question_spans(text)
        if len(spans) < 2:  # most messages: no feature work at all
            return []
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        sequence = message.get_sparse_features(attribute=TEXT)[0]
        dense = message.get_dense_features(attribute=TEXT)[1]
        if sequence is None or dense is not None or not hasattr(self.clf, "classes_"):
            return []
        rows = csr_matrix(sequence.features, dtype=np.float64)
        if rows.shape[0] != len(tokens):
            return []
        out = []
        for start, end in spans:
            picked = [i for i, t in enumerate(tokens) if t.start >= start and t.end <= end]
            if not picked:
                continue
            X = scale_features(csr_matrix(rows[picked].sum(axis=0)), bool(self.config["sublinear_tf"]),
                               bool(self.config["l2_normalise"]))
            probas = self.clf.predict_proba(X)[0]
            best = int(np.argmax(probas))
            out.append({"text": text[start:end].strip(), "intent": str(self.clf.classes_[best]),
                        "confidence": float(probas[best])})
        return out

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        sparse = sentence_matrix([m.get_sparse_features(attribute=TEXT)[1] for m in messages])
        dense = sentence_matrix([m.get_dense_features(attribute=TEXT)[1] for m in messages])
        return combine_features(sparse, dense, bool(self.config["sublinear_tf"]), bool(self.config["l2_normalise"]),
                                float(self.config["dense_weight"]))

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if float(config.get("C", 1.0)) <= 0:
            raise ValueError(f"{cls.__name__}: C must be above 0, not {config.get('C')}")
        if not 0 < float(config.get("unknown_words_factor", 1.0)) <= 1:
            raise ValueError(f"{cls.__name__}: unknown_words_factor must be in (0, 1], "
                             f"not {config.get('unknown_words_factor')}")
        if float(config.get("dense_weight", 1.0)) < 0:
            raise ValueError(f"{cls.__name__}: dense_weight must not be negative, not {config.get('dense_weight')}")
