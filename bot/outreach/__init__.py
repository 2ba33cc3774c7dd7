"""Broadcasts (issue 15): a message to a topic's subscribers, sent by background jobs at each channel's limits.

* ``message.py``: the message file (text with ``{fact.key}`` placeholders, optional buttons), checked when queued and
  rendered with the facts of the day it is sent;
* ``audience.py``: who gets it and who still wants it (injected: the subscriptions' audience query, the "still
  subscribed?" check, the automatic unsubscribe);
* ``senders.py``: one message to one recipient on Telegram (Bot API) or WhatsApp (Graph API: text in the 24-hour
  window, an approved template outside it), each error turned into sent / failed / try later;
* ``delivery.py``: :class:`Outreach`, queueing a broadcast and sending one batch of it (claim, check, pace, send,
  record);
* ``jobs.py``: the procrastinate app and its tasks (the batch, the sweep that recovers stalled jobs);
* ``__main__.py``: ``python -m bot.outreach broadcast|status|pause|resume|cancel|worker``.

docs/jobs.md says why procrastinate and how exactly-once and the shared rates work.
"""
