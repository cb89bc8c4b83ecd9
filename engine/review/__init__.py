"""Reviewing the encoding: what changed between two versions and which outcomes move (``diff``), and
legal officers' sign-offs of articles — their status, what changed since, a checklist, records and
SSH signatures (``status``, ``article_diff``, ``checklist``, ``signoff``)."""
