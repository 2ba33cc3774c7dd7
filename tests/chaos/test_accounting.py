"""The chaos suite's accounting of one worker message (``judge_message``): a text sent twice is a duplicate, except
the adapter's one documented window, a kill right after Telegram accepted the message and before the step was
recorded, which the restarted adapter sends again (docs/chaos.md, docs/telegram.md "Delivery guarantee")."""
from __future__ import annotations

from typing import List

import pytest

from tests.chaos.crowd import Identity, Journey, Sent
from tests.chaos.run import KILL_WINDOW_S, judge_message
from tests.telegram.fake_bot_api import Call

WHO = Identity(uid=930_001, name="Ani Lestari", phone="081234567890", nik="7401015708900001")
REF = [["Halo"], ["Sebelum saya mencatat data pribadi Anda", "Setuju?"]]


class Calls:
    """What judge_message reads of the fake Bot API: the successful sendMessage calls to a chat."""

    def __init__(self, sent: List[tuple]):
        self.calls = [Call("sendMessage", {"chat_id": WHO.uid, "text": t}, at, ok=True) for t, at in sent]

    def successful(self, method, chat_id=None):
        return [c for c in self.calls if c.method == method and c.params["chat_id"] == chat_id]


def judge(sent: List[tuple], kills=()):
    journey = Journey(who=WHO)
    s = Sent(uid=WHO.uid, step=1, kind="press", text="Hubungi saya", pushed_at=99.0, start=0, outcome="answered")
    return judge_message(Calls(sent), journey, s, REF, kills)


def test_an_answer_sent_once_is_neither_duplicated_nor_resent():
    v = judge([("Sebelum saya mencatat data pribadi Anda", 100.0), ("Setuju?", 100.1)], kills=[100.05])
    assert (v["duplicated"], v["resent_after_adapter_kill"], v["missing_parts"]) == (0, 0, 0)


def test_a_copy_after_an_adapter_kill_right_after_the_first_is_counted_apart():
    v = judge([("Sebelum saya mencatat data pribadi Anda", 100.0), ("Sebelum saya mencatat data pribadi Anda", 103.0),
               ("Setuju?", 103.1)], kills=[100.3])
    assert (v["duplicated"], v["resent_after_adapter_kill"]) == (0, 1)


@pytest.mark.parametrize("kills", [[], [100.0 + KILL_WINDOW_S + 0.5], [99.0], [104.0]],
                         ids=["no kill", "kill long after the first copy", "kill before the first copy",
                              "kill after the second copy"])
def test_any_other_second_copy_is_a_duplicate(kills):
    v = judge([("Sebelum saya mencatat data pribadi Anda", 100.0), ("Sebelum saya mencatat data pribadi Anda", 103.0),
               ("Setuju?", 103.1)], kills=kills)
    assert (v["duplicated"], v["resent_after_adapter_kill"]) == (1, 0)


def test_one_kill_explains_one_copy_not_two():
    text = "Sebelum saya mencatat data pribadi Anda"
    v = judge([(text, 100.0), (text, 100.5), (text, 103.0), ("Setuju?", 103.1)], kills=[100.2])
    assert (v["duplicated"], v["resent_after_adapter_kill"]) == (1, 1)


def test_the_report_shows_copies_sent_again_apart_from_duplicates():
    from tests.chaos.report import render

    text = render({"profile": "short", "seed": 9, "workers": 3, "ok": True,
                   "messages": {"messages": 5, "answered": 5, "duplicated": 0, "resent_after_adapter_kill": 1},
                   "per_fault": {"adapter": {"messages": 5, "resent_after_adapter_kill": 1}}})
    assert "**0 duplicated** (1 more sent again because the adapter was killed" in text
    assert "| adapter | 5 |" in text and "| 1 |" in text


def test_texts_are_read_from_each_call_even_when_python_reuses_a_freed_calls_id():
    from tests.chaos.crowd import sent_texts

    for i in range(200):      # freed Call objects' ids are reused by new ones: a cache by id alone gives old texts
        texts = [f"pesan {i} nomor {k}" for k in range(3)]
        assert sent_texts(Calls([(t, 100.0 + k) for k, t in enumerate(texts)]), WHO.uid) == texts


def _result(**journeys):
    return {"messages": {}, "leads": {}, "staff_notifications": {}, "outbox_undelivered_at_end": 0,
            "unmasked_personal_data_in_logs": {}, "journeys": journeys}


def test_a_run_fails_unless_a_journey_begun_after_the_last_recovery_finished():
    from tests.chaos.run import verdict

    # journeys that finished before the faults do not show that the stack serves whole journeys again
    fails = verdict(_result(total=5, finished=3, finished_after_faults=0, diverged=2), strict_rasa=True)
    assert fails and "after the last recovery" in fails[0] and "3 of 5" in fails[0]
    assert verdict(_result(total=5, finished=1, finished_after_faults=1, diverged=4), strict_rasa=True) == []


def test_journeys_count_as_begun_after_a_moment_by_their_start():
    from tests.chaos.crowd import Crowd

    crowd = Crowd(tg=None, ref=[], rng=None, think=(0, 0))
    early, late, late_unfinished = Journey(who=WHO), Journey(who=WHO), Journey(who=WHO)
    early.started_at, late.started_at, late_unfinished.started_at = 10.0, 50.0, 60.0
    early.finished = late.finished = True
    crowd.journeys = [early, late, late_unfinished]
    assert crowd.finished_since(40.0) == 1 and crowd.finished_since(0.0) == 2 and crowd.finished_since(55.0) == 0


def test_the_report_lists_each_divergence_with_what_came_instead():
    from tests.chaos.report import render

    text = render({"profile": "short", "seed": 9, "workers": 3, "ok": False,
                   "divergences": [{"user": 930004, "step": 9, "sent": "Pagi", "fault": "redis-empty",
                                    "got": ["Selamat pagi | apa kabar?\nAda yang bisa dibantu?"]}]})
    assert "## Divergences" in text
    assert "| 930004 | 9 | Pagi | redis-empty | Selamat pagi \\| apa kabar? Ada yang bisa dibantu? |" in text
